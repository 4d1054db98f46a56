import sys

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .health import health_status
from .models import Notification
from .notifications import notifications_live


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
def notification_list(request):
    """The user's own messages, newest first."""
    items = Notification.objects.filter(recipient=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    # Which of this page's messages the badge counts (unread, not superseded, not expired).
    live_ids = set(notifications_live(request.user).filter(pk__in=[n.pk for n in page]).values_list("pk", flat=True))
    return render(request, "core/notifications.html", {"page": page, "live_ids": live_ids})


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
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:notifications")
    return redirect(target)


def server_error(request):
    """The 500 handler. A database that cannot be reached is maintenance, not a fault of the
    request: it answers 503 with Retry-After (the page needs no database), so proxies and
    people know to come back; anything else is the bilingual error page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
