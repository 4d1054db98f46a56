from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tables import ImportRejected, TableError, read_table
from core.uploads import stash_confirm, stash_upload
from org import permissions

from . import selectors
from .forms import FrameworkImportForm
from .services import framework_import, framework_plan


@login_required
@require_GET
def framework_list(request):
    permissions.require_member(request.user)
    can_import = permissions.can(request.user, permissions.IMPORT_TABLES)
    return render(
        request, "indicators/framework_list.html", {"frameworks": selectors.framework_list(), "can_import": can_import}
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_import_upload(request):
    """Step 1: upload a table; it is read and the preview shows what would change."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)
    form = FrameworkImportForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), sheet=form.cleaned_data["sheet"] or None)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            plan = framework_plan(table=table, name=form.cleaned_data["name"])
            token = (
                stash_upload(request, upload, "framework", name=form.cleaned_data["name"], sheet=table.sheet)
                if plan.ok
                else ""
            )
            return render(
                request,
                "indicators/import_preview.html",
                {"plan": plan, "table": table, "token": token, "upload_name": upload.name},
            )
    return render(request, "indicators/import_upload.html", {"form": form})


@login_required
@require_POST
def framework_import_confirm(request):
    """Step 2: import exactly the previewed file, all or nothing."""
    permissions.require_global(request.user, permissions.IMPORT_TABLES)

    def apply(data, name, params):
        framework = framework_import(
            table=read_table(data, sheet=params["sheet"]), name=params["name"], by=request.user, source=name
        )
        messages.success(request, _("Imported %(framework)s.") % {"framework": framework})
        return redirect(framework)

    return stash_confirm(
        request, "framework", retry="indicators:import", apply=apply, refusals=(TableError, ImportRejected)
    )
