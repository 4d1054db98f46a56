from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.downloads import table_response
from core.uploads import stash_confirm, stash_upload
from indicators.forms import TableUploadForm as AssessmentUploadForm
from indicators.models import Indicator
from indicators.tables import TableError

from .assessments import FIELDS as ASSESSMENT_FIELDS
from .assessments import assessment_save, assessment_suggestions, rectification_close
from .dashboard import county_dashboard, unit_dashboard
from .eligibility import eligibility
from .forms import AssessmentForm, CampaignForm, RectificationCloseForm, StageForm
from .models import Assessment, Campaign, Rectification, Unit
from .resources import assessment_dataset, assessment_export, assessment_import_rows
from .selectors import assessment_rows, campaign_current_or_404
from .services import campaign_create, campaign_move_stage, campaign_update, stage_moves_for, stage_moves_from


@login_required
@require_GET
def campaign_list(request):
    permissions.require_member(request.user)
    campaigns = Campaign.objects.select_related("framework").order_by("-created_at")
    can_create = permissions.has_perm(request.user, "campaign.add_campaign")
    return render(request, "campaign/list.html", {"campaigns": campaigns, "can_create": can_create})


@login_required
@require_GET
def campaign_detail(request, pk):
    """A campaign's details and its stage timeline, with the moves the user may make."""
    permissions.require_member(request.user)
    campaign = get_object_or_404(Campaign.objects.select_related("framework"), pk=pk)
    moves = stage_moves_for(campaign, request.user)
    context = {
        "campaign": campaign,
        "events": campaign.stage_events.select_related("by"),
        "stage_form": StageForm(moves=moves, initial={"effective_on": timezone.localdate()}) if moves else None,
        "can_edit": permissions.has_perm(request.user, permissions.MANAGE_CAMPAIGN),
        "stages": Campaign.Stage.choices,
    }
    return render(request, "campaign/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk=None):
    """Create (pk None) or edit a campaign: office admins."""
    permissions.require_global(request.user, permissions.MANAGE_CAMPAIGN)
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            if campaign is None:
                campaign = campaign_create(by=request.user, **values)
            else:
                campaign_update(campaign=campaign, by=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect(campaign)
    return render(request, "campaign/edit.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_stage(request, pk):
    permissions.require_member(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    # Every move the table allows from here: the service answers 403 to a user who may not make it.
    form = StageForm(request.POST, moves=stage_moves_from(campaign))
    if not form.is_valid():
        messages.error(request, _("This stage change is not possible."))
        return redirect(campaign)
    try:
        campaign_move_stage(campaign=campaign, to_stage=form.cleaned_data["to_stage"], by=request.user,
                            effective_on=form.cleaned_data["effective_on"], note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Stage: %(stage)s") % {"stage": campaign.get_stage_display()})
    return redirect(campaign)


# --- self-assessment, rectification, dashboard ------------------------------------------------

@login_required
@require_GET
def assessment_list(request):
    """Every level-3 indicator with its result, score, status and the suggestion from the evidence."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404()
    assessments = list(Assessment.objects.filter(campaign=campaign))  # for the rows and the eligibility line
    rows = assessment_rows(campaign=campaign, result=request.GET.get("result"), status=request.GET.get("status"),
                           level1=request.GET.get("level1"), suggested=request.GET.get("suggested"), assessments=assessments)
    context = {"campaign": campaign, "rows": rows, "eligibility": eligibility(campaign, assessments=assessments), "results": Assessment.Result.choices,
               "statuses": Assessment.Status.choices, "level1s": campaign.framework.indicators.filter(level=1).order_by("position")}
    return render(request, "campaign/assessment_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, indicator):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404()
    indicator = get_object_or_404(Indicator.objects.select_related("parent__parent"), pk=indicator, framework_id=campaign.framework_id, level=3)
    assessment = Assessment.objects.filter(campaign=campaign, indicator=indicator).first()
    initial = {f: getattr(assessment, f) for f in ASSESSMENT_FIELDS} if assessment else {}
    form = AssessmentForm(request.POST or None, indicator=indicator, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {f: data.get(f) for f in ASSESSMENT_FIELDS}
        values["veto_triggered"] = bool(data.get("veto_triggered"))  # absent from the form of a non-veto indicator
        rect = {"measure": data["measure"], "owner": data["owner"], "deadline": data["deadline"]} if data.get("measure") else None
        try:
            assessment_save(campaign=campaign, indicator=indicator, by=request.user, rectification=rect, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaign:assessments")
    context = {"campaign": campaign, "indicator": indicator, "form": form, "assessment": assessment,
               "suggestion": assessment_suggestions(campaign).get(indicator.pk),
               "rectifications": assessment.rectifications.select_related("owner") if assessment else []}
    return render(request, "campaign/assessment_edit.html", context)


@login_required
@require_GET
def assessment_export_view(request):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404()
    fmt = request.GET.get("format") if request.GET.get("format") in ("csv", "xlsx") else "xlsx"
    return table_response(assessment_export(campaign=campaign, fmt=fmt), f"{campaign.name}-自评表", fmt)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_import_view(request):
    """Upload the assessment table: a dry run shows what changes or the row-numbered
    errors; confirming imports the same file, all or nothing."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404()
    form = AssessmentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = assessment_dataset(upload.read())
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            result, errors = assessment_import_rows(campaign=campaign, dataset=dataset, user=request.user, dry_run=True)
            upload.seek(0)
            token = "" if errors else stash_upload(request, upload, "assessments", campaign=str(campaign.pk))
            return render(request, "campaign/assessment_import_preview.html",
                          {"campaign": campaign, "errors": errors, "result": result, "token": token, "rows": len(dataset)})
    return render(request, "campaign/assessment_import.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def assessment_import_confirm(request):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)

    def apply(data, _name, params):
        campaign = get_object_or_404(Campaign, pk=params["campaign"])
        _result, errors = assessment_import_rows(campaign=campaign, dataset=assessment_dataset(data), user=request.user, dry_run=False)
        if errors:
            messages.error(request, _("Nothing was imported: %(error)s") % {"error": "; ".join(errors[:5])})
        else:
            messages.success(request, _("The self-assessment table was imported."))
        return redirect("campaign:assessments")

    return stash_confirm(request, "assessments", retry="campaign:assessment_import", apply=apply, refusals=(TableError,))


@login_required
@require_GET
def rectification_list(request):
    """Rectification items: the office sees all; a unit sees the items it owns; others (the city) have none."""
    permissions.require_member(request.user)
    if not permissions.scope(request.user, permissions.VIEW_UNIT_WORK, Unit).exists():
        raise PermissionDenied
    campaign = campaign_current_or_404()
    items = permissions.scope(request.user, permissions.VIEW_UNIT_WORK,
                              Rectification.objects.filter(campaign=campaign).select_related("owner", "assessment__indicator", "closed_by"))
    if request.GET.get("status") in ("open", "closed"):
        items = items.filter(status=request.GET["status"])
    return render(request, "campaign/rectification_list.html", {"campaign": campaign, "items": items, "today": timezone.localdate()})


@login_required
@require_POST
def rectification_close_view(request, pk):
    item = permissions.require(request.user, Rectification.objects.select_related("owner"), permissions.CONTRIBUTE_UNIT_WORK, pk=pk)
    form = RectificationCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how the shortfall was fixed, or link the evidence that shows it."))
        rectification_close(item=item, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The rectification item was closed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("campaign:rectifications")


@login_required
@require_GET
def dashboard(request):
    """The office's dashboard for the county; a unit's leader and liaison see their own unit's."""
    campaign = campaign_current_or_404()
    if permissions.has_perm(request.user, permissions.REVIEW_UNIT_WORK):
        return render(request, "campaign/dashboard.html", {"campaign": campaign, **county_dashboard(campaign=campaign)})
    units = list(permissions.scope(request.user, permissions.VIEW_UNIT_WORK, Unit))
    if not units:
        raise PermissionDenied
    return render(request, "campaign/dashboard_unit.html", {"campaign": campaign, "units": units, **unit_dashboard(campaign=campaign, units=units)})
