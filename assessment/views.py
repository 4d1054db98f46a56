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
from core.ids import is_uuid
from core.tables import TableError
from core.uploads import stash_confirm, stash_upload, upload_refusal
from indicators.models import Indicator
from org import permissions
from org.models import Unit

from .dashboard import county_dashboard, unit_dashboard
from .eligibility import eligibility
from .forms import (
    AssessmentForm,
    PoolItemForm,
    RectificationCloseForm,
    RectificationReportForm,
    RectificationReturnForm,
)
from .models import Assessment, Rectification
from .readiness import single_item_readiness
from .resources import IMPORT_COLUMNS_TEXT, assessment_dataset, assessment_export, assessment_import_rows
from .selectors import (
    POOL_FILTERS,
    assessment_notes,
    assessment_rows,
    assessment_suggestions,
    indicator_evidence,
    pool_items,
)
from .services import FIELDS as ASSESSMENT_FIELDS
from .services import (
    assessment_save,
    pool_item_add,
    rectification_close,
    rectification_report,
    rectification_send_back,
)

PER_PAGE = 50


@login_required
@require_GET
def assessment_list(request):
    """Every level-3 indicator with its result, score, status and the suggestion from the evidence."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    assessments = list(
        permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, Assessment)
        .filter(campaign=campaign)
        .only("id", "campaign_id", "indicator_id", "result", "status", "self_score", "veto_triggered")
    )  # rows + eligibility: what they read, not the reasoning texts
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
        "suggestion": assessment_suggestions(campaign, indicator).get(indicator.pk),
        "notes": assessment_notes(campaign).get(indicator.pk, []),
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


def _pool_filters(request):
    status = request.GET.get("status", "")
    return {
        "status": status if status in POOL_FILTERS else "",
        "source": request.GET.get("source", "") if request.GET.get("source") in Rectification.Source.values else "",
        "unit": request.GET.get("unit", "") if is_uuid(request.GET.get("unit", "")) else "",
    }


@login_required
@require_GET
def rectification_list(request):
    """The problem pool (问题池): the office sees every item, a unit the items it owns; others
    (the city) have none. Filters: status (open, overdue, reported, closed), source, unit."""
    permissions.require_member(request.user)
    permissions.require_unit_scope(request.user)
    campaign = campaign_current_or_404(request.user)
    today = timezone.localdate()
    filters = _pool_filters(request)
    unit = (
        permissions.restrict(request.user, permissions.VIEW_UNIT_WORK, Unit.objects.filter(pk=filters["unit"])).first()
        if filters["unit"]
        else None
    )
    items = pool_items(
        request.user, campaign, status=filters["status"], source=filters["source"], unit=unit, today=today
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/rectification_list.html",
        {
            "campaign": campaign,
            "items": page.object_list,
            "page": page,
            "filters": filters,
            "filter_unit": unit,
            "sources": Rectification.Source.choices,
            "today": today,
            "can_close": permissions.can(request.user, permissions.REVIEW_UNIT_WORK),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification_new(request):
    """The office adds an item to the pool: an assessors' finding, its own inspection, a city comment."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    form = PoolItemForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            item = pool_item_add(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item was added to the problem pool."))
            return redirect(item)
    return render(request, "assessment/rectification_new.html", {"campaign": campaign, "form": form})


@login_required
@require_GET
def rectification_detail(request, pk):
    """One pool item: where it came from, the fix reported, and the next step for whoever looks."""
    item = permissions.require(
        request.user,
        # What every item has, joined; what only a reported or closed one has, read after it (none
        # for an open one): nine joins under the permission filter took PostgreSQL 10 ms to plan.
        Rectification.objects.select_related("owner", "indicator").prefetch_related(
            "fix_evidence__assignment__indicator", "closing_evidence", "reported_by", "closed_by"
        ),
        permissions.VIEW_UNIT_WORK,
        pk=pk,
    )
    can_report = item.status in Rectification.WITH_UNIT and permissions.can(
        request.user, permissions.CONTRIBUTE_UNIT_WORK, item
    )
    return render(
        request,
        "assessment/rectification_detail.html",
        {
            "item": item,
            "today": timezone.localdate(),
            "report_form": RectificationReportForm(item=item) if can_report else None,
            "can_verify": item.status != Rectification.Status.CLOSED
            and permissions.can(request.user, permissions.REVIEW_UNIT_WORK, item),
            "close_form": RectificationCloseForm(),
            "return_form": RectificationReturnForm(),
        },
    )


@login_required
@require_POST
def rectification_report_view(request, pk):
    """The owner unit reports the fix with evidence (an existing piece or a new file)."""
    item = permissions.require(
        request.user, Rectification.objects.select_related("owner"), permissions.CONTRIBUTE_UNIT_WORK, pk=pk
    )
    form = RectificationReportForm(request.POST, request.FILES, item=item)
    try:
        if refusal := upload_refusal(request):
            raise ValidationError(refusal)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        rectification_report(
            item=item,
            by=request.user,
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
            assignment=form.cleaned_data["task"],
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"] or None,
        )
        messages.success(request, _("The fix was reported: the county office verifies it."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(item)


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
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        rectification_close(item=item, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The rectification item was closed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(item)


@login_required
@require_POST
def rectification_return_view(request, pk):
    """The office sends a reported fix back to the unit, saying why."""
    item = permissions.require(
        request.user, Rectification.objects.select_related("owner"), permissions.REVIEW_UNIT_WORK, pk=pk
    )
    form = RectificationReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the fix is sent back."))
        rectification_send_back(item=item, by=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, _("The fix was sent back to the unit."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(item)


@login_required
@require_GET
def dashboard(request):
    """The office's dashboard for the county; a unit's leader and liaison see their own unit's."""
    if not permissions.can(request.user, permissions.REVIEW_UNIT_WORK):
        permissions.require_unit_scope(request.user)  # 403 for those who see no unit's work
    campaign = campaign_current_or_404(request.user)
    if permissions.can(request.user, permissions.REVIEW_UNIT_WORK):
        readiness = single_item_readiness(campaign) if campaign.is_single_item else None
        return render(
            request,
            "assessment/dashboard.html",
            {"campaign": campaign, "readiness": readiness, **county_dashboard(campaign=campaign)},
        )
    units = list(permissions.require_unit_scope(request.user))
    return render(
        request,
        "assessment/dashboard_unit.html",
        {"campaign": campaign, "units": units, **unit_dashboard(campaign=campaign, units=units)},
    )
