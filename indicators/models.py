from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.tables import CRITERIA_MAX, EVALUATION_METHOD_MAX, TITLE_MAX


class Framework(BaseModel):
    """One version of the indicator system (《市县法治政府建设示范指标体系》).

    Frozen once a campaign uses it: a re-import then makes a new version.
    """

    # Every member of the county sees every row (org.permissions.restrict).
    permission_open_to_members = True

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=50)
    source = models.CharField(_("source"), max_length=255, blank=True)
    frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_unique_version"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"

    def get_absolute_url(self):
        return reverse("assignments:tree", args=[self.pk])


class Indicator(BaseModel):
    """A node of the three-level indicator tree. `code` is the position within
    the parent joined by dots ("1.2.3"); `serial` is the table's own 序号."""

    # Every member of the county sees every row (org.permissions.restrict).
    permission_open_to_members = True

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"))
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    title = models.TextField(_("title"), max_length=TITLE_MAX)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    evaluation_method = models.CharField(_("evaluation method"), max_length=EVALUATION_METHOD_MAX, blank=True)
    criteria = models.TextField(_("criteria"), max_length=CRITERIA_MAX, blank=True)
    is_veto = models.BooleanField(_("veto indicator"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_unique_code"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="indicator_level_range"),
            models.CheckConstraint(
                condition=(Q(level=1) & Q(parent__isnull=True)) | (Q(level__gt=1) & Q(parent__isnull=False)),
                name="indicator_parent_matches_level",
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="indicator_score_positive"),
        ]
        indexes = [
            # Tree pages load one framework's level-3 indicators in code order.
            models.Index(fields=["framework", "level", "code"], name="indicator_fw_level_code_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title[:40]}"
