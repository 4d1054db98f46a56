from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TableUploadForm


class FrameworkImportForm(TableUploadForm):
    name = forms.CharField(label=_("Framework name"), max_length=200, initial="市县法治政府建设示范指标体系")

    field_order = ["name", "file", "sheet"]
