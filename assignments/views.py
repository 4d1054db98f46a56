from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.models import Campaign
from core import permissions
from core.uploads import stash_drop, stash_read, stash_upload
from indicators.forms import ConfirmForm
from indicators.services import ImportRejected
from indicators.tables import TableError, read_table

from .forms import AssignmentExportForm, AssignmentImportForm
from .services import assignment_export, assignment_import, assignment_plan

REQUIRED_COLUMNS = ("level3", "lead")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: upload the county's task table; the preview shows each indicator's new division."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)
    form = AssignmentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, campaign = form.cleaned_data["file"], form.cleaned_data["campaign"]
        try:
            table = read_table(upload.read(), sheet=form.cleaned_data["sheet"] or None, required=REQUIRED_COLUMNS)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            plan = assignment_plan(campaign=campaign, table=table)
            token = stash_upload(request, upload, "assignments", campaign=str(campaign.pk), sheet=table.sheet) if plan.ok else ""
            context = {"plan": plan, "campaign": campaign, "token": token, "upload_name": upload.name}
            return render(request, "assignments/import_preview.html", context)
    return render(request, "assignments/import_upload.html", {"form": form})


@login_required
@require_POST
def import_confirm(request):
    """Step 2: apply exactly the previewed table, all or nothing."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)
    form = ConfirmForm(request.POST)
    stashed = stash_read(request, form.data.get("token"), "assignments") if form.is_valid() else None
    campaign = Campaign.objects.filter(pk=stashed[2]["campaign"]).first() if stashed else None
    if campaign is None:
        messages.error(request, _("The uploaded file has expired. Upload it again."))
        return redirect("assignments:import")
    data, _name, params = stashed
    try:
        plan = assignment_import(campaign=campaign, table=read_table(data, sheet=params["sheet"], required=REQUIRED_COLUMNS), by=request.user)
    except (TableError, ImportRejected) as exc:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": exc})
        return redirect("assignments:import")
    finally:
        stash_drop(request, form.data.get("token"))
    messages.success(request, _("The task division of %(n)s indicators was imported.") % {"n": len(plan.items)})
    return redirect(f"{campaign.framework.get_absolute_url()}?campaign={campaign.pk}")


@login_required
@require_GET
def export(request):
    """The canonical flat task table of a campaign, as XLSX or CSV."""
    permissions.require_global(request.user, permissions.VIEW_UNIT_WORK)
    form = AssignmentExportForm(request.GET)
    if not form.is_valid():
        raise Http404
    campaign, fmt = form.cleaned_data["campaign"], form.cleaned_data["format"] or "xlsx"
    response = HttpResponse(assignment_export(campaign=campaign, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    filename = f"{campaign.name}-任务分工-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
