"""Single sign-on: OpenID Connect, CAS and LDAP, each switched on by settings (config/settings/base.py).

The libraries do the protocols (mozilla-django-oidc, django-cas-ng, django-auth-ldap); this module
only decides WHO a signed-in identity is here. One rule for all three (sso_match): the identity's
user name finds an existing, active account, or the login is refused with a message that says
what to do. SSO never creates an account and never grants a role: the office does both.

Audit: a success is the ordinary "login" event (core.signals, from Django's user_logged_in),
with via=oidc/cas/ldap; a refusal here is a "login_failed" event naming the identity and the
reason. Django then also announces a failed authenticate(); the request is marked so that
announcement is not written a second time.
"""

import logging
from urllib.parse import urlencode
from xml.etree.ElementTree import ParseError

import requests
from axes.handlers.proxy import AxesProxyHandler
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_fromstring
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_cas_ng.backends import CASBackend as _CASBackend
from django_cas_ng.utils import get_cas_client
from django_cas_ng.views import LoginView as CASLoginView
from django_cas_ng.views import LogoutView as CASLogoutView
from django_cas_ng.views import clean_sessions as cas_clean_sessions
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView as OIDCCallbackView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView as OIDCStartView
from mozilla_django_oidc.views import OIDCLogoutView

from .audit import audit_record

logger = logging.getLogger(__name__)

__all__ = [
    "CASLoginView",
    "CASLogoutView",
    "OIDCCallbackView",
    "OIDCLogoutView",
    "OIDCStartView",
]  # the libraries' views

# backend path -> the code the audit trail carries in "via"
VIA = {"core.sso.OIDCBackend": "oidc", "core.sso.CASBackend": "cas", "core.sso_ldap.LDAPBackend": "ldap"}


def ways_in():
    """The single sign-on ways the login page offers, in order: (code, label, url name or None)."""
    ways = []
    if settings.OIDC_RP_CLIENT_ID:
        ways.append(("oidc", settings.SSO_BUTTON_LABEL_OIDC or _("Unified identity service"), "core:sso_oidc"))
    if settings.CAS_SERVER_URL:
        ways.append(("cas", settings.SSO_BUTTON_LABEL_CAS or _("Unified identity service (CAS)"), "core:sso_cas"))
    if settings.AUTH_LDAP_SERVER_URI:
        # No button: the form above checks the password against the directory.
        ways.append(("ldap", _("Directory password"), None))
    return ways


def is_on(way):
    return any(code == way for code, _label, _url in ways_in())


def sso_match(*, request, via, name):
    """The active account named `name`, or None after telling the person and the audit trail why not.

    An account that django-axes has locked (too many wrong passwords for it from this address) stays
    locked whichever way in: the identity service vouches for the person, but the lock is on the
    account here, and GB/T 22239's failed-login handling asks that a locked account not be used until
    the lock ends or the office lifts it. (The password form never gets this far: the axes backend,
    first in AUTHENTICATION_BACKENDS, refuses there; single sign-on names the account only after the
    provider answered, so the lock is checked here.)"""
    name = (name or "").strip()[:150]
    user = get_user_model()._default_manager.filter(username=name).first() if name else None
    if user is not None and user.is_active:
        if request is None or not AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
            return user
        reason = "locked"
    else:
        reason = "unknown" if user is None else "inactive"
    if request is not None:
        audit_record(
            actor=None, verb="login_failed", object_repr=name, after={"via": via, "reason": reason}, request=request
        )
        # Django announces the failed authenticate() too; core.signals skips it for this request.
        request.sso_refusal = refusal_message(reason)
        if via != "ldap":  # the login form shows LDAP's refusal as its own error
            messages.error(request, request.sso_refusal)
    return None


def refusal_message(reason):
    if reason == "inactive":
        return _("This account is switched off. Ask the rule-of-law office.")
    if reason == "locked":
        return _(
            "This account is locked for a while after several wrong passwords. Try again in half an hour, "
            "or ask the rule-of-law office to unlock it."
        )
    return _(
        "You signed in with the identity service, but this system has no account for you. "
        "Ask the county rule-of-law office to create your account (with the same user name)."
    )


class OIDCBackend(OIDCAuthenticationBackend):
    """OpenID Connect: the claim OIDC_USERNAME_CLAIM names the account."""

    def authenticate(self, request, **kwargs):
        # A provider that is down, answers an error or signs badly is a failed sign-in (the
        # login page says so), not a server error.
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            logger.warning("OpenID Connect sign-in failed: %s", exc)
            return None

    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_USERNAME_CLAIM))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            return sso_match(request=self.request, via="oidc", name="")
        return sso_match(request=self.request, via="oidc", name=str(claims[settings.OIDC_USERNAME_CLAIM]))


class CASBackend(_CASBackend):
    """CAS: the CAS user (or the attribute CAS_USERNAME_ATTRIBUTE) names the account.

    django-cas-ng's own authenticate() returns None for an unknown or switched-off account
    without saying which; the ticket check is the library's, the decision ours."""

    def authenticate(self, request, ticket, service):
        client = get_cas_client(service_url=service, request=request)
        try:
            username, attributes, _pgtiou = client.verify_ticket(ticket)
        except (requests.RequestException, ParseError, IndexError, AttributeError) as exc:  # down, or not CAS XML
            logger.warning("CAS ticket validation failed: %s", exc)
            return None
        if not username:
            return None  # the CAS server refused the ticket: Django's failed-login event records it
        if settings.CAS_USERNAME_ATTRIBUTE != "cas_user":
            username = (attributes or {}).get(settings.CAS_USERNAME_ATTRIBUTE)
        if request is not None and attributes:
            request.session["attributes"] = attributes
        return sso_match(request=request, via="cas", name=str(username or ""))


# --- signing out ---------------------------------------------------------------------------


def oidc_logout_url(request):
    """Where logging out sends a person who came in through OpenID Connect (mozilla-django-oidc's
    OIDC_OP_LOGOUT_URL_METHOD, called before the session here ends): the provider's
    end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0) with the ID token as hint, so the
    provider's session ends too and the next "sign in" asks for the password there again; the
    provider then sends the person back to our login page. Without an endpoint: our login page."""
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if not settings.OIDC_OP_END_SESSION_ENDPOINT:
        return back
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": back}
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{settings.OIDC_OP_END_SESSION_ENDPOINT}?{urlencode(params)}"


SAML_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"


def cas_logout_request_tickets(text):
    """The service tickets a CAS server's single-logout request names (its SAML <samlp:SessionIndex>
    elements), or None when the request is not such XML. Read with defusedxml first: the library
    then parses it with lxml, which would expand entities and answers a syntax error with a crash."""
    try:
        root = xml_fromstring(text)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    if root.tag != f"{{{SAML_PROTOCOL}}}LogoutRequest":
        return None
    return [(e.text or "").strip() for e in root.iter(f"{{{SAML_PROTOCOL}}}SessionIndex") if (e.text or "").strip()]


def cas_single_logout(request):
    """End the sessions a CAS logout request names (django-cas-ng's SessionTicket rows tie each
    service ticket to the session it opened; its cas_user_logout signal audits each, core.signals).
    False when the request is not a CAS logout request at all."""
    if not cas_logout_request_tickets(request.POST.get("logoutRequest", "")):
        return False
    cas_clean_sessions(get_cas_client(request=request), request)
    return True
