"""Requests of a person holding a temporary (or expired) password go to the password page first; requests
carrying NUL characters are refused."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import security
from .passwords import password_expired

# What such a person may still reach: the password page, signing out, the language switch.
ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        if user.must_change_password:
            messages.info(request, _("You signed in with a temporary password. Choose your own password first."))
            return redirect(reverse("password_change"))
        if password_expired(user):
            messages.info(
                request,
                _("Your password is more than %(days)d days old. Choose a new one to go on.")
                % {"days": settings.PASSWORD_MAX_AGE_DAYS},
            )
            return redirect(reverse("password_change"))
        return self.get_response(request)


def _has_nul(querydict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


class RefuseNulBytesMiddleware:
    """A NUL character in a query parameter or a form field is refused with a 400 page.

    PostgreSQL cannot store or compare text holding NUL (psycopg2 raises ValueError), so a
    view that filters on a parameter (people's ?q=) would answer 500; no person types one.
    Django's form fields already refuse NUL; this covers every parameter a view reads itself.
    Runs after CSRF (which parses the form first), before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "400.html",
                {"reason": _("The request contains a character that is not allowed (NUL).")},
                status=400,
            )
        return None


# What compresses: pages and data. Photos, PDFs and office files are compressed already, and a
# stored file keeps its Content-Length (and range requests) when it is sent as it is.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text responses only (it would also gzip a streamed JPEG).

    HTML is compressed here rather than only at nginx because Django's middleware pads each
    response with a random number of bytes (Django 4.2+, "Heal the Breach") on top of the CSRF
    token Django masks afresh for every response: a page's length no longer tells an attacker
    who reflects input whether a guess matched a secret (BREACH). README: Compression and caching.
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


# What a person who has not given their second factor yet may reach.
SECOND_STEP_PREFIXES = (
    "/accounts/two-factor/verify/",
    "/accounts/two-factor/setup/",
    "/accounts/logout/",
    "/accounts/sso/cas/logout/",
    "/accounts/sso/oidc/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class AccountSecurityMiddleware:
    """A session ends SESSION_ABSOLUTE_SECONDS after its login however active it is (the idle
    timeout is the cookie's age); after the password, a person with a second factor (or whose
    role requires one) must give it before anything else (django-otp's is_verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if security.absolute_lifetime_passed(request):
            logout(request)
            messages.info(request, _("Your session reached its maximum length. Please log in again."))
            return redirect(f"{reverse('login')}?next={request.path}")
        need = request.session.get(security.NEED_KEY)
        if need is None:  # a session from before the second factor existed
            need = request.session[security.NEED_KEY] = security.second_factor_need(user)
        if need and not user.is_verified() and not request.path.startswith(SECOND_STEP_PREFIXES):
            name = "core:otp_verify" if need == "verify" else "core:otp_setup"
            return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)


class ProductErrorPagesMiddleware:
    """With DEBUG on (`make run`), Django answers a missing page or a fault with its English
    debug page listing every URL pattern. A county user trying the demo should meet the
    product's own pages: this swaps them in. The traceback still goes to the console
    (django.request logs it before the response reaches here). Only the embedded local
    settings install it; DJANGO_DEBUG_PAGES=1 keeps Django's pages for a developer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.views.defaults import page_not_found

        from .views import server_error

        response = self.get_response(request)
        if not settings.DEBUG or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 404:
            return page_not_found(request, exception=None)
        if response.status_code == 500:
            return server_error(request)
        return response
