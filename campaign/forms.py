from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import Campaign
from .services import framework_change_refusal

# Sample focus areas in the words counties use (data, shown as it is in every language).
FOCUS_AREAS_EXAMPLE = "优化法治化营商环境、加强事中事后监管、行政执法“三项制度”"


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
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
            "city_office",
        ]
        widgets = {"focus_areas": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": _("Letters, digits and hyphens, used by commands (e.g. 2026-comprehensive)."),
            "single_item_title": _("Required for a single-item application."),
            "threshold": _("Share of applicable level-3 indicators that must be met, e.g. 0.900"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].help_text = _("e.g. %(example)s") % {"example": FOCUS_AREAS_EXAMPLE}

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
