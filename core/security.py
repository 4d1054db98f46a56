"""Second factor (django-otp: TOTP with QR enrolment, recovery codes on its static device) and
the sessions a person holds. The roles that must use a second factor are a setting
(OTP_REQUIRED_ROLES) switched by OTP_REQUIRED; core knows no roles, so the app that owns them
registers where to read them (register_role_source, org.apps)."""

import base64
import datetime

import segno
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .audit import _client_ip, audit_record
from .models import UserSession

# Session keys: what the person still has to do after the password ("verify" with the device
# they have, "setup" a device the role requires, "" nothing), set at login so the middleware
# needs no query per request; the pending enrolment secret; the time of the password login.
NEED_KEY = "otp_need"
PENDING_KEY = "otp_pending_key"
AUTH_AT_KEY = "auth_at"
RECOVERY_CODES = 10
IT_ROLE = "it"

_role_sources = []


def register_role_source(fn):
    """fn(user) -> iterable of role codes (org registers its memberships)."""
    _role_sources.append(fn)


def user_roles(user):
    roles = {IT_ROLE} if user.is_superuser else set()
    for fn in _role_sources:
        roles.update(fn(user))
    return roles


def second_factor_required(user):
    return settings.OTP_REQUIRED and bool(user_roles(user) & set(settings.OTP_REQUIRED_ROLES))


def second_factor_need(user):
    if user_has_device(user):
        return "verify"
    return "setup" if second_factor_required(user) else ""


def note_login(request, user):
    """At a password login: what the second step asks, the login time, the session's owner."""
    request.session[NEED_KEY] = second_factor_need(user)
    request.session[AUTH_AT_KEY] = timezone.now().timestamp()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_id=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def otp_check(user, token):
    """The device (TOTP, else a recovery code) that accepts `token`, or None. Each device is
    verified on its own, as django-otp advises, so its throttling (OTP_TOTP_THROTTLE_FACTOR:
    a growing wait after each wrong code) applies; a recovery code is deleted as it is used."""
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                return device
    return None


# --- enrolment ---------------------------------------------------------------------------


def pending_key(request):
    """The secret being enrolled: kept in the session until a code proves the phone has it
    (a GET shows the QR code and writes nothing to the database)."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return key


def provisioning_uri(user, key):
    device = TOTPDevice(user=user, key=key, name=settings.OTP_TOTP_ISSUER)  # unsaved: only its URL
    return device.config_url


def qr_path(uri):
    """The otpauth URL's QR code (segno) as (size, SVG path data) for an inline <svg> the
    template writes: no image request, nothing from a CDN, and no markup marked safe. The path
    holds only numbers and the letters M, h, v, z: one rectangle per run of dark modules."""
    rows = list(segno.make(uri, error="l").matrix_iter(scale=1, border=2))
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return len(rows), "".join(parts)


def key_text(key):
    """The secret as base32 in groups of four, for typing into an app by hand."""
    text = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _totp_step(key, token):
    """The time step whose code `token` is (django-otp's own TOTP arithmetic, on a secret not yet
    saved as a device), or None."""
    token = token.strip().replace(" ", "")
    if not (token.isdigit() and len(token) == 6):
        return None
    totp = TOTP(bytes.fromhex(key))
    return totp.t() if totp.verify(int(token), tolerance=1) else None


@transaction.atomic
def otp_enrol(*, user, key, token, request=None):
    """Confirm a TOTP secret with a code from the phone: the person's devices are replaced by it
    and fresh recovery codes. Returns (device, codes) or None if the code is wrong."""
    step = _totp_step(key, token)
    if step is None:
        return None
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    # last_t: the code that confirmed the phone is spent, as every accepted code is (RFC 6238 §5.2);
    # someone who saw it typed cannot log in with it within its 30 seconds.
    device = TOTPDevice.objects.create(user=user, key=key, name=settings.OTP_TOTP_ISSUER, confirmed=True, last_t=step)
    codes = _new_recovery_codes(user)
    audit_record(actor=user, verb="otp_enrolled", obj=user, request=request)
    return device, codes


def _new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def otp_new_recovery_codes(*, user, request=None):
    codes = _new_recovery_codes(user)
    audit_record(actor=user, verb="recovery_codes_issued", obj=user, request=request)
    return codes


@transaction.atomic
def otp_remove(*, user, by, verb, request=None):
    """Remove a person's second factor: by themselves (otp_disabled) or reset by the office or
    IT (otp_reset, after the caller checked the permission)."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(actor=by, verb=verb, obj=user, request=request)


# --- sessions ----------------------------------------------------------------------------


def active_sessions(user):
    return (
        UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
        .select_related("session")
        .order_by("-created_at")
    )


@transaction.atomic
def session_end(*, user, session_key, request=None):
    """End one of the person's own sessions (another device). Returns False if none such."""
    found = UserSession.objects.filter(user=user, session_id=session_key).first()
    if found is None:
        return False
    Session.objects.filter(session_key=session_key).delete()  # cascades to UserSession
    audit_record(actor=user, verb="session_ended", obj=user, after={"session": found.label()}, request=request)
    return True


def sessions_end_all(user):
    """Every session of the person (an account switched off, a second factor reset)."""
    Session.objects.filter(usersession__user=user).delete()


def absolute_lifetime_passed(request):
    started = request.session.get(AUTH_AT_KEY)
    if started is None or not settings.SESSION_ABSOLUTE_SECONDS:
        return False
    age = timezone.now() - datetime.datetime.fromtimestamp(started, tz=datetime.UTC)
    return age.total_seconds() > settings.SESSION_ABSOLUTE_SECONDS
