"""Campaigns (one county's application in one batch) and their stage history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from org.models import default_region_id


class Campaign(BaseModel):
    """One county's application in one batch of the demonstration campaign."""

    permission_region_path = "region"  # the county whose application it is

    # Every member of the county sees every row (org.permissions.restrict).
    permission_open_to_members = True

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive")
        SINGLE_ITEM = "single_item", _("Single item")

    class Stage(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        DECLARED = "declared", _("Declared to the city")
        RECOMMENDED = "recommended", _("Recommended")
        INSPECTION = "inspection", _("Inspection readiness")
        PUBLICISED = "publicised", _("Publicised")
        NAMED = "named", _("Named")
        NOT_NAMED = "not_named", _("Not named")

    # The county (or the city's 市本级) whose application this is: its office runs it, its city
    # reviews it (org.permissions scopes every row through it).
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        default=default_region_id,
        limit_choices_to={"kind": "county"},
    )
    # The name the county's documents carry (e.g. 某某县人民政府 writes 某某县).
    county = models.CharField(_("county name"), max_length=100)
    # The national batch it applies in (e.g. 第五批): the city recommends at most one
    # comprehensive and one single-item campaign per batch.
    batch = models.CharField(_("batch"), max_length=50, blank=True)
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
    city_office = models.ForeignKey(
        "org.Unit",
        verbose_name=_("city office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declared_campaigns",
        limit_choices_to={"kind": "city_office"},
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        permissions = [
            ("manage_assignments", _("Can change the division of work, deadlines and send reminders")),
            ("record_city_review", _("Can record the city's decision on a declared campaign")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gt=0) & Q(threshold__lte=1), name="campaign_threshold_range"),
            models.CheckConstraint(
                condition=Q(kind="comprehensive") | ~Q(single_item_title=""),
                name="campaign_single_item_has_title",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign:detail", args=[self.pk])


class CampaignStageEvent(models.Model):
    """One move of a campaign from stage to stage: when it took effect and who made it."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="stage_events"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Campaign.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Campaign.Stage.choices)
    effective_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["campaign", "at", "id"]

    def __str__(self):
        return f"{self.from_stage}→{self.to_stage}"
