"""Requests of a person holding a temporary password go to the password page first; requests
carrying NUL characters are refused."""

from django.contrib import messages
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


class ProductErrorPagesMiddleware:
    """With DEBUG on (`make run`), Django answers a missing page or a fault with its English
    debug page listing every URL pattern. A county user trying the demo should meet the
    product's own pages: this swaps them in. The traceback still goes to the console
    (django.request logs it before the response reaches here). Only the embedded local
    settings install it; DJANGO_DEBUG_PAGES=1 keeps Django's pages for a developer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
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
