"""Self-assessment (自评), rectification (整改) and the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.models import Campaign
from campaign.selectors import campaign_current_or_404
from core.downloads import table_response
from core.forms import TableUploadForm
from core.tables import TableError
from core.uploads import stash_confirm, stash_upload
from indicators.models import Indicator
from org import permissions

from .dashboard import county_dashboard, unit_dashboard
from .eligibility import eligibility
from .forms import AssessmentForm, RectificationCloseForm
from .models import Assessment, Rectification
from .resources import IMPORT_COLUMNS_TEXT, assessment_dataset, assessment_export, assessment_import_rows
from .selectors import assessment_rows, assessment_suggestions, indicator_evidence
from .services import FIELDS as ASSESSMENT_FIELDS
from .services import assessment_save, rectification_close

PER_PAGE = 50


@login_required
@require_GET
def assessment_list(request):
    """Every level-3 indicator with its result, score, status and the suggestion from the evidence."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    assessments = list(
        permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, Assessment).filter(campaign=campaign)
    )  # rows + eligibility
    rows = assessment_rows(
        campaign=campaign,
        result=request.GET.get("result"),
        status=request.GET.get("status"),
        level1=request.GET.get("level1"),
        suggested=request.GET.get("suggested"),
        assessments=assessments,
    )
    context = {
        "campaign": campaign,
        "rows": rows,
        # Fifty indicators a page, the filters kept in its links (core/_pagination.html).
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "eligibility": eligibility(campaign, assessments=assessments),
        "results": Assessment.Result.choices,
        "statuses": Assessment.Status.choices,
        "level1s": campaign.framework.indicators.filter(level=1).order_by("position"),
    }
    return render(request, "assessment/assessment_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, indicator):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    indicator = permissions.require(
        request.user,
        Indicator.objects.select_related("parent__parent").filter(framework_id=campaign.framework_id, level=3),
        permissions.REVIEW_UNIT_WORK,
        view_perm=permissions.REVIEW_UNIT_WORK,
        pk=indicator,
    )
    assessment = (
        permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, Assessment)
        .filter(campaign=campaign, indicator=indicator)
        .first()
    )
    initial = {f: getattr(assessment, f) for f in ASSESSMENT_FIELDS} if assessment else {}
    form = AssessmentForm(request.POST or None, indicator=indicator, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {f: data.get(f) for f in ASSESSMENT_FIELDS}
        values["veto_triggered"] = bool(data.get("veto_triggered"))  # absent from the form of a non-veto indicator
        rect = (
            {"measure": data["measure"], "owner": data["owner"], "deadline": data["deadline"]}
            if data.get("measure")
            else None
        )
        try:
            assessment_save(campaign=campaign, indicator=indicator, by=request.user, rectification=rect, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            misfit = Assessment.score_misfit(values["result"], values["self_score"], indicator.score)
            if misfit:  # saved all the same: the office may have its reasons, but it should look again
                messages.warning(request, misfit)
                return redirect("assessment:edit", indicator=indicator.pk)
            return redirect("assessment:list")
    context = {
        "campaign": campaign,
        "indicator": indicator,
        "form": form,
        "assessment": assessment,
        "suggestion": assessment_suggestions(campaign).get(indicator.pk),
        "rectifications": assessment.rectifications.select_related("owner") if assessment else [],
        "evidence": indicator_evidence(campaign=campaign, indicator=indicator),
        "misfit": assessment and Assessment.score_misfit(assessment.result, assessment.self_score, indicator.score),
    }
    return render(request, "assessment/assessment_edit.html", context)


@login_required
@require_GET
def assessment_export_view(request):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    fmt = request.GET.get("format") if request.GET.get("format") in ("csv", "xlsx") else "xlsx"
    return table_response(
        assessment_export(campaign=campaign, fmt=fmt), f"{campaign.name}-" + _("self-assessment table"), fmt
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_import_view(request):
    """Upload the assessment table: a dry run shows what changes or the row-numbered
    errors; confirming imports the same file, all or nothing."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    form = TableUploadForm(request.POST or None, request.FILES or None, request=request)
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
            return render(
                request,
                "assessment/assessment_import_preview.html",
                {"campaign": campaign, "errors": errors, "result": result, "token": token, "rows": len(dataset)},
            )
    return render(
        request,
        "assessment/assessment_import.html",
        {"form": form, "campaign": campaign, "columns": IMPORT_COLUMNS_TEXT},
    )


@login_required
@require_POST
def assessment_import_confirm(request):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)

    def apply(data, _name, params):
        campaign = permissions.require(
            request.user,
            Campaign,
            permissions.REVIEW_UNIT_WORK,
            view_perm=permissions.VIEW_CAMPAIGN,
            pk=params["campaign"],
        )
        _result, errors = assessment_import_rows(
            campaign=campaign, dataset=assessment_dataset(data), user=request.user, dry_run=False
        )
        if errors:
            messages.error(request, _("Nothing was imported: %(error)s") % {"error": "; ".join(errors[:5])})
        else:
            messages.success(request, _("The self-assessment table was imported."))
        return redirect("assessment:list")

    return stash_confirm(request, "assessments", retry="assessment:import", apply=apply, refusals=(TableError,))


@login_required
@require_GET
def rectification_list(request):
    """Rectification items: the office sees all; a unit sees the items it owns; others (the city) have none."""
    permissions.require_member(request.user)
    permissions.require_unit_scope(request.user)
    campaign = campaign_current_or_404(request.user)
    items = permissions.restrict(
        request.user,
        permissions.VIEW_UNIT_WORK,
        Rectification.objects.filter(campaign=campaign).select_related("owner", "assessment__indicator", "closed_by"),
    )
    if request.GET.get("status") in ("open", "closed"):
        items = items.filter(status=request.GET["status"])
    return render(
        request,
        "assessment/rectification_list.html",
        {
            "campaign": campaign,
            "items": items,
            "today": timezone.localdate(),
            "can_close": permissions.can(request.user, permissions.REVIEW_UNIT_WORK),
        },
    )


@login_required
@require_POST
def rectification_close_view(request, pk):
    # Only the office closes an item (销号): the owner unit fixes the shortfall, the office checks it.
    item = permissions.require(
        request.user, Rectification.objects.select_related("owner"), permissions.REVIEW_UNIT_WORK, pk=pk
    )
    form = RectificationCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how the shortfall was fixed, or link the evidence that shows it."))
        rectification_close(item=item, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The rectification item was closed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessment:rectifications")


@login_required
@require_GET
def dashboard(request):
    """The office's dashboard for the county; a unit's leader and liaison see their own unit's."""
    campaign = campaign_current_or_404(request.user)
    if permissions.can(request.user, permissions.REVIEW_UNIT_WORK):
        return render(
            request, "assessment/dashboard.html", {"campaign": campaign, **county_dashboard(campaign=campaign)}
        )
    units = list(permissions.require_unit_scope(request.user))
    return render(
        request,
        "assessment/dashboard_unit.html",
        {"campaign": campaign, "units": units, **unit_dashboard(campaign=campaign, units=units)},
    )
