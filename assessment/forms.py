from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from assignments.models import Assignment
from core.forms import BootstrapFormMixin
from evidence.models import Evidence
from indicators.models import Indicator
from org.models import Unit

from .models import Assessment, Rectification


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
        ).only("id", "code", "name", "short_name")  # what a choice shows (str(unit)), not the whole row
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
    note = forms.CharField(
        label=_("Verification note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RectificationReturnForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Why it is sent back"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _owner_units(campaign):
    """The campaign's county's departments, townships and office (the owners of its items)."""
    return Unit.objects.filter(
        is_active=True,
        region=campaign.region_id,
        kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.OFFICE],
    )


class PoolItemForm(BootstrapFormMixin, forms.Form):
    """The office adds an item to the problem pool by hand: an assessors' finding, the county's
    own inspection, a city comment received on paper. Self-assessment shortfalls come from the
    assessment page, survey weak points from the survey page."""

    SOURCES = [
        Rectification.Source.ASSESSOR,
        Rectification.Source.OWN_INSPECTION,
        Rectification.Source.CITY_REVIEW,
    ]

    source = forms.ChoiceField(label=_("Source"), choices=[(s, Rectification.Source(s).label) for s in SOURCES])
    detail = forms.CharField(
        label=_("Found in"),
        max_length=500,
        required=False,
        help_text=_("Where it was found: the finding, the comment, the place inspected."),
    )
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())
    measure = forms.CharField(
        label=_("Rectification measure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owner_units(campaign)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            framework_id=campaign.framework_id, level=3
        ).order_by("code")
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.title[:40]}"


class RectificationReportForm(BootstrapFormMixin, forms.Form):
    """The owner unit reports its fix: how, and the evidence — a piece it has, or a new file
    added to one of its tasks (through the evidence app's checks)."""

    missing_evidence = _("A fix is reported with evidence: choose a piece or upload a file.")
    LATEST_PIECES = 30

    note = forms.CharField(label=_("How it was fixed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.ModelChoiceField(label=_("Existing evidence"), queryset=Evidence.objects.none(), required=False)
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_("PDF, OFD, Word, Excel, PowerPoint, WPS, ODF (.odt, .ods, .odp), JPG or PNG"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, Evidence.Kind(k).label) for k in Evidence.FILE_KINDS], required=False
    )
    task = forms.ModelChoiceField(
        label=_("Task the file belongs to"), queryset=Assignment.objects.none(), required=False
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # Bounded whatever the unit holds (a busy unit has hundreds of pieces): its latest on the
        # item's own indicator, and its latest others; an older piece is uploaded again. The ids
        # come from two small lookups through the unit's shares (evidence is indexed by share): an
        # OR of the two in one query made PostgreSQL scan the campaign's evidence (80 ms at 100,000
        # pieces), and SQLite refuses a UNION of LIMITed parts.
        shares = Assignment.objects.filter(campaign_id=item.campaign_id, unit_id=item.owner_id)
        n = self.LATEST_PIECES

        def latest(of):
            pieces = Evidence.objects.visible().filter(assignment__in=of.values("pk"))
            return list(pieces.order_by("-created_at").values_list("pk", flat=True)[:n])

        ids = latest(shares)
        if item.indicator_id:
            ids += latest(shares.filter(indicator_id=item.indicator_id))
        self.fields["evidence"].queryset = (
            Evidence.objects.filter(pk__in=ids).select_related("assignment__indicator").order_by("-created_at")
        )
        self.fields["evidence"].help_text = _(
            "Your unit's %(count)s latest pieces for this indicator and its %(count)s latest others; "
            "upload an older one again."
        ) % {"count": n}
        self.fields["evidence"].label_from_instance = lambda e: f"{e.assignment.indicator.code} {e.title[:60]}"
        tasks = (
            Assignment.objects.open()
            .filter(campaign_id=item.campaign_id, unit_id=item.owner_id)
            .select_related("indicator")
            .order_by("indicator__code")
        )
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda a: f"{a.indicator.code} {a.indicator.title[:40]}"
        if item.indicator_id:
            own = next((a for a in tasks if a.indicator_id == item.indicator_id), None)
            if own is not None:
                self.fields["task"].initial = own.pk

    def clean(self):
        data = super().clean()
        if not data.get("evidence") and not data.get("file"):
            raise forms.ValidationError(self.missing_evidence)
        if data.get("file") and not data.get("task"):
            raise forms.ValidationError(_("Choose one of your unit's tasks for the file."))
        return data
