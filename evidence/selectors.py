"""Read-only queries about evidence; every list is scoped by org.permissions."""

from urllib.parse import urlencode

from django.db.models import Q

from assignments.models import Assignment
from campaign.selectors import TERMINAL_STAGES
from org import permissions
from org.selectors import OFFICE_ROLES, UNIT_ROLES, role_regions

from .models import Evidence


def evidence_for_share(*, user, assignment):
    """A share's evidence as the user may see it: hidden pieces for the office only."""
    items = assignment.evidence.select_related("current_revision").order_by("-created_at")
    if not permissions.can(user, permissions.REVIEW_UNIT_WORK, assignment):
        items = items.visible()
    return items


def evidence_may_add(*, user, assignment):
    """Whether the user may add evidence to the share now (its unit's liaison, while it is open)."""
    return permissions.can(user, permissions.CONTRIBUTE_UNIT_WORK, assignment) and assignment.is_open


def pending_evidence_of(assignment):
    """The share's visible evidence still waiting for review, oldest first, with the page to
    review each (opened from the queue filtered to this share, so 下一条 walks the rest)."""
    queue = urlencode({"code": assignment.indicator.code, "unit": assignment.unit_id})
    return [
        {"title": e.title, "url": f"{e.get_absolute_url()}?{urlencode({'queue': queue})}", "kind": e.get_kind_display()}
        for e in Evidence.objects.visible()
        .filter(assignment=assignment, review_status=Evidence.Review.PENDING)
        .order_by("created_at", "pk")
    ]


def evidence_in_users_county(user, evidence):
    """Whether the evidence belongs to the county of one of the user's units (IT: every county).
    Evidence is linked only among the campaigns of its own county (Campaign.region)."""
    if user.is_superuser:
        return True
    return evidence.assignment.campaign.region_id in role_regions(user, (*OFFICE_ROLES, *UNIT_ROLES))


def evidence_link_targets(user, evidence):
    """The shares this piece may be linked into (evidence once, 最多报一次): the same unit's
    open shares in the county's other open campaigns that the user may contribute to (the
    unit's liaison), leaving out campaigns that hold the piece (or its origin) already."""
    origin_id = evidence.origin_id or evidence.pk
    holding = Evidence.objects.filter(Q(pk=origin_id) | Q(origin_id=origin_id)).values("assignment__campaign")
    shares = (
        Assignment.objects.open()
        .filter(
            unit_id=evidence.assignment.unit_id,
            campaign__region_id=evidence.assignment.campaign.region_id,
        )
        .exclude(campaign__in=holding)
        .exclude(campaign__stage__in=TERMINAL_STAGES)
    )
    return (
        permissions.restrict(user, permissions.CONTRIBUTE_UNIT_WORK, shares)
        .select_related("campaign", "indicator", "unit")
        .order_by("-campaign__created_at", "indicator__code")
    )


def evidence_uses(user, evidence):
    """Where this piece is used: its origin and every link of it, in every campaign of the
    county, as far as the user may see them (oldest first)."""
    origin_id = evidence.origin_id or evidence.pk
    rows = Evidence.objects.filter(Q(pk=origin_id) | Q(origin_id=origin_id))
    return list(
        permissions.restrict(user, permissions.VIEW_UNIT_WORK, rows)
        .select_related("assignment__campaign", "assignment__indicator", "assignment__unit")
        .order_by("created_at")
    )
