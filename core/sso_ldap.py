"""LDAP sign-on (django-auth-ldap), apart from core.sso because python-ldap is an optional extra
(`pip install ".[ldap]"`: it compiles against libldap): only a deployment with LDAP_SERVER_URI
imports this module (config/settings/base.py lists its backend then)."""

from django_auth_ldap.backend import LDAPBackend as _LDAPBackend

from .sso import sso_match


class LDAPBackend(_LDAPBackend):
    """LDAP: the password typed on the login form is checked against the directory
    (AUTH_LDAP_USER_SEARCH finds the entry); the typed user name names the account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        # Called only after the directory accepted the password.
        user = sso_match(request=getattr(self, "_request", None), via="ldap", name=username)
        if user is None:
            raise ldap_user.AuthenticationFailed("no active account for this directory entry")
        return user, False
