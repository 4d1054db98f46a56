from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm

TABLE_EXTENSIONS = (".xlsx", ".xls", ".csv")


class TableUploadForm(BootstrapForm):
    file = forms.FileField(label=_("Table file"), help_text=_(".xlsx, .xls or .csv, as the county circulates it"))
    sheet = forms.CharField(label=_("Sheet"), max_length=100, required=False, help_text=_("Leave empty to use the first sheet with a header row"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TABLE_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class FrameworkImportForm(TableUploadForm):
    name = forms.CharField(label=_("Framework name"), max_length=200, initial="市县法治政府建设示范指标体系")

    field_order = ["name", "file", "sheet"]
