import functools
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
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

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username


VERB_LABELS = {
    "created": _("created"),
    "updated": _("updated"),
    "deleted": _("deleted"),
    "membership_granted": _("role granted"),
    "membership_revoked": _("role revoked"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login_failed": _("login failed"),
    "assessed": _("assessed"),
    "circular_issued": _("circular issued"),
    "city_reviewed": _("city review recorded"),
    "closed": _("closed"),
    "downloaded": _("downloaded"),
    "evidence_added": _("evidence added"),
    "evidence_hidden": _("evidence deleted"),
    "evidence_linked": _("evidence linked"),
    "evidence_replaced": _("evidence replaced"),
    "evidence_restored": _("evidence restored"),
    "evidence_reviewed": _("evidence reviewed"),
    "reminded": _("reminder sent"),
    "password_reset": _("temporary password issued"),
    "signed_off": _("signed off"),
    "report_requested": _("report requested"),
    "stage_changed": _("stage changed"),
    "status_changed": _("status changed"),
    "submitted": _("submitted"),
}


class AuditEvent(models.Model):
    """Who did what to which object, when, with the changed fields before and after.

    Written only by core.audit.audit_record(), called from services; never from
    save() or signals, so bulk operations cannot skip it silently.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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
        on_delete=models.SET_NULL,
        related_name="+",
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

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

    @property
    def verb_label(self):
        return VERB_LABELS.get(self.verb, self.verb)

    def change_rows(self):
        """(label, before, after) for every field the event touched, labelled in the user's language."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [
            (
                _field_label(self.object_type, k),
                _value_label(self.object_type, k, self.before.get(k, "")),
                _value_label(self.object_type, k, self.after.get(k, "")),
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
    "volume": _("volume"),
}
# Codes that payload keys carry without a model field to label them, registered by the
# app that owns them (org registers "role"): core knows no roles or units.
KEY_VALUE_LABELS = {}
# Values some payloads carry as codes.
EXTRA_VALUE_LABELS = {
    ("via", "import"): _("table import"),
    ("decision", "accepted"): _("accepted"),
    ("decision", "returned"): _("returned"),
    ("part", "report"): _("self-assessment report"),
    ("part", "package"): _("evidence package"),
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


def _value_label(object_type, key, value):
    """A stored code shown as its label (状态 “未开始”, not not_started) when the field has choices."""
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
