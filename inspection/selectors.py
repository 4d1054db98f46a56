"""Reads of the 迎检 workspace, scoped through org.permissions."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

from assignments.models import Assignment
from indicators.models import Indicator
from org import permissions

from .models import PublicityAction, PublicityTarget


def publicity_actions(user, campaign):
    """The actions the user may see: the office all, a unit its own."""
    return permissions.restrict(
        user,
        permissions.VIEW_UNIT_WORK,
        PublicityAction.objects.filter(campaign=campaign)
        .select_related("unit", "evidence")
        .prefetch_related("indicators"),
    )


def task_indicators(campaign, units):
    """Level-3 indicators the units have tasks for (what their actions may support, and
    the only ones their evidence may go to)."""
    ids = Assignment.objects.filter(campaign=campaign, unit__in=units).values("indicator_id")
    return Indicator.objects.filter(pk__in=ids).order_by("code")


@dataclass
class TargetProgress:
    target: PublicityTarget
    done: int

    @property
    def pct(self):
        return min(100, round(100 * self.done / self.target.count))

    @property
    def met(self):
        return self.done >= self.target.count


def publicity_progress(user, campaign, month=None):
    """Each target the user may see with the actions logged against it (same unit, month and
    platform). Two queries whatever the number of targets."""
    targets = permissions.restrict(
        user, permissions.VIEW_UNIT_WORK, PublicityTarget.objects.filter(campaign=campaign).select_related("unit")
    )
    if month is not None:
        targets = targets.filter(month=month)
    targets = list(targets)
    done = Counter()
    if targets:
        rows = (
            PublicityAction.objects.filter(
                campaign=campaign, unit__in={t.unit_id for t in targets}, happened_on__gte=min(t.month for t in targets)
            )
            .annotate(month=TruncMonth("happened_on"))
            .values("unit_id", "month", "platform")
            .annotate(n=Count("id"))
        )
        for r in rows:
            done[(r["unit_id"], r["month"], r["platform"])] = r["n"]
    return [TargetProgress(t, done[(t.unit_id, t.month, t.platform)]) for t in targets]
