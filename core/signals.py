"""Login events are audited here: Django announces them only through these signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record
from .sso import VIA


@receiver(user_logged_in, dispatch_uid="audit_login")
def _audit_login(sender, request, user, **kwargs):
    via = VIA.get(getattr(user, "backend", ""))  # single sign-on says which way in
    audit_record(actor=user, verb="login", obj=user, after={"via": via} if via else None, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, verb="logout", obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "sso_refusal", None):
        return  # core.sso already wrote the refusal, with the identity and the reason
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, verb="login_failed", object_repr=username, request=request)
