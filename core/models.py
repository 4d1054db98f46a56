import functools
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Abstract base: a UUID primary key (ids in URLs are not guessable) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in. Roles come from memberships in units (org.Membership)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set when the office hands out a temporary password: the person must choose their own first.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # When the password was last set (core.passwords): past PASSWORD_MAX_AGE_DAYS it must change.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """The hashes of a person's last passwords, so an old one is not chosen again
    (core.passwords.PasswordHistoryValidator writes and reads it)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        indexes = [
            # The validator: one person's newest hashes.
            models.Index(fields=["user", "-created_at"], name="password_history_user_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Whose a (database) session is, written at login (core.security.note_login), so a person
    sees their sessions and ends them, and an account switched off loses all of them. Goes with
    its session: logout, expiry (clearsessions) and ending it delete the Session row."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, primary_key=True, db_constraint=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    def label(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.ip_address or ''}".strip()


VERB_LABELS = {
    "created": _("created"),
    "updated": _("updated"),
    "deleted": _("deleted"),
    "membership_granted": _("role granted"),
    "membership_revoked": _("role revoked"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login_failed": _("login failed"),
    "login_locked": _("locked out after failed logins"),
    "otp_enrolled": _("second factor enrolled"),
    "otp_disabled": _("second factor switched off"),
    "otp_reset": _("second factor reset"),
    "recovery_codes_issued": _("recovery codes issued"),
    "recovery_code_used": _("recovery code used"),
    "password_changed": _("password changed"),
    "session_ended": _("session ended"),
    "audit_purged": _("audit events past retention purged"),
    "assessed": _("assessed"),
    "circular_issued": _("circular issued"),
    "city_reviewed": _("city review recorded"),
    "closed": _("closed"),
    "downloaded": _("downloaded"),
    "evidence_added": _("evidence added"),
    "evidence_linked_campaign": _("evidence linked into another campaign"),
    "evidence_hidden": _("evidence deleted"),
    "evidence_linked": _("evidence linked"),
    "evidence_replaced": _("evidence replaced"),
    "evidence_restored": _("evidence restored"),
    "evidence_reviewed": _("evidence reviewed"),
    "fix_reported": _("fix reported"),
    "sent_back": _("sent back"),
    "reminded": _("reminder sent"),
    "password_reset": _("temporary password issued"),
    "signed_off": _("signed off"),
    "report_requested": _("report requested"),
    "stage_changed": _("stage changed"),
    "status_changed": _("status changed"),
    "submitted": _("submitted"),
    "reopened": _("reopened"),
    "review_decided": _("review decision recorded"),
    "comment_done": _("review comment marked done"),
    "comment_reopened": _("review comment reopened"),
    "recommended": _("recommended to the province"),
}


class AppendOnlyError(Exception):
    """An AuditEvent was about to be changed or deleted: the trail is append-only."""


class AuditEventQuerySet(models.QuerySet):
    """The trail is append-only: the ORM refuses to update or delete it (on PostgreSQL a trigger
    refuses it too, for raw SQL; only core.audit.audit_purge deletes, past the retention)."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when, with the changed fields before and after.

    Written only by core.audit.audit_record(), called from services; never from
    save() or signals, so bulk operations cannot skip it silently. Append-only and
    chained: each event carries the SHA-256 of the one before (prev_hash) and its own
    (hash, over prev_hash and its fields), so `manage.py verify_audit` finds an altered,
    inserted or removed row.
    """

    id = models.BigAutoField(primary_key=True)
    # Set by audit_record() before the hash is computed (auto_now_add would set it after).
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    # No database constraint and no ON DELETE action: deleting a person or a unit must not
    # rewrite (SET NULL) the trail, which the trigger refuses; actor_name keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    # Kept as text too so the trail survives the actor's deletion.
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    verb = models.CharField(_("action"), max_length=50)
    object_type = models.CharField(_("object type"), max_length=100)  # "app_label.model"
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            # The audit page lists newest first, filtered by object or actor.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
            models.Index(fields=["-at"], name="audit_at_idx"),
        ]

    def __str__(self):
        return f"{self.actor_name} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    @property
    def verb_label(self):
        return VERB_LABELS.get(self.verb, self.verb)

    def change_rows(self):
        """(label, before, after) for every field the event touched, labelled in the user's language."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        looked_up = getattr(self, "looked_up_labels", {})  # set by core.audit.audit_label_events
        return [
            (
                _field_label(self.object_type, k),
                _value_label(self.object_type, k, self.before.get(k, ""), looked_up.get(k)),
                _value_label(self.object_type, k, self.after.get(k, ""), looked_up.get(k)),
            )
            for k in keys
        ]


# Keys that audit payloads use beside model fields (memberships, divisions of work).
EXTRA_FIELD_LABELS = {
    "unit": _("unit"),
    "role": _("role"),
    "lead": _("lead unit"),
    "cooperating": _("cooperating units"),
    "deadline": _("deadline"),
    "ongoing": _("ongoing"),
    "indicators": _("indicators"),
    "units": _("units"),
    "comment": _("comment"),
    "decision": _("decision"),
    "file": _("file"),
    "sha256": _("SHA-256"),
    "revision": _("revision"),
    "note": _("note"),
    "review": _("review"),
    "part": _("part"),
    "report_sha256": _("report SHA-256"),
    "package_sha256": _("package SHA-256"),
    "via": _("by way of"),
    "reason": _("reason"),
    "volume": _("volume"),
    "session": _("session"),
    "step": _("step"),
    "older_than": _("older than"),
    "count": _("count"),
    # Evidence once: a piece linked into another campaign (evidence.services.evidence_link_to_campaign).
    "campaign": _("campaign"),
    "indicator": _("indicator"),
    "from_campaign": _("first used in"),
    "from_evidence": _("first uploaded as"),
}
# Codes that payload keys carry without a model field to label them, registered by the
# app that owns them (org registers "role"): core knows no roles or units.
KEY_VALUE_LABELS = {}
# Codes whose labels live in rows (unit codes): key -> lookup(codes) -> {code: label}, see core.audit.
KEY_VALUE_LOOKUPS = {}
# Values some payloads carry as codes.
EXTRA_VALUE_LABELS = {
    ("via", "import"): _("table import"),
    ("via", "oidc"): _("OpenID Connect single sign-on"),
    ("via", "cas"): _("CAS single sign-on"),
    ("via", "cas_slo"): _("CAS single sign-out (the CAS server ended the session)"),
    ("via", "ldap"): _("directory (LDAP) password"),
    ("reason", "unknown"): _("no account"),
    ("reason", "inactive"): _("account switched off"),
    ("reason", "locked"): _("account locked after failed logins"),
    ("decision", "accepted"): _("accepted"),
    ("decision", "returned"): _("returned"),
    ("part", "report"): _("self-assessment report"),
    ("part", "package"): _("evidence package"),
    ("step", "otp"): _("second factor"),
}


@functools.lru_cache(maxsize=256)
def _model_field(object_type, key):
    """The model field an audit payload key names ("app_label.model", "status"), or None."""

    try:
        return apps.get_model(object_type)._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _field_label(object_type, key):
    if key in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[key]
    return getattr(_model_field(object_type, key), "verbose_name", key)  # a reverse relation has none


def _value_label(object_type, key, value, looked_up=None):
    """A stored code shown as its label (状态 “未开始”, not not_started) when the field has choices;
    a value that was empty (None) as 未填; codes whose labels live in rows through `looked_up`."""
    if value is None:
        return _("not filled")
    if looked_up:
        if isinstance(value, list):
            return "、".join(str(looked_up.get(v, v)) for v in value)
        if isinstance(value, str):
            return looked_up.get(value, value)
    if value and isinstance(value, str) and key in KEY_VALUE_LABELS:
        return KEY_VALUE_LABELS[key].get(value, value)
    if isinstance(value, str) and (key, value) in EXTRA_VALUE_LABELS:
        return EXTRA_VALUE_LABELS[(key, value)]
    if isinstance(value, str) and value:
        field = _model_field(object_type, key)
        choices = getattr(field, "flatchoices", None)
        if choices:
            return dict(choices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


class Notification(models.Model):
    """An in-app message to one user (reminders, returns, escalations), also e-mailed."""

    id = models.BigAutoField(primary_key=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when its e-mail was handed to the mail server (claimed first: never sent twice).
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # What the message is about, e.g. "deadline:<share id>": a newer message on the same topic,
    # or a change that makes it untrue (a new deadline), supersedes the unread ones before it.
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread badge on every page: one user's unread messages.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # Superseding: the unread messages on one topic.
            models.Index(fields=["topic", "read_at"], name="notification_topic_idx", condition=~models.Q(topic="")),
        ]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """A background task to hand to the broker, written in the same transaction as the change
    that needs it (a transactional outbox). core.outbox sends it right after the commit; what the
    broker did not take then (Redis down) the relay sends when it answers again. Nothing is lost,
    and the tasks it names are idempotent, so a message sent twice does no harm."""

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Taken by one sender (compare-and-set); a claim older than a minute belongs to one that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay: messages not yet sent, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self):
        return f"{self.task}{self.args}"
