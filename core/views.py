import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import sso
from .health import health_status
from .models import Notification


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
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:notifications")
    return redirect(target)


# --- single sign-on: the libraries' own views, reached only when that way in is on -------------


def _sso_view(way, view, request):
    if not sso.is_on(way):
        raise Http404
    if request.user.is_authenticated and view is not sso.CASLogoutView:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return view.as_view()(request)


def _sso_failed(request, response):
    """Back on the login page after a refused sign-in, with a message if core.sso gave none."""
    if not request.user.is_authenticated and not getattr(request, "sso_refusal", None):
        messages.error(request, _("Signing in through the identity service failed. Try again or use your password."))
    return response


@require_GET
def sso_oidc(request):
    """Off to the OpenID Connect provider (mozilla-django-oidc keeps the state and nonce)."""
    return _sso_view("oidc", sso.OIDCStartView, request)


@require_GET
def sso_oidc_callback(request):
    """The provider sends the person back here with a code; the backend matches the account."""
    return _sso_failed(request, _sso_view("oidc", sso.OIDCCallbackView, request))


@require_GET
def sso_cas(request):
    """Off to the CAS server, and back here with a ticket that django-cas-ng validates."""
    # django-cas-ng 5.1 follows `next` after login wherever it points: only our own pages.
    target = request.GET.get("next", "")
    if target and not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("core:sso_cas")
    try:
        return _sso_view("cas", sso.CASLoginView, request)
    except PermissionDenied:  # django-cas-ng's answer to a refused ticket or account
        return _sso_failed(request, redirect("login"))


@require_POST
def sso_cas_logout(request):
    """Log out here and at the CAS server (which sends the person back to our login page).
    With CAS off it is the ordinary logout, so a page rendered before a change still works."""
    if not sso.is_on("cas"):
        return LogoutView.as_view()(request)
    return _sso_view("cas", sso.CASLogoutView, request)


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
