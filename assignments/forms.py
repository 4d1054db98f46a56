from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from indicators.forms import TableUploadForm


class AssignmentImportForm(TableUploadForm):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.filter(framework__isnull=False).order_by("-created_at"), empty_label=None
    )

    field_order = ["campaign", "file", "sheet"]


class AssignmentExportForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.filter(framework__isnull=False))
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")], required=False)
