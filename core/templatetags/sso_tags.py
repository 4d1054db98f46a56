"""The login page's single sign-on ways in, and the logout that also ends a CAS session."""

from django import template
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from core import sso

register = template.Library()


@register.inclusion_tag("core/sso_ways_in.html")
def sso_ways_in(next_url=""):
    return {"ways": sso.ways_in(), "next": next_url}


@register.simple_tag(takes_context=True)
def logout_url(context):
    """A person who came in through CAS or OpenID Connect logs out there too (single sign-out)."""
    request = context.get("request")
    backend = request.session.get(BACKEND_SESSION_KEY) if request is not None else None
    if backend == "core.sso.CASBackend":
        return reverse("core:sso_cas_logout")
    if backend == "core.sso.OIDCBackend":
        return reverse("core:sso_oidc_logout")
    return reverse("logout")
