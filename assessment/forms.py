from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from org.models import Unit

from .models import Assessment


class AssessmentForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("Not decided"))] + list(Assessment.Result.choices), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Assessment.Status.choices)
    self_score = forms.DecimalField(label=_("Self-score"), required=False, min_value=0, max_digits=6, decimal_places=2)
    veto_triggered = forms.BooleanField(label=_("Veto triggered"), required=False)
    practice = forms.CharField(
        label=_("What was done"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcomes = forms.CharField(
        label=_("Results"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    highlights = forms.CharField(
        label=_("Highlights"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    shortfall = forms.CharField(
        label=_("Shortfall"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(
        label=_("Rectification measure"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("Owner unit"), queryset=None, required=False)
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, indicator=None, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = Unit.objects.filter(
            is_active=True, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.OFFICE]
        )
        self.fields["owner"].queryset = owners.filter(region=campaign.region_id) if campaign is not None else owners
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
