"""Read-only queries about units, memberships and people."""

from django.contrib.auth import get_user_model

from .models import Membership, Unit

OFFICE_ROLES = (Membership.Role.OFFICE_ADMIN, Membership.Role.OFFICE_STAFF)
UNIT_ROLES = (Membership.Role.UNIT_LEADER, Membership.Role.LIAISON)


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
    return Unit.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def unit_people(unit, roles=(Membership.Role.LIAISON, Membership.Role.UNIT_LEADER)):
    """The active people of a unit in `roles` (by default its liaisons and leaders: who
    hears about its tasks)."""
    User = get_user_model()
    return list(User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True).distinct())


def office_people():
    """The office's active admins and staff (who hear about escalations)."""
    User = get_user_model()
    return list(User.objects.filter(memberships__role__in=OFFICE_ROLES, is_active=True).distinct())


def city_reviewers(city_office):
    """The reviewers of a city office (who hear about a new submission)."""
    User = get_user_model()
    return list(User.objects.filter(memberships__unit=city_office, memberships__role=Membership.Role.CITY_REVIEWER))


def manageable_people():
    """The accounts the office may manage: everyone but IT and the city's reviewers."""
    User = get_user_model()
    return User.objects.filter(is_superuser=False).exclude(memberships__role=Membership.Role.CITY_REVIEWER)
