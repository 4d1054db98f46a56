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
from xml.etree.ElementTree import ParseError

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from django_cas_ng.backends import CASBackend as _CASBackend
from django_cas_ng.utils import get_cas_client
from django_cas_ng.views import LoginView as CASLoginView
from django_cas_ng.views import LogoutView as CASLogoutView
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView as OIDCCallbackView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView as OIDCStartView

from .audit import audit_record

logger = logging.getLogger(__name__)

__all__ = ["CASLoginView", "CASLogoutView", "OIDCCallbackView", "OIDCStartView"]  # the libraries' views

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
    """The active account named `name`, or None after telling the person and the audit trail why not."""
    name = (name or "").strip()[:150]
    user = get_user_model()._default_manager.filter(username=name).first() if name else None
    if user is not None and user.is_active:
        return user
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
