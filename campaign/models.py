from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Unit(BaseModel):
    """A department, township (乡镇/街道), the rule-of-law office or the city office.

    Object permissions for a unit's work (tasks, evidence) are granted on the
    Unit row with django-guardian; see core.permissions.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TOWNSHIP = "township", _("Township / subdistrict")
        OFFICE = "office", _("Rule-of-law office")
        CITY_OFFICE = "city_office", _("City office")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_law_enforcement = models.BooleanField(_("administrative law-enforcement unit"), default=False)
    region = models.CharField(_("region"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        permissions = [
            # Granted per unit (guardian) to its leader and liaison; county-wide
            # (global) to office roles. core.permissions is the only reader.
            ("view_unit_work", _("Can see the unit's tasks and evidence")),
            ("contribute_unit_work", _("Can upload evidence and submit the unit's tasks")),
            ("signoff_unit_work", _("Can sign off the unit's submissions")),
            ("review_unit_work", _("Can review the unit's evidence")),
        ]

    def __str__(self):
        return self.short_name or self.name


class Membership(BaseModel):
    """A user's role in a unit. Creating or ending one grants or revokes permissions
    (campaign.services.membership_create / membership_end), never a signal."""

    class Role(models.TextChoices):
        OFFICE_ADMIN = "office_admin", _("Office admin")
        OFFICE_STAFF = "office_staff", _("Office staff")
        UNIT_LEADER = "unit_leader", _("Unit leader")
        LIAISON = "liaison", _("Liaison")
        CITY_REVIEWER = "city_reviewer", _("City reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.unit_id}:{self.role}"


class Campaign(BaseModel):
    """One county's application in one batch of the demonstration campaign."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive (综合示范)")
        SINGLE_ITEM = "single_item", _("Single item (单项示范)")

    class Stage(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        DECLARED = "declared", _("Declared to the city")
        RECOMMENDED = "recommended", _("Recommended")
        INSPECTION = "inspection", _("Inspection readiness")
        PUBLICISED = "publicised", _("Publicised")
        NAMED = "named", _("Named")
        NOT_NAMED = "not_named", _("Not named")

    county = models.CharField(_("county"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    single_item_title = models.CharField(_("single-item project title"), max_length=200, blank=True)
    focus_areas = models.TextField(_("focus areas"), max_length=2000, blank=True)
    framework = models.ForeignKey(
        "indicators.Framework",
        verbose_name=_("indicator framework"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    threshold = models.DecimalField(
        _("eligibility threshold"), max_digits=4, decimal_places=3, default=Decimal("0.900")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION)
    # The city office the county declares to: its reviewers see this campaign's submissions.
    city_office = models.ForeignKey(Unit, verbose_name=_("city office"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="declared_campaigns", limit_choices_to={"kind": "city_office"})

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        permissions = [
            ("manage_assignments", _("Can change the division of work, deadlines and send reminders")),
            ("record_city_review", _("Can record the city's decision on a declared campaign")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lte=1), name="campaign_threshold_range"
            ),
            models.CheckConstraint(
                condition=Q(kind="comprehensive") | ~Q(single_item_title=""),
                name="campaign_single_item_has_title",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("campaign:detail", args=[self.pk])


class CampaignStageEvent(models.Model):
    """One move of a campaign from stage to stage: when it took effect and who made it."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField(_("from"), max_length=20, choices=Campaign.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Campaign.Stage.choices)
    effective_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["campaign", "at", "id"]

    def __str__(self):
        return f"{self.from_stage}→{self.to_stage}"


class Assessment(BaseModel):
    """The county's self-assessment of one level-3 indicator in a campaign.

    `result` (达标 / 基本达标 / 未达标 / 不适用, blank until decided) is kept apart
    from `status` (the office's progress on writing it up). Eligibility is computed
    from results by campaign.eligibility.eligibility() only.
    """

    class Result(models.TextChoices):
        MET = "met", _("Met (达标)")
        PARTIAL = "partial", _("Partially met (基本达标)")
        NOT_MET = "not_met", _("Not met (未达标)")
        NOT_APPLICABLE = "not_applicable", _("Not applicable (不适用)")

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_REVIEW = "in_review", _("In review")
        DONE = "done", _("Done")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assessments")
    indicator = models.ForeignKey("indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="assessments")
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TODO)
    self_score = models.DecimalField(_("self-score"), max_digits=6, decimal_places=2, null=True, blank=True)
    veto_triggered = models.BooleanField(_("veto triggered"), default=False)
    practice = models.TextField(_("what was done (主要做法)"), max_length=5000, blank=True)
    outcomes = models.TextField(_("results (成效)"), max_length=5000, blank=True)
    highlights = models.TextField(_("highlights (亮点)"), max_length=5000, blank=True)
    shortfall = models.TextField(_("shortfall (短板)"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["campaign", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator"], name="assessment_unique_indicator"),
            models.CheckConstraint(condition=Q(self_score__isnull=True) | Q(self_score__gte=0), name="assessment_score_positive"),
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.indicator_id}:{self.result}"


class Rectification(BaseModel):
    """A tracked rectification item (整改) for a shortfall: owner, deadline, closing evidence.
    The inspection stage (迎检) cannot start while any is open."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    permission_unit_path = "owner"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rectifications")
    assessment = models.ForeignKey(Assessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="rectifications")
    owner = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="rectifications")
    measure = models.TextField(_("rectification measure (整改措施)"), max_length=2000)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    closing_note = models.TextField(_("how it was closed"), max_length=2000, blank=True)
    closing_evidence = models.ForeignKey("evidence.Evidence", verbose_name=_("closing evidence"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["status", "deadline"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | Q(closed_at__isnull=False), name="rectification_closed_has_time"),
        ]

    def __str__(self):
        return self.measure[:40]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("campaign:rectifications") + f"#r-{self.pk}"


class DailySnapshot(models.Model):
    """One day's figures of a campaign, kept for the dashboard's trend (written by a beat job)."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    evidence_accepted = models.PositiveIntegerField(default=0)
    evidence_total = models.PositiveIntegerField(default=0)
    shares_accepted = models.PositiveIntegerField(default=0)
    indicators_met = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="snapshot_once_a_day")]

    def __str__(self):
        return f"{self.campaign_id}@{self.day}"
