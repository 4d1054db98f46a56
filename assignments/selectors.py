"""Read-only queries about assignments; every list is scoped by core.permissions."""

import datetime

from django.db.models import Count, Q

from core import permissions

from .models import Assignment

DUE_SOON_DAYS = 14


def assignment_list_for_user(*, user, campaign, units=None):
    """The campaign's shares the user may see (optionally only those of `units`),
    with what the task pages show, in deadline order."""
    qs = Assignment.objects.filter(campaign=campaign)
    if units is not None:
        qs = qs.filter(unit__in=units)
    qs = permissions.scope(user, permissions.VIEW_UNIT_WORK, qs)
    return qs.select_related("indicator__parent__parent", "unit").order_by(
        "ongoing", "deadline", "indicator__code", "unit__code"
    )


def assignment_bucket(assignment, today):
    """Which group a share falls in on the task pages."""
    if assignment.ongoing:
        return "ongoing"
    if assignment.deadline < today:
        return "overdue"
    if assignment.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "later"


def assignment_group_by_deadline(assignments, today):
    """Split shares into overdue / due soon / later / ongoing, each annotated with days left."""
    groups = {"overdue": [], "due_soon": [], "later": [], "ongoing": []}
    for a in assignments:
        a.days_left = None if a.ongoing else (a.deadline - today).days
        a.days_overdue = -a.days_left if a.days_left is not None and a.days_left < 0 else 0
        groups[assignment_bucket(a, today)].append(a)
    return groups


def assignment_deadline_summary(*, campaign, today):
    """County-wide counts for the office home page, in one query."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return Assignment.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(ongoing=False, deadline__lt=today)),
        due_soon=Count("id", filter=Q(ongoing=False, deadline__gte=today, deadline__lte=soon)),
        ongoing=Count("id", filter=Q(ongoing=True)),
        indicators=Count("indicator", distinct=True),
        units=Count("unit", distinct=True),
    )


def unit_overdue_ranking(*, campaign, today, limit=10):
    """Units with the most overdue shares, worst first (the office home's short list)."""
    from campaign.models import Unit

    return (
        Unit.objects.filter(assignments__campaign=campaign, assignments__ongoing=False, assignments__deadline__lt=today)
        .annotate(overdue=Count("assignments"))
        .order_by("-overdue", "code")[:limit]
    )
