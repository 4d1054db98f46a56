from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.models import Campaign
from campaign.selectors import campaign_current
from core.downloads import docx_response, pdf_response, table_response
from core.paging import page_of
from core.tables import ImportRejected, TableError, export_table, neutralised, read_table
from core.uploads import stash_confirm, stash_upload
from indicators.models import Framework
from indicators.selectors import framework_level_counts
from org import permissions

from .circular_document import circular_context, circular_docx_bytes, circular_filename, circular_pdf_bytes
from .filters import AssignmentFilter
from .forms import (
    AssignmentExportForm,
    AssignmentImportForm,
    BulkActionForm,
    CircularForm,
    DeadlineForm,
    TransitionForm,
    UnitChoiceForm,
)
from .models import Assignment, Circular
from .reminders import reminders_manual
from .resources import AssignmentResource
from .selectors import (
    BOARD_HEADERS,
    accountability_board,
    assignment_rollup,
    board_export_rows,
    framework_tree,
    shares_by_unit,
    shares_digest,
)
from .services import (
    AcceptRefused,
    assignment_add_unit,
    assignment_change_deadline,
    assignment_export,
    assignment_import,
    assignment_moves_for,
    assignment_plan,
    assignment_reassign,
    assignment_remove,
    assignment_sign_off,
    assignment_transition,
    circular_candidates,
    circular_doc_number_example,
    circular_form_initial,
    circular_issue,
)
from .templatetags.task_tags import TASK_ROW_FIELDS

REQUIRED_COLUMNS = ("level3", "lead")
BOARD_ITEMS = 3  # the most overdue open items per unit on the board (60 units at 100x stay under 100 KB); the task list has them all


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: upload the county's task table; the preview shows each indicator's new division."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)
    form = AssignmentImportForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        upload, campaign = form.cleaned_data["file"], form.cleaned_data["campaign"]
        try:
            table = read_table(upload.read(), sheet=form.cleaned_data["sheet"] or None, required=REQUIRED_COLUMNS)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            plan = assignment_plan(campaign=campaign, table=table)
            token = (
                stash_upload(request, upload, "assignments", campaign=str(campaign.pk), sheet=table.sheet)
                if plan.ok
                else ""
            )
            context = {
                "plan": plan,
                "campaign": campaign,
                "token": token,
                "upload_name": upload.name,
                "notes": table.notes,
            }
            return render(request, "assignments/import_preview.html", context)
    return render(request, "assignments/import_upload.html", {"form": form})


@login_required
@require_POST
def import_confirm(request):
    """Step 2: apply exactly the previewed table, all or nothing."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)

    def apply(data, _name, params):
        campaign = (
            permissions.restrict(request.user, permissions.IMPORT_TABLES, Campaign)
            .filter(pk=params["campaign"])
            .first()
        )
        if campaign is None:
            raise ImportRejected([_("The campaign no longer exists.")])
        plan = assignment_import(
            campaign=campaign,
            table=read_table(data, sheet=params["sheet"], required=REQUIRED_COLUMNS),
            by=request.user,
            accept_warnings=request.POST.get("accept_warnings") == "on",  # the preview's checkbox
        )
        messages.success(request, _("The task division of %(n)s indicators was imported.") % {"n": len(plan.items)})
        return redirect(f"{campaign.framework.get_absolute_url()}?campaign={campaign.pk}")

    return stash_confirm(
        request, "assignments", retry="assignments:import", apply=apply, refusals=(TableError, ImportRejected)
    )


@login_required
@require_GET
def export(request):
    """The canonical flat task table of a campaign, as XLSX or CSV."""
    permissions.require_global(request.user, permissions.VIEW_UNIT_WORK)
    form = AssignmentExportForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404
    campaign, fmt = form.cleaned_data["campaign"], form.cleaned_data["format"] or "xlsx"
    return table_response(assignment_export(campaign=campaign, fmt=fmt), f"{campaign.name}-" + _("task division"), fmt)


# --- the task workflow ----------------------------------------------------------------------


def _shares():
    return Assignment.objects.select_related("campaign", "indicator__parent__parent", "unit", "signed_off_by")


@login_required
@require_GET
def detail(request, pk):
    """One unit's share: status, deadline, history, the lead's view of its cooperating units, actions."""
    assignment = permissions.require(request.user, _shares(), permissions.VIEW_UNIT_WORK, pk=pk)
    days_left = assignment.days_left(timezone.localdate())
    context = {
        "a": assignment,
        "events": assignment.events.select_related("by")[:50],
        "moves": assignment_moves_for(assignment, request.user),
        "rollup": assignment_rollup(assignment),
        "can_manage": permissions.can(request.user, permissions.MANAGE_ASSIGNMENTS, assignment),
        "can_sign_off": (
            assignment.status == Assignment.Status.SUBMITTED
            and assignment.signed_off_at is None
            and permissions.can(request.user, permissions.SIGNOFF_UNIT_WORK, assignment)
        ),
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "transition_form": TransitionForm(),
        "deadline_form": DeadlineForm(initial={"deadline": assignment.deadline, "ongoing": assignment.ongoing}),
        "unit_form": UnitChoiceForm(campaign=assignment.campaign),
    }
    return render(request, "assignments/detail.html", context)


@login_required
@require_POST
def move(request, pk):
    """Submit, withdraw, accept or return a share."""
    assignment = permissions.require(request.user, _shares(), permissions.VIEW_UNIT_WORK, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            assignment_transition(
                assignment=assignment,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except AcceptRefused as exc:
            # The pending pieces, each a link to review it (the queue filtered to this share).
            context = {"a": assignment, "message": exc.messages[0], "items": exc.items}
            return render(request, "assignments/accept_refused.html", context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status: %(status)s") % {"status": assignment.get_status_display()})
    else:
        messages.error(request, _("The request was not valid."))
    return redirect(assignment)


@login_required
@require_POST
def sign_off(request, pk):
    """The unit leader's sign-off (审签) of work submitted for review."""
    assignment = permissions.require(request.user, _shares(), permissions.SIGNOFF_UNIT_WORK, pk=pk)
    try:
        assignment_sign_off(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signed off."))
    return redirect(assignment)


@login_required
@require_POST
def change_deadline(request, pk):
    assignment = permissions.require(request.user, _shares(), permissions.MANAGE_ASSIGNMENTS, pk=pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        assignment_change_deadline(
            assignments=[assignment],
            deadline=form.cleaned_data["deadline"],
            ongoing=form.cleaned_data["ongoing"],
            by=request.user,
        )
        messages.success(request, _("The deadline was changed."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(assignment)


@login_required
@require_POST
def change_unit(request, pk, action):
    """Office: hand the share to another unit, add a cooperating unit, or remove this share."""
    assignment = permissions.require(request.user, _shares(), permissions.MANAGE_ASSIGNMENTS, pk=pk)
    form = UnitChoiceForm(request.POST, campaign=assignment.campaign)
    try:
        if action == "remove":
            if request.POST.get("confirm") != "1":  # first the page that says what goes
                return render(request, "assignments/remove_confirm.html", {"a": assignment})
            assignment_remove(assignment=assignment, by=request.user)
            messages.success(request, _("The share was removed."))
            return redirect("assignments:list")
        if not form.is_valid():
            raise ValidationError(_("Choose a unit."))
        unit = form.cleaned_data["unit"]
        if action == "reassign":
            assignment_reassign(assignment=assignment, unit=unit, by=request.user)
        else:
            assignment_add_unit(
                campaign=assignment.campaign, indicator=assignment.indicator, unit=unit, by=request.user
            )
        messages.success(request, _("The division of work was changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(assignment)


def _office_list(request):
    campaign = campaign_current(request.user)
    if campaign is None:
        raise Http404
    base = permissions.restrict(request.user, permissions.VIEW_UNIT_WORK, _shares().filter(campaign=campaign))
    filtered = AssignmentFilter(request.GET, queryset=base, campaign=campaign, request=request)
    return campaign, filtered


@login_required
@require_GET
def assignment_list(request):
    """Office: every share of the current campaign, filtered; bulk actions; XLSX export."""
    permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    campaign, filtered = _office_list(request)
    qs = filtered.qs.order_by("indicator__code", "role", "unit__code")
    if request.GET.get("export") == "xlsx":
        data = neutralised(AssignmentResource().export(qs)).export("xlsx")
        return table_response(data, f"{campaign.name}-" + _("task list"))
    # The rows read by key with only what task_rows writes (not the filter's six joined tables).
    shown = Assignment.objects.select_related("indicator", "unit").only(*TASK_ROW_FIELDS)
    page = page_of(qs, request.GET.get("page"), 50, rows=shown)
    context = {
        "campaign": campaign,
        "filter": filtered,
        "page": page,
        "today": timezone.localdate(),
        "bulk_form": BulkActionForm(queryset=qs),
    }
    return render(request, "assignments/list.html", context)


@login_required
@require_POST
def bulk(request):
    permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    _campaign, filtered = _office_list(request)
    form = BulkActionForm(request.POST, queryset=filtered.qs)
    back = f"{reverse('assignments:list')}?{request.GET.urlencode()}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    targets = list(form.targets())
    if request.POST.get("confirm") != "1" or request.POST.get("digest") != shares_digest(targets):
        # First (or when the filter's results changed meanwhile): how many shares and which units.
        context = {"form": form, "targets": targets, "units": shares_by_unit(targets), "back": back}
        context["digest"] = shares_digest(targets)
        context["changed"] = request.POST.get("confirm") == "1"
        return render(request, "assignments/bulk_confirm.html", context)
    if form.cleaned_data["action"] == "deadline":
        n = assignment_change_deadline(
            assignments=targets,
            deadline=form.cleaned_data["deadline"],
            ongoing=form.cleaned_data["ongoing"],
            by=request.user,
        )
        messages.success(request, _("Deadline set on %(n)s task(s).") % {"n": n})
    else:
        n = reminders_manual(assignments=targets, by=request.user)
        messages.success(request, _("Reminder sent for %(n)s task(s).") % {"n": n})
    return redirect(back)


@login_required
@require_GET
def board(request):
    """The accountability board (督办): units ranked by overdue and returned work."""
    permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    campaign = campaign_current(request.user)
    if campaign is None:
        raise Http404
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        rows = accountability_board(campaign=campaign, today=today)
        return table_response(
            export_table(BOARD_HEADERS, board_export_rows(rows), "xlsx"),
            f"{campaign.name}-" + _("accountability board"),
        )
    rows = accountability_board(campaign=campaign, today=today, items_per_unit=BOARD_ITEMS)
    context = {
        "campaign": campaign,
        "rows": rows,
        "today": today,
    }
    return render(request, "assignments/board.html", context)


@login_required
@require_GET
def circulars(request):
    """Formal notices (通报): the record."""
    permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    campaign = campaign_current(request.user)
    items = Circular.objects.filter(campaign=campaign).select_related("issued_by") if campaign else []
    return render(request, "assignments/circular_list.html", {"circulars": items, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def circular_new(request):
    """Draft and issue a formal notice: the units to name (the board's red ones ticked), 文号,
    issuing body, date and text."""
    permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    campaign = campaign_current(request.user)
    if campaign is None:
        raise Http404
    today = timezone.localdate()
    candidates = circular_candidates(campaign=campaign, today=today, items_per_unit=0)
    form = CircularForm(
        request.POST or None,
        candidates=candidates,
        example_number=circular_doc_number_example(today),
        initial=circular_form_initial(campaign=campaign, candidates=candidates, today=today),
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice, untold = circular_issue(
                campaign=campaign,
                unit_ids=form.cleaned_data.pop("units"),
                by=request.user,
                today=today,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if untold:
                # Name a few; a county where most units have no accounts yet gets a count, not a wall.
                shown = "、".join(untold[:5])
                if len(untold) > 5:
                    shown = _("%(units)s and %(n)s more") % {"units": shown, "n": len(untold) - 5}
                messages.warning(
                    request, _("Nobody could be told in these units (no account yet): %(units)s.") % {"units": shown}
                )
            return redirect(notice)
    chosen = set(form["units"].value() or [])
    return render(
        request,
        "assignments/circular_new.html",
        {"campaign": campaign, "form": form, "candidates": candidates, "chosen": chosen, "today": today},
    )


def _circular(request, pk):
    return permissions.require_listed(
        request.user, Circular.objects.select_related("campaign", "issued_by"), permissions.MANAGE_ASSIGNMENTS, pk=pk
    )


@login_required
@require_GET
def circular(request, pk):
    """A formal notice, printable. Office members see all; a listed unit's people see it too."""
    return render(request, "assignments/circular.html", circular_context(_circular(request, pk)))


@login_required
@require_GET
def circular_pdf(request, pk):
    """The notice as an A4 PDF (WeasyPrint), for filing and sending: the same document as the page."""
    notice = _circular(request, pk)
    return pdf_response(circular_pdf_bytes(notice), filename=circular_filename(notice))


@login_required
@require_GET
def circular_docx(request, pk):
    """The notice as an editable Word document (official layout) for the office to rework in
    WPS or Word: the same document as the PDF, so the same people."""
    notice = _circular(request, pk)
    return docx_response(circular_docx_bytes(notice), filename=circular_filename(notice, "docx"))


@login_required
@require_GET
def tree(request, pk):
    """The indicator tree with each level-3 indicator's units and deadline, searchable."""
    permissions.require_member(request.user)
    framework = permissions.require(
        request.user, Framework, permissions.VIEW_CAMPAIGN, view_perm=permissions.VIEW_CAMPAIGN, pk=pk
    )
    campaigns = list(
        permissions.restrict(
            request.user, permissions.VIEW_CAMPAIGN, Campaign.objects.filter(framework=framework)
        ).order_by("-created_at")
    )
    campaign = next(
        (c for c in campaigns if str(c.pk) == request.GET.get("campaign")), campaigns[0] if campaigns else None
    )
    query = request.GET.get("q", "")[:100]
    open_code = request.GET.get("open", "")[:20]  # the level-2 indicator whose cooperating units are listed
    tree = framework_tree(framework=framework, campaign=campaign, query=query, open_code=open_code)
    counts = framework_level_counts(framework)
    context = {
        "framework": framework,
        "tree": tree,
        "query": query,
        "campaign": campaign,
        "campaigns": campaigns,
        "campaign_query": f"campaign={campaign.pk}&" if campaign else "",
        "open_code": open_code,
        "counts": counts,
        "can_export": permissions.can(request.user, permissions.VIEW_UNIT_WORK),
    }
    return render(request, "assignments/framework_tree.html", context)
