"""Requests of a person holding a temporary password go to the password page first; requests
carrying NUL characters are refused."""

from django.contrib import messages
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

# What such a person may still reach: the password page, signing out, the language switch.
ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            messages.info(request, _("You signed in with a temporary password. Choose your own password first."))
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
