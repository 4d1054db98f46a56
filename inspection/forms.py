import datetime
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image

from assessment.forms import RectificationReportForm
from core.forms import BootstrapForm, TableUploadForm
from indicators.models import Indicator
from org.models import Unit

from .models import FieldCheckItem, PublicityAction

PHOTO_MAX_MB = 20


def checked_photo(upload):
    """A JPG or PNG no larger than the evidence limits, checked from its header (Pillow reads
    the format and size without decoding the pixels)."""
    if upload.size > PHOTO_MAX_MB * 1024 * 1024:
        raise forms.ValidationError(_("The photo is larger than %(mb)s MB.") % {"mb": PHOTO_MAX_MB})
    try:
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
    except (OSError, Image.DecompressionBombError, ValueError):
        raise forms.ValidationError(_("Photos must be JPG or PNG images.")) from None
    finally:
        upload.seek(0)
    if kind not in ("JPEG", "PNG"):
        raise forms.ValidationError(_("Photos must be JPG or PNG images."))
    if width * height > settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS * 1_000_000:
        raise forms.ValidationError(
            _("The picture is larger than %(limit)s megapixels. Make it smaller and upload it again.")
            % {"limit": settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS}
        )
    return upload


class PublicityActionForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    platform = forms.ChoiceField(label=_("Platform"), choices=PublicityAction.Platform.choices)
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The report's address, starting with http:// or https://"),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )
    reads = forms.IntegerField(label=_("Reads"), min_value=0, max_value=2_000_000_000, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=2_000_000_000, required=False)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators it supports"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units, indicators, has_photo=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_photo = has_photo
        self.fields["unit"].queryset = units
        if len(units) == 1:
            # A liaison of one unit logs for that unit: the posted value is not read.
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].disabled = True
            self.fields["unit"].widget = forms.HiddenInput()
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.title}"

    def clean_happened_on(self):
        value = self.cleaned_data["happened_on"]
        if value > datetime.date.today() + datetime.timedelta(days=1):
            raise forms.ValidationError(_("The date is in the future."))
        return value

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return checked_photo(upload) if upload else None

    def clean(self):
        data = super().clean()
        if not (data.get("url") or data.get("photo") or self.has_photo) and not self.errors:
            raise forms.ValidationError(_("Give the link of the report or a photo of the action."))
        return data


class PublicityEvidenceForm(BootstrapForm):
    indicator = forms.ModelChoiceField(label=_("Evidence for indicator"), queryset=None)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.title}"


class PublicityTargetForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.DateInput(attrs={"type": "month", "placeholder": "2026-11"})
    )
    platform = forms.ChoiceField(label=_("Platform"), choices=PublicityAction.Platform.choices)
    count = forms.IntegerField(
        label=_("Target (actions)"), min_value=0, max_value=999, help_text=_("0 removes the target")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None


class SurveyUploadForm(TableUploadForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One row per response: a township column (%(township)s) and one column per question. Satisfaction is scored 1 to 5 (%(words)s); a question whose header contains %(mark)s counts awareness, 1 or 0 (%(yesno)s)."
        ) % {"township": "乡镇", "words": "非常不满意…非常满意", "mark": "知晓", "yesno": "是/否"}
        del self.fields["sheet"]


class FieldCheckItemForm(BootstrapForm):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=FieldCheckItem.Kind.choices)
    title = forms.CharField(label=_("What inspectors may visit or pull"), max_length=200)
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("The site: one inspection handbook is printed per place")
    )

    def __init__(self, *args, indicators, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.title[:40]}"
        self.fields["unit"].queryset = units


class FieldCheckStatusForm(BootstrapForm):
    status = forms.ChoiceField(label=_("Status"), choices=FieldCheckItem.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return checked_photo(upload) if upload else None


class SurveyPoolForm(BootstrapForm):
    """Turn a survey weak point into a pool item: the office sets the measure and deadline."""

    measure = forms.CharField(label=_("Rectification measure"), max_length=2000)
    deadline = forms.DateField(
        label=_("Rectification deadline"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(), required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            framework_id=campaign.framework_id, level=3
        ).order_by("code")
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.title[:40]}"


class AssessorRequestForm(BootstrapForm):
    title = forms.CharField(label=_("What is asked"), max_length=200)
    detail = forms.CharField(
        label=_("Details"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Wanted by"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            framework_id=campaign.framework_id, level=3
        ).order_by("code")
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.title[:40]}"


class RequestSplitForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("What this unit provides"), max_length=500, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            is_active=True, region=campaign.region_id, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP]
        ).order_by("code")


class RequestAnswerForm(RectificationReportForm):
    """The unit's answer: the same evidence choice as a rectification's fix report (a piece it
    has, or a file through the evidence app's checks)."""

    missing_evidence = _("Answer with evidence: choose a piece or upload a file.")

    def __init__(self, *args, part, **kwargs):
        indicators = list(part.request.indicators.all()[:1])
        item = SimpleNamespace(
            campaign_id=part.request.campaign_id,
            owner_id=part.unit_id,
            indicator_id=indicators[0].pk if indicators else None,
        )
        super().__init__(*args, item=item, **kwargs)
        self.fields["note"].label = _("Answer")
        self.fields["note"].required = False


class OutcomeForm(BootstrapForm):
    """公示 or the result, with its document (inspection.services.outcome_record)."""

    to_stage = forms.ChoiceField(label=_("What happened"))
    effective_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    title = forms.CharField(
        label=_("Document title"),
        max_length=200,
        help_text=_("e.g. the notice of the publication, or the decision naming the demonstration counties"),
    )
    document = forms.FileField(label=_("Document"), help_text=_("PDF, OFD, Word/WPS, or a scan as JPG/PNG"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        from campaign.models import Campaign

        self.fields["to_stage"].choices = [(m, Campaign.Stage(m).label) for m in moves]
