from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class AssignmentQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.filter(ongoing=False, deadline__lt=today)


class Assignment(BaseModel):
    """One unit's share of one level-3 indicator in a campaign (任务分工)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        COOPERATING = "cooperating", _("Cooperating unit")

    # core.permissions reads this to find the unit that owns the row.
    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "campaign.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing (长期坚持)"), default=False)

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
        ]

    def __str__(self):
        return f"{self.indicator_id}:{self.unit_id}:{self.role}"
