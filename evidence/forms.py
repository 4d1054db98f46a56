from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm

from .models import Evidence

FILE_ACCEPT = (
    ".pdf,.ofd,.doc,.docx,.xls,.xlsx,.wps,.et,.dps,.ppt,.pptx,.odt,.ods,.odp,.jpg,.jpeg,.png,"
    "image/jpeg,image/png,application/pdf"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": FILE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FileEvidenceForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, Evidence.Kind(k).label) for k in Evidence.FILE_KINDS])
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, OFD, Word, Excel, PowerPoint, WPS, ODF (.odt, .ods, .odp), JPG or PNG; several at once"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_(
            "It also names the file in the package. Empty: the file's own name; a photo named by the camera "
            "(e.g. IMG_0001.jpg) is called by indicator code, photo and date."
        ),
    )
    issued_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LinkEvidenceForm(BootstrapForm):
    url = forms.URLField(
        label=_("Link"),
        max_length=1000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The news report's address, starting with http:// or https://"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_on = forms.DateField(
        label=_("Date published"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


SUMMARY_MAX = 5000


class SummaryEvidenceForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 8, "data-counter": SUMMARY_MAX})
    )
    issued_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ReplaceForm(BootstrapForm):
    file = forms.FileField(
        label=_("New file"), required=False, widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
    )
    url = forms.URLField(
        label=_("New link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    text = forms.CharField(
        label=_("New text"),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": SUMMARY_MAX}),
    )


class ReviewForm(BootstrapForm):
    decision = forms.ChoiceField(
        choices=[("accepted", _("Accept")), ("returned", _("Return"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LinkIndicatorsForm(BootstrapForm):
    codes = forms.CharField(
        label=_("Also proves (indicator codes)"),
        max_length=500,
        required=False,
        help_text=_("Level-3 codes separated by commas, e.g. 2.1.1, 3.2.4"),
    )
