"""Read-only queries about evidence; every list is scoped by org.permissions."""

from urllib.parse import urlencode

from org import permissions

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
