"""Read-only queries about evidence; every list is scoped by org.permissions."""

from org import permissions


def evidence_for_share(*, user, assignment):
    """A share's evidence as the user may see it: hidden pieces for the office only."""
    items = assignment.evidence.select_related("current_revision").order_by("-created_at")
    if not permissions.can(user, permissions.REVIEW_UNIT_WORK, assignment):
        items = items.visible()
    return items


def evidence_may_add(*, user, assignment):
    """Whether the user may add evidence to the share now (its unit's liaison, while it is open)."""
    return permissions.can(user, permissions.CONTRIBUTE_UNIT_WORK, assignment) and assignment.is_open
