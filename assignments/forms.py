from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from core.forms import BootstrapForm, TableUploadForm
from org import permissions
from org.models import Unit

from .models import Assignment
from .services import circular_doc_number_clean


class AssignmentImportForm(TableUploadForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None)

    field_order = ["campaign", "file", "sheet"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:  # the campaigns of the importer's own county
            self.fields["campaign"].queryset = (
                permissions.restrict(request.user, permissions.IMPORT_TABLES, Campaign)
                .filter(framework__isnull=False)
                .order_by("-created_at")
            )


class AssignmentExportForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none())
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")], required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = permissions.restrict(user, permissions.VIEW_UNIT_WORK, Campaign).filter(
            framework__isnull=False
        )


class TransitionForm(BootstrapForm):
    to_status = forms.ChoiceField(choices=Assignment.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeadlineForm(BootstrapForm):
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ongoing = forms.BooleanField(label=_("Ongoing"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("ongoing") and not data.get("deadline") and not self.errors:
            raise forms.ValidationError(_("Give a deadline or mark the task ongoing."))
        return data


class UnitChoiceForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            region=campaign.region_id,
            is_active=True,
            kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.OFFICE],
        )


class BulkActionForm(DeadlineForm):
    ACTIONS = [("deadline", _("Set deadline")), ("remind", _("Send reminder"))]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    selected = forms.ModelMultipleChoiceField(queryset=Assignment.objects.none(), required=False)
    all_filtered = forms.BooleanField(required=False)

    field_order = ["action", "deadline", "ongoing"]

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = queryset
        self.filtered = queryset

    def clean(self):
        data = forms.Form.clean(self)
        if (
            data.get("action") == "deadline"
            and not data.get("ongoing")
            and not data.get("deadline")
            and not self.errors
        ):
            raise forms.ValidationError(_("Give a deadline or mark the task ongoing."))
        if not data.get("all_filtered") and not data.get("selected"):
            raise forms.ValidationError(_("Select at least one task."))
        return data

    def targets(self):
        return self.filtered if self.cleaned_data["all_filtered"] else self.cleaned_data["selected"]


class CircularForm(BootstrapForm):
    """A formal notice: which units it names (the board's candidates, red ones ticked by the
    view), its 文号, issuing body, date and text. The service checks every value again."""

    units = forms.MultipleChoiceField(
        label=_("Units to name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit to name in the notice."),
            "invalid_choice": _("A chosen unit has no overdue or returned work and cannot be named."),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    doc_number = forms.CharField(label=_("Document number"), max_length=50)
    issuer = forms.CharField(label=_("Issuing body"), max_length=100)
    issued_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Printed before the units' summaries: why the notice is issued and what the units must do."),
    )

    def __init__(self, *args, candidates=(), example_number="", **kwargs):
        super().__init__(*args, **kwargs)
        if example_number:
            self.fields["doc_number"].help_text = _("For example %(example)s.") % {"example": example_number}
        self.candidates = list(candidates)
        self.fields["units"].choices = [(str(r["unit"].pk), r["unit"].name) for r in self.candidates]

    def clean(self):
        # The service's own rule, shown beside the field (the service checks it again).
        data = super().clean()
        if data.get("doc_number") and data.get("issued_on"):
            try:
                data["doc_number"] = circular_doc_number_clean(data["doc_number"], issued_on=data["issued_on"])
            except ValidationError as exc:
                self.add_error("doc_number", exc)
        return data
