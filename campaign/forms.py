from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from org import permissions
from org.models import Unit

from .models import Campaign
from .services import framework_change_refusal

# Sample focus areas in the words counties use (data, shown as it is in every language).
FOCUS_AREAS_EXAMPLE = "优化法治化营商环境、加强事中事后监管、行政执法“三项制度”"


class PercentField(forms.DecimalField):
    """A share entered and shown in percent (90 means 0.900), stored as the model's fraction.
    Django has no percent field; this is the two conversions and nothing else."""

    def __init__(self, **kwargs):
        kwargs.update(max_digits=4, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("100"))
        super().__init__(**kwargs)
        self.widget.attrs.update(step="0.1", inputmode="decimal")

    def prepare_value(self, value):
        # The stored fraction (initial) becomes percent; what the user typed (a string) stays as typed.
        if isinstance(value, (Decimal, float, int)):
            return f"{(Decimal(str(value)) * 100).normalize():f}"  # 90, not 9E+1
        return value

    def clean(self, value):
        percent = super().clean(value)
        if percent is None:
            return None
        try:
            return (percent / 100).quantize(Decimal("0.001"))
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    threshold = PercentField(
        label=_("Eligibility threshold (%)"),
        help_text=_("Share of applicable level-3 indicators that must be met, in percent, e.g. 90"),
        error_messages={
            "min_value": _("Give a percentage between 0 and 100, e.g. 90."),
            "max_value": _("Give a percentage between 0 and 100, e.g. 90."),
            "invalid": _("Give a percentage between 0 and 100, e.g. 90."),
            "max_digits": _("Give a percentage between 0 and 100, e.g. 90."),
            "max_decimal_places": _("Give a percentage with at most one decimal, e.g. 87.5."),
        },
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "county",
            "slug",
            "kind",
            "single_item_title",
            "focus_areas",
            "framework",
            "threshold",
            "batch",
            "city_office",
        ]
        widgets = {"focus_areas": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": _("A short name in letters, digits and hyphens that stays the same, e.g. 2026-comprehensive."),
            "single_item_title": _("Required for a single-item application."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The city office a county declares to is one of its own city's.
        county = self.instance.region if self.instance.pk else permissions.working_county(user)
        self.fields["city_office"].queryset = Unit.objects.filter(
            Q(region=county.parent_id) | Q(region=county), kind=Unit.Kind.CITY_OFFICE, is_active=True
        )
        self.fields["batch"].help_text = _("The national batch this application is in, e.g. the fifth batch.")
        self.fields["focus_areas"].help_text = _("e.g. %(example)s") % {"example": FOCUS_AREAS_EXAMPLE}
        # A declared field loses the model's default as its initial value: a new campaign starts at 90 %.
        self.fields["threshold"].initial = Campaign._meta.get_field("threshold").default

    def clean(self):
        data = super().clean()
        swapped = (
            self.instance.pk
            and "framework" in data
            and getattr(data["framework"], "pk", None) != self.instance.framework_id
        )
        if swapped and (refusal := framework_change_refusal(self.instance)):
            self.add_error("framework", refusal)
        if data.get("kind") == Campaign.Kind.SINGLE_ITEM and not (data.get("single_item_title") or "").strip():
            self.add_error("single_item_title", _("A single-item application needs the project's title."))
        return data


class StageForm(BootstrapFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    effective_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(m, Campaign.Stage(m).label) for m in moves]
