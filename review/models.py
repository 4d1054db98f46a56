"""The city's and the province's work on what counties submit: 初审 decisions, comments per
indicator, recommendations (推荐) and the recommendation letter (推荐函). Issue 14.

A decision is made on one version of a submission (reports.Submission.version); the county's
resubmission is a new version and needs its own decision. Recommendations copy the campaign's
kind, batch and 市本级 flag so that the database itself holds the rule "per batch at most one
comprehensive and one single-item campaign, never the city's own as the comprehensive one"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Level(models.TextChoices):
    """Who decides: the city office (初审 and 推荐 to the province) or the province office
    (省级初审 and 择优推荐 to central)."""

    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class Decision(BaseModel):
    """The 初审 decision of a city (or the province's 省级初审) on one submitted version.

    At most one decision per version and level (the compare-and-set: the second of two reviewers
    deciding at once hits the unique constraint and is told, nothing changed)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed the initial review")
        RETURNED = "returned", _("Returned for more material")
        REJECTED = "rejected", _("Not recommended")

    # The city office's reviewers see the decisions on what is addressed to it.
    permission_city_path = "submission__city_office"
    permission_region_path = "campaign__region"

    submission = models.ForeignKey(
        "reports.Submission", verbose_name=_("submission"), on_delete=models.PROTECT, related_name="decisions"
    )
    # Copied from the submission: the county's lists read decisions without joining through it.
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="review_decisions"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-created_at"]
        permissions = [
            ("record_province_review", _("Can record the province's decision on a recommended campaign")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission", "level"], name="review_one_decision_per_version"),
            models.CheckConstraint(condition=~Q(reason=""), name="review_decision_has_reason"),
        ]
        indexes = [
            # The campaign's decisions, newest first (the county's list, the workspace's status column).
            models.Index(fields=["campaign", "level", "-created_at"], name="review_decision_campaign_idx"),
        ]

    def __str__(self):
        return f"{self.submission_id}:{self.level}:{self.outcome}"

    def get_absolute_url(self):
        return reverse("review:submission", args=[self.submission_id])


class ReturnComment(BaseModel):
    """What the city asks the county to fix on one indicator when it returns a submission (退回补充).
    The county office works through them (marks each done); the indicator's assessment re-opens
    and shows the comment on the county's assessment pages."""

    permission_region_path = "campaign__region"

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="comments"
    )
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="return_comments"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000)
    done_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dealt with by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("return comment")
        verbose_name_plural = _("return comments")
        ordering = ["indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "indicator"], name="review_one_comment_per_indicator"),
            models.CheckConstraint(condition=~Q(text=""), name="review_comment_has_text"),
        ]
        indexes = [
            # The comments still open on a campaign's indicators (the assessment pages' hook).
            models.Index(fields=["campaign", "indicator"], name="review_comment_campaign_idx"),
        ]

    def __str__(self):
        return self.text[:40]


class RecommendationLetter(BaseModel):
    """The 推荐函 a city (or the province) sends with its recommendations of one batch: 文号, date
    and, frozen when it is made, the recommended counties with a short reason each. Its PDF and
    DOCX are report jobs (reports registers the kinds; review builds them)."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("recommending region"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("batch"), max_length=50, blank=True)
    number = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("date"))
    # [{"county", "campaign", "kind", "kind_label", "reason", "submission", "version"}, …] at the time it was made.
    entries = models.JSONField(_("recommended"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("recommendation letter")
        verbose_name_plural = _("recommendation letters")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(number=""), name="review_letter_has_number")]

    def __str__(self):
        return self.number


class Recommendation(BaseModel):
    """A city's 推荐 of one campaign (one submitted version that passed its 初审) to the province,
    or the province's 择优推荐 to central.

    kind, batch and is_city_level are copies of the campaign's so that constraints can hold the
    rule: per recommending region, level and batch, at most one comprehensive and one single-item
    campaign, and never the city's own 市本级 one as the comprehensive candidate."""

    permission_city_path = "submission__city_office"
    permission_region_path = "campaign__region"

    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    # The city (level city) or the province (level province) that recommends.
    region = models.ForeignKey(
        "org.Region", verbose_name=_("recommending region"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("batch"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    is_city_level = models.BooleanField(_("city's own level"), default=False)
    submission = models.ForeignKey(
        "reports.Submission", verbose_name=_("submission"), on_delete=models.PROTECT, related_name="recommendations"
    )
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="recommendations"
    )
    # The passing 初审 of the same level it rests on.
    decision = models.ForeignKey(
        Decision, verbose_name=_("initial review"), on_delete=models.PROTECT, related_name="recommendations"
    )
    reason = models.CharField(_("reason"), max_length=500)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region", "batch", "kind"], name="review_one_recommendation_per_kind"
            ),
            models.UniqueConstraint(fields=["level", "campaign"], name="review_campaign_recommended_once"),
            models.CheckConstraint(
                condition=~(Q(kind="comprehensive") & Q(is_city_level=True)),
                name="review_city_level_never_comprehensive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["comprehensive", "single_item"]), name="review_recommendation_kind"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="review_recommendation_has_reason"),
        ]

    def __str__(self):
        return f"{self.level}:{self.batch}:{self.kind}:{self.campaign_id}"
