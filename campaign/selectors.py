"""Read-only queries about units, memberships and campaigns."""

from .models import Campaign, Membership

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)


def membership_roles(user):
    """The set of role codes the user holds in any unit, cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cached
    return cached


def membership_units(user, roles):
    """The units where the user holds one of `roles`."""
    from .models import Unit

    return Unit.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def campaign_current():
    """The campaign people are working on: the newest one not yet concluded."""
    return (
        Campaign.objects.exclude(stage__in=TERMINAL_STAGES).select_related("framework").order_by("-created_at").first()
        or Campaign.objects.select_related("framework").order_by("-created_at").first()
    )
