from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.models import Campaign
from core import permissions
from core.uploads import stash_confirm, stash_upload

from . import selectors
from .forms import FrameworkImportForm
from .models import Framework
from .services import ImportRejected, framework_import, framework_plan
from .tables import TableError, read_table


@login_required
@require_GET
def framework_list(request):
    permissions.require_member(request.user)
    can_import = permissions.has_perm(request.user, permissions.IMPORT_TABLES)
    return render(request, "indicators/framework_list.html", {"frameworks": selectors.framework_list(), "can_import": can_import})


@login_required
@require_GET
def framework_tree(request, pk):
    """The indicator tree with each level-3 indicator's units and deadline, searchable."""
    permissions.require_member(request.user)
    framework = get_object_or_404(Framework, pk=pk)
    campaigns = list(Campaign.objects.filter(framework=framework).order_by("-created_at"))
    campaign = next((c for c in campaigns if str(c.pk) == request.GET.get("campaign")), campaigns[0] if campaigns else None)
    query = request.GET.get("q", "")[:100]
    tree = selectors.framework_tree(framework=framework, campaign=campaign, query=query)
    counts = selectors.framework_level_counts(framework)
    context = {
        "framework": framework, "tree": tree, "query": query, "campaign": campaign, "campaigns": campaigns, "counts": counts,
        "can_export": permissions.has_perm(request.user, permissions.VIEW_UNIT_WORK),
    }
    return render(request, "indicators/framework_tree.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def framework_import_upload(request):
    """Step 1: upload a table; it is read and the preview shows what would change."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), sheet=form.cleaned_data["sheet"] or None)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            plan = framework_plan(table=table, name=form.cleaned_data["name"])
            token = stash_upload(request, upload, "framework", name=form.cleaned_data["name"], sheet=table.sheet) if plan.ok else ""
            return render(request, "indicators/import_preview.html", {"plan": plan, "table": table, "token": token, "upload_name": upload.name})
    return render(request, "indicators/import_upload.html", {"form": form})


@login_required
@require_POST
def framework_import_confirm(request):
    """Step 2: import exactly the previewed file, all or nothing."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)

    def apply(data, name, params):
        framework = framework_import(table=read_table(data, sheet=params["sheet"]), name=params["name"], by=request.user, source=name)
        messages.success(request, _("Imported %(framework)s.") % {"framework": framework})
        return redirect("indicators:tree", pk=framework.pk)

    return stash_confirm(request, "framework", retry="indicators:import", apply=apply, refusals=(TableError, ImportRejected))
