from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.forms import BootstrapFormMixin, QuickSelect

from .models import Assessment, Campaign, Membership, Unit


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "county", "slug", "kind", "single_item_title", "focus_areas", "framework", "threshold", "city_office"]
        widgets = {"focus_areas": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": _("Letters, digits and hyphens, used by commands (e.g. 2026-comprehensive)."),
            "single_item_title": _("Required for a single-item application."),
            "focus_areas": _("e.g. 优化法治化营商环境、加强事中事后监管、行政执法“三项制度”"),
            "threshold": _("Share of applicable level-3 indicators that must be met, e.g. 0.900"),
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == Campaign.Kind.SINGLE_ITEM and not (data.get("single_item_title") or "").strip():
            self.add_error("single_item_title", _("A single-item application needs the project's title."))
        threshold = data.get("threshold")
        if threshold is not None and not (0 < threshold <= 1):
            self.add_error("threshold", _("Give a share between 0 and 1, e.g. 0.900."))
        return data


class StageForm(BootstrapFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    effective_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(m, Campaign.Stage(m).label) for m in moves]


class AssessmentForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("", _("Not decided"))] + list(Assessment.Result.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Assessment.Status.choices)
    self_score = forms.DecimalField(label=_("Self-score"), required=False, min_value=0, max_digits=6, decimal_places=2)
    veto_triggered = forms.BooleanField(label=_("Veto triggered"), required=False)
    practice = forms.CharField(label=_("What was done (主要做法)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.CharField(label=_("Results (成效)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    highlights = forms.CharField(label=_("Highlights (亮点)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    shortfall = forms.CharField(label=_("Shortfall (短板)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(label=_("Rectification measure (整改措施)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner unit"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Unit.objects.filter(is_active=True, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.OFFICE])
        if indicator is not None and indicator.score is not None:
            self.fields["self_score"].validators.append(MaxValueValidator(indicator.score))
            self.fields["self_score"].help_text = _("0 to %(max)s") % {"max": indicator.score}
        if indicator is not None and not indicator.is_veto:
            del self.fields["veto_triggered"]

    def clean(self):
        data = super().clean()
        if data.get("measure") and not (data.get("owner") and data.get("deadline")):
            raise forms.ValidationError(_("A rectification measure needs an owner unit and a deadline."))
        if data.get("measure") and data.get("result") not in ("partial", "not_met"):
            raise forms.ValidationError(_("Rectification is for indicators not fully met."))
        return data


class RectificationCloseForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("How it was fixed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _grantable_units():
    return Unit.objects.filter(is_active=True, kind__in=permissions.GRANTABLE_UNIT_KINDS).order_by("kind", "code")


def _grantable_roles():
    return [(r, label) for r, label in Membership.Role.choices if r in permissions.GRANTABLE_ROLES]


class GrantForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, widget=QuickSelect)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _grantable_units()
        self.fields["role"].choices = _grantable_roles()


class PersonForm(GrantForm):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+\Z",
                                help_text=_("Letters, digits and . @ + - _ ; used to sign in, e.g. zhangsan-sfj"))
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False, help_text=_("Reminders are also sent here."))

    field_order = ["full_name", "username", "unit", "role", "phone", "email"]
