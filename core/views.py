import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from . import security, sso
from .audit import audit_record
from .forms import LimitedPasswordChangeForm, LoginForm, OTPTokenForm
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


@csrf_exempt  # the CAS server posts its logout request without our cookie or token (see below)
@require_http_methods(["GET", "POST"])
def sso_cas(request):
    """Off to the CAS server, and back here with a ticket that django-cas-ng validates.

    A POST is the CAS server's single logout (the person logged out at CAS, or at another system
    signed in through it): it names the service ticket this site's session was opened with, and
    django-cas-ng deletes that session. It ends sessions and does nothing else, and the ticket is
    a random one-time value only the CAS server and that session know; so it needs no CSRF token."""
    if request.method == "POST":
        if not sso.is_on("cas"):
            raise Http404
        if not sso.cas_single_logout(request):
            return HttpResponseBadRequest("not a CAS logout request", content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")  # the CAS server reads only the status
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


@require_POST
def sso_oidc_logout(request):
    """Log out here and, when the provider has an end_session_endpoint, there too (it sends the
    person back to our login page). With OpenID Connect off it is the ordinary logout."""
    if not sso.is_on("oidc"):
        return LogoutView.as_view()(request)
    return sso.OIDCLogoutView.as_view()(request)


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password form (temporary, expired or by choice), audited."""

    form_class = LimitedPasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, verb="password_changed", obj=self.request.user, request=self.request)
        return response


# --- the second factor and the person's sessions (their own account: no county data) ---------


def _next(request, default="portal:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


@never_cache
@login_required
def otp_verify(request):
    """The login's second step: a code from the app or a recovery code (each used once), then
    django-otp's login() marks the session verified."""
    if request.user.is_verified() or not user_has_device(request.user):
        request.session[security.NEED_KEY] = security.second_factor_need(request.user)
        if request.user.is_verified() or not request.session[security.NEED_KEY]:
            return redirect(_next(request))
        return redirect(f"{reverse('core:otp_setup')}?next={_next(request)}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.otp_check(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                audit_record(actor=request.user, verb="recovery_code_used", obj=request.user, request=request)
            return redirect(_next(request))
        audit_record(
            actor=None,
            verb="login_failed",
            object_repr=request.user.get_username(),
            after={"step": "otp"},
            request=request,
        )
        form.add_error("token", _("The code is wrong or has expired. Try the current one."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def otp_setup(request):
    """Enrolment: a QR code for the app (the secret waits in the session), then one code from
    the app confirms it and the recovery codes are shown, once."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('core:otp_verify')}?next={_next(request)}")  # prove the old one first
    key = security.pending_key(request)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = security.otp_enrol(user=request.user, key=key, token=form.cleaned_data["token"], request=request)
        if done is not None:
            device, codes = done
            otp_login(request, device)
            request.session.pop(security.PENDING_KEY, None)
            request.session[security.NEED_KEY] = "verify"
            return render(request, "registration/otp_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("The code is wrong or has expired. Try the current one."))
    qr_size, qr_path = security.qr_path(security.provisioning_uri(request.user, key))
    context = {
        "form": form,
        "qr_size": qr_size,
        "qr_path": qr_path,
        "secret": security.key_text(key),
        "next": _next(request, "core:account_security"),
        "required": security.second_factor_required(request.user),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
@require_GET
def account_security(request):
    """The person's own second factor: on or off, recovery codes left, and their sessions."""
    static = StaticDevice.objects.filter(user=request.user).first()
    context = {
        "enrolled": user_has_device(request.user),
        "required": security.second_factor_required(request.user),
        "codes_left": static.token_set.count() if static else 0,
        "sessions": security.active_sessions(request.user),
        "current": request.session.session_key,
    }
    return render(request, "registration/account_security.html", context)


@never_cache
@login_required
@require_POST
def otp_recovery(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect("core:account_security")
    codes = security.otp_new_recovery_codes(user=request.user, request=request)
    return render(request, "registration/otp_codes.html", {"codes": codes, "next": reverse("core:account_security")})


@login_required
@require_POST
def otp_disable(request):
    """Switch one's own second factor off: only when the role does not require it, with a code."""
    if security.second_factor_required(request.user):
        messages.error(request, _("Your role requires a second factor: it cannot be switched off."))
        return redirect("core:account_security")
    form = OTPTokenForm(request.POST)
    if not form.is_valid() or security.otp_check(request.user, form.cleaned_data["token"]) is None:
        messages.error(request, _("The code is wrong or has expired. Try the current one."))
        return redirect("core:account_security")
    security.otp_remove(user=request.user, by=request.user, verb="otp_disabled", request=request)
    request.session[security.NEED_KEY] = ""
    messages.success(request, _("The second factor is off. You log in with the password alone."))
    return redirect("core:account_security")


@login_required
@require_POST
def session_end_view(request):
    """End one of one's own sessions (the current one ends by logging out)."""
    key = request.POST.get("session", "")
    if key == request.session.session_key or not security.session_end(
        user=request.user, session_key=key[:40], request=request
    ):
        messages.error(request, _("No such session."))
    else:
        messages.success(request, _("The session was ended: that browser must log in again."))
    return redirect("core:account_security")


class LoginView(auth_views.LoginView):
    """Django's login (password step). The second step, when the person has one, follows from
    AccountSecurityMiddleware (core:otp_verify)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The demo (`make run`) keeps one-step logins; production asks offices for a second factor.
        context["one_step_demo"] = settings.DEMO_ALLOWED and not settings.OTP_REQUIRED
        return context
