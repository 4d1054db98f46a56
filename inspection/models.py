"""迎检: what the county prepares for the third-party assessment, the satisfaction survey
and the field check — publicity actions and their targets, the office's own pre-survey,
and the field-check checklist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


def publicity_photo_upload_to(instance, filename):
    return f"inspection/publicity/{instance.campaign_id}/{instance.pk}/{filename[-80:]}"


class PublicityAction(BaseModel):
    """One publicity action a unit logged (宣传): where, when, what, how many it reached,
    which indicators it supports. A news link can become the unit's evidence once
    (`evidence` is set then), through the evidence app's service."""

    class Platform(models.TextChoices):
        GOV_WEBSITE = "gov_website", _("Government website")
        WECHAT = "wechat", _("WeChat official account")
        PRESS = "press", _("Newspapers and periodicals")
        BROADCAST = "broadcast", _("Radio and television")
        OUTDOOR = "outdoor", _("Outdoor")
        COMMUNITY = "community", _("In communities and villages")
        NEW_MEDIA = "new_media", _("New media")

    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="publicity_actions"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="publicity_actions"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    happened_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    photo = models.FileField(_("photo"), upload_to=publicity_photo_upload_to, max_length=300, blank=True)
    reads = models.PositiveIntegerField(_("number of reads"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators"), blank=True, related_name="publicity_actions"
    )
    evidence = models.OneToOneField(
        "evidence.Evidence",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publicity_action",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("publicity action")
        verbose_name_plural = _("publicity actions")
        ordering = ["-happened_on", "-created_at"]
        constraints = [
            # An action is shown by a link or a photo; one without either proves nothing.
            models.CheckConstraint(condition=~Q(url="") | ~Q(photo=""), name="publicity_link_or_photo"),
        ]
        indexes = [
            # The progress page counts each unit's actions per month and platform.
            models.Index(fields=["campaign", "unit", "happened_on"], name="publicity_unit_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspection:publicity_edit", args=[self.pk])


class PublicityTarget(BaseModel):
    """How many publicity actions the office expects of a unit in one month on one platform."""

    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="publicity_targets"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    platform = models.CharField(_("platform"), max_length=20, choices=PublicityAction.Platform.choices)
    count = models.PositiveSmallIntegerField(_("target"))

    class Meta:
        verbose_name = _("publicity target")
        verbose_name_plural = _("publicity targets")
        ordering = ["month", "unit__code", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "month", "platform"], name="publicity_target_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="publicity_target_first_of_month"),
            models.CheckConstraint(condition=Q(count__gte=1), name="publicity_target_positive"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.platform} {self.count}"
