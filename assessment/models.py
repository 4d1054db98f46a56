"""The county's self-assessment of each level-3 indicator, the rectification items for
its shortfalls, and the daily figures behind the dashboard's trend."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel


class Assessment(BaseModel):
    """The county's self-assessment of one level-3 indicator in a campaign.

    `result` (达标 / 基本达标 / 未达标 / 不适用, blank until decided) is kept apart
    from `status` (the office's progress on writing it up). Eligibility is computed
    from results by assessment.eligibility.eligibility() only.
    """

    class Result(models.TextChoices):
        MET = "met", _("Met")
        PARTIAL = "partial", _("Partially met")
        NOT_MET = "not_met", _("Not met")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_REVIEW = "in_review", _("In review")
        DONE = "done", _("Done")

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assessments"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="assessments"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TODO)
    self_score = models.DecimalField(_("self-score"), max_digits=6, decimal_places=2, null=True, blank=True)
    veto_triggered = models.BooleanField(_("veto triggered"), default=False)
    practice = models.TextField(_("what was done"), max_length=5000, blank=True)
    outcomes = models.TextField(_("results"), max_length=5000, blank=True)
    highlights = models.TextField(_("highlights"), max_length=5000, blank=True)
    shortfall = models.TextField(_("shortfall"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "campaign_assessment"  # tables predate the assessment app; kept so data stays where it is
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["campaign", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator"], name="assessment_unique_indicator"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0), name="assessment_score_positive"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.indicator_id}:{self.result}"

    @staticmethod
    def score_misfit(result, score, full):
        """Why a self-score does not fit the result (None when it fits or cannot be judged):
        partly met at full marks, not met with more than half, met with less than half, or a
        score on an indicator that does not apply. The office may keep it; it is a warning."""
        if score is None or full is None or not full:
            return None
        R = Assessment.Result
        if result == R.PARTIAL and score >= full:
            return _("Partially met at full marks: lower the score or record the result as met.")
        if result == R.NOT_MET and score * 2 > full:
            return _("Not met with more than half of the marks: check the score.")
        if result == R.MET and score * 2 < full:
            return _("Met with less than half of the marks: check the score or the result.")
        if result == R.NOT_APPLICABLE and score:
            return _("The indicator does not apply but has a score: it is left out of the ratio.")
        return None


class Rectification(BaseModel):
    """One item of the problem pool (问题池): a shortfall to fix (整改), whatever found it —
    the self-assessment, the city's 初审, the third-party assessors, the pre-survey's weak
    points or the county's own inspection — with the indicator, owner unit, measure and
    deadline. The owner unit reports the fix with evidence; the office verifies and closes
    it (销号) or sends it back. The inspection stage (迎检) cannot start while any is open.

    One model grown from the self-assessment's rectification items rather than a second
    "pool item" beside them: those items already have the owner, deadline, reminders
    (ReminderLog.rectification), the 迎检 guard, the report's rectification table and the
    workbook sheet; a second model would split each of these in two and the guard would
    have to ask both. Items from other sources have no assessment, so it became optional
    and the indicator is kept on the item itself.
    """

    class Status(models.TextChoices):
        # "Open" alone reads 查看 (a link) elsewhere: the status has its own context (整改中).
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        REPORTED = "reported", _("Fix reported")
        RETURNED = "returned", pgettext_lazy("rectification status", "Sent back")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        CITY_REVIEW = "city_review", _("City initial review")
        ASSESSOR = "assessor", _("Third-party assessors")
        SURVEY = "survey", _("Satisfaction pre-survey")
        OWN_INSPECTION = "own_inspection", _("County's own inspection")

    # Not closed: what the 迎检 guard, the reminders and the board count as open.
    OPEN_STATUSES = (Status.OPEN, Status.REPORTED, Status.RETURNED)
    # With the unit: the fix is still to be done (reported items wait for the office).
    WITH_UNIT = (Status.OPEN, Status.RETURNED)

    permission_unit_path = "owner"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rectifications"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF_ASSESSMENT)
    # What in the source it comes from, in words (the survey question and township, the
    # assessors' finding, the city's comment) and as a key that makes adding it twice a no-op.
    source_detail = models.CharField(_("found in"), max_length=500, blank=True)
    source_key = models.CharField(max_length=200, blank=True, editable=False)
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("self-assessment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    owner = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="rectifications"
    )
    measure = models.TextField(_("rectification measure"), max_length=2000)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    fix_note = models.TextField(_("how it was fixed"), max_length=2000, blank=True)
    fix_evidence = models.ForeignKey(
        "evidence.Evidence",
        verbose_name=_("evidence of the fix"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(_("why it was sent back"), max_length=2000, blank=True)
    closing_note = models.TextField(_("how it was closed"), max_length=2000, blank=True)
    # 销号 needs evidence (rectification_close refuses without): not a CHECK, because items
    # closed before the pool with a note alone are kept as they were, and evidence deleted
    # later (SET_NULL) must not make a closed item invalid.
    closing_evidence = models.ForeignKey(
        "evidence.Evidence",
        verbose_name=_("closing evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "campaign_rectification"
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["status", "deadline"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="rectification_closed_has_time"
            ),
            # A survey weak point (or a city comment) lands in the pool once.
            models.UniqueConstraint(
                fields=["campaign", "source", "source_key"],
                condition=~Q(source_key=""),
                name="rectification_source_once",
            ),
        ]
        indexes = [
            # The pool list and the dashboard count a campaign's items per status and deadline.
            models.Index(fields=["campaign", "status", "deadline"], name="rectification_pool_idx"),
        ]

    def __str__(self):
        return self.measure[:40]

    def get_absolute_url(self):
        return reverse("assessment:rectification", args=[self.pk])

    @property
    def is_overdue(self):
        """Past its deadline with the fix still to be done by the unit (a reported fix waits for the office)."""
        return self.status in self.WITH_UNIT and self.deadline < timezone.localdate()


class DailySnapshot(models.Model):
    """One day's figures of a campaign, kept for the dashboard's trend (written by a beat job)."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    evidence_accepted = models.PositiveIntegerField(default=0)
    evidence_total = models.PositiveIntegerField(default=0)
    shares_accepted = models.PositiveIntegerField(default=0)
    indicators_met = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "campaign_dailysnapshot"
        ordering = ["campaign", "day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="snapshot_once_a_day")]

    def __str__(self):
        return f"{self.campaign_id}@{self.day}"
