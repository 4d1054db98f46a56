from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        """Work still owed by the unit: not yet submitted or accepted."""
        return self.filter(status__in=Assignment.OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(ongoing=False, deadline__lt=today)


class Assignment(BaseModel):
    """One unit's share of one level-3 indicator in a campaign (任务分工)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        COOPERATING = "cooperating", _("Cooperating unit")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)

    # core.permissions reads this to find the unit that owns the row.
    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # Set when the share has been overdue long enough to be escalated to the office (督办).
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The unit leader's sign-off (审签) of work submitted for review; cleared when the work
    # goes back to the unit, so each submission is signed off again.
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["indicator__code", "role", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator", "unit"], name="assignment_unique_unit"),
            models.UniqueConstraint(
                fields=["campaign", "indicator"], condition=Q(role="lead"), name="assignment_one_lead"
            ),
            models.CheckConstraint(
                condition=Q(ongoing=True) | Q(deadline__isnull=False), name="assignment_deadline_or_ongoing"
            ),
        ]
        indexes = [
            # "My tasks": one unit's shares in a campaign, soonest deadline first.
            models.Index(fields=["unit", "campaign", "deadline"], name="assignment_unit_deadline_idx"),
            # The reminder job and the board scan open shares by deadline.
            models.Index(fields=["campaign", "status", "deadline"], name="assignment_status_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_id}:{self.unit_id}:{self.role}"

    def get_absolute_url(self):
        return reverse("assignments:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def days_left(self, today):
        return None if self.ongoing or self.deadline is None else (self.deadline - today).days


class AssignmentEvent(models.Model):
    """One status change of a share, with who made it and why (the office's return comment)."""

    permission_unit_path = "assignment__unit"

    id = models.BigAutoField(primary_key=True)
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Assignment.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Assignment.Status.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    by = models.ForeignKey("core.User", verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["assignment", "-at", "-id"]
        indexes = [models.Index(fields=["assignment", "-at"], name="assignment_event_recent_idx")]

    def __str__(self):
        return f"{self.from_status}→{self.to_status}"


class ReminderLog(models.Model):
    """A reminder claimed for one share: the unique key makes a rerun of the job harmless.

    The job inserts the row first (INSERT ... ON CONFLICT DO NOTHING); only the run
    that inserted it sends the message, so a re-delivered task or a replayed day
    never sends twice.
    """

    permission_region_path = "assignment__campaign__region"

    class Kind(models.TextChoices):
        DAYS_7 = "d7", _("7 days before")
        DAYS_3 = "d3", _("3 days before")
        DAYS_1 = "d1", _("1 day before")
        OVERDUE = "overdue", _("Overdue notice")
        ESCALATION = "escalation", _("Escalation")
        PROGRESS = "progress", _("Progress prompt")

    id = models.BigAutoField(primary_key=True)
    # What the reminder is about: a unit's share, or a rectification item (整改).
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    rectification = models.ForeignKey(
        "assessment.Rectification", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The period a reminder belongs to: the deadline it warns about, or the month of a progress prompt.
    period = models.CharField(max_length=20)
    sent = models.BooleanField(default=True)  # False: claimed but skipped (superseded by a later reminder)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "period"], name="reminder_once_per_period"),
            models.UniqueConstraint(fields=["rectification", "kind", "period"], name="rectification_reminder_once"),
            models.CheckConstraint(
                condition=Q(assignment__isnull=False, rectification__isnull=True)
                | Q(assignment__isnull=True, rectification__isnull=False),
                name="reminder_has_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.assignment_id}:{self.kind}:{self.period}"


class Circular(BaseModel):
    """A formal notice (通报) listing the units behind schedule, kept as a record."""

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="circulars"
    )
    title = models.CharField(_("title"), max_length=200)
    # 文号, e.g. 县法办〔2026〕3号 (blank only on notices issued before it was asked for).
    doc_number = models.CharField(_("document number"), max_length=50, blank=True)
    # 发文机关: the body whose name heads the notice in red and signs it.
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    # 成文日期: the date the notice bears (as_of is the date its figures were taken).
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    body = models.TextField(_("text"), max_length=5000, blank=True)
    as_of = models.DateField(_("as of"))
    # A snapshot: later progress must not rewrite what was announced. One entry per named
    # unit: its counts and its worst few items (the record, not every overdue item).
    entries = models.JSONField(_("units listed"), default=list)
    issued_by = models.ForeignKey(
        "core.User", verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("formal notice")
        verbose_name_plural = _("formal notices")
        ordering = ["-created_at"]
        constraints = [
            # One document number names one notice of a campaign (a second 3号 is a mistake).
            models.UniqueConstraint(
                fields=["campaign", "doc_number"],
                condition=~models.Q(doc_number=""),
                name="circular_doc_number_unique",
            )
        ]

    def __str__(self):
        return self.title

    def listed_unit_codes(self):
        """The units the notice names: their people may read it (org.permissions.require_listed)."""
        return [e["unit_code"] for e in self.entries]

    def get_absolute_url(self):
        return reverse("assignments:circular", args=[self.pk])


def reminder_topic(assignment):
    """The topic of a share's deadline reminders: a new reminder or a new deadline supersedes
    the unread ones before it (core.notifications)."""
    return f"deadline:{assignment.pk}"
