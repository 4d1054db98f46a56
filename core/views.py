from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assignments import selectors as assignment_selectors
from campaign.models import Membership
from campaign.selectors import campaign_current, membership_roles, membership_units

from . import permissions
from .filters import AuditEventFilter
from .health import health_status
from .models import AuditEvent, Notification


@require_GET
@never_cache
def healthz(request):
    """Liveness for load balancers and compose: 200 when the database and broker answer."""
    status, healthy = health_status()
    body = {name: ("ok" if ok else "down") for name, ok in status.items()}
    body["status"] = "ok" if healthy else "down"
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
@require_GET
def home(request):
    """Each role's start page: office overview, a unit's tasks, the city's inbox, or IT's."""
    roles = membership_roles(request.user)
    campaign = campaign_current()
    today = timezone.localdate()
    context = {"campaign": campaign, "today": today, "roles": roles}
    if roles & set(permissions.OFFICE_ROLES):
        if campaign:
            context.update(assignment_selectors.office_home_figures(campaign=campaign, today=today))
        return render(request, "core/home_office.html", context)
    if roles & {Membership.Role.UNIT_LEADER, Membership.Role.LIAISON}:
        units = list(membership_units(request.user, [Membership.Role.UNIT_LEADER, Membership.Role.LIAISON]))
        if campaign:
            shares = assignment_selectors.assignment_list_for_user(user=request.user, campaign=campaign, units=units)
            context["groups"] = assignment_selectors.assignment_group_by_deadline(shares, today)
            if Membership.Role.UNIT_LEADER in roles:
                context["awaiting_sign_off"] = sum(1 for a in context["groups"]["submitted"] if a.signed_off_at is None)
        context["units"] = units
        return render(request, "core/home_unit.html", context)
    if Membership.Role.CITY_REVIEWER in roles:
        from reports.models import Submission

        cities = membership_units(request.user, [Membership.Role.CITY_REVIEWER])
        context["submissions"] = Submission.objects.filter(city_office__in=cities).order_by("-created_at")
        return render(request, "core/home_city.html", context)
    return render(request, "core/home_other.html", context)


@login_required
@require_GET
def audit_list(request):
    """The audit trail for office admins, filterable and paginated."""
    permissions.require_global(request.user, permissions.VIEW_AUDIT)
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("unit"))
    if request.GET.get("export") == "xlsx":
        return _audit_xlsx(events.qs[:AUDIT_EXPORT_LIMIT])
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"filter": events, "page": page})


@login_required
@require_GET
def notification_list(request):
    """The user's own messages, newest first."""
    items = Notification.objects.filter(recipient=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    """Mark all (or one) of the user's messages read, then follow the message's link."""
    items = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    pk = request.POST.get("id", "")
    if pk.isdigit():
        items = items.filter(pk=pk)
    items.update(read_at=timezone.now())
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("core:notifications")
    return redirect(target)


AUDIT_EXPORT_LIMIT = 100_000


def _audit_xlsx(events):
    """The filtered trail as a workbook (formula-escaped: actors and objects are user text)."""
    import json

    from indicators.tables import export_table

    from .downloads import table_response

    rows = [
        [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, str(e.verb_label), e.object_type, e.object_repr,
         e.unit.name if e.unit else "", json.dumps(e.before, ensure_ascii=False), json.dumps(e.after, ensure_ascii=False), e.ip_address or ""]
        for e in events
    ]
    return table_response(export_table(["time", "user", "action", "object_type", "object", "unit", "before", "after", "ip"], rows, "xlsx"), "操作日志")
