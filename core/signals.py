"""Login events are audited (and the session noted, core.security) here: Django announces them only through these signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_cas_ng.signals import cas_user_logout

from .audit import audit_record
from .security import note_login
from .sso import VIA


@receiver(user_logged_in, dispatch_uid="audit_login")
def _audit_login(sender, request, user, **kwargs):
    via = VIA.get(getattr(user, "backend", ""))  # single sign-on says which way in
    audit_record(actor=user, verb="login", obj=user, after={"via": via} if via else None, request=request)
    if request is not None and hasattr(request, "session"):
        note_login(request, user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, verb="logout", obj=user, request=request)


@receiver(cas_user_logout, dispatch_uid="audit_cas_single_logout")
def _audit_cas_single_logout(sender, user=None, **kwargs):
    # django-cas-ng deletes the session a CAS logout request names (sender "slo"); the person is
    # not the one asking (the CAS server is), so there is no request to take an address from.
    if sender == "slo" and user is not None:
        audit_record(actor=user, verb="logout", obj=user, after={"via": "cas_slo"})


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "sso_refusal", None):
        return  # core.sso already wrote the refusal, with the identity and the reason
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, verb="login_failed", object_repr=username, request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(actor=None, verb="login_locked", object_repr=str(username or "")[:150], request=request)
