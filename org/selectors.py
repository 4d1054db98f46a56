"""Read-only queries about units, memberships and people."""

from django.contrib.auth import get_user_model
from django.db import models

from .models import Membership, Region, Unit

OFFICE_ROLES = (Membership.Role.OFFICE_ADMIN, Membership.Role.OFFICE_STAFF)
UNIT_ROLES = (Membership.Role.UNIT_LEADER, Membership.Role.LIAISON)
REVIEWER_ROLES = (Membership.Role.CITY_REVIEWER, Membership.Role.PROVINCE_REVIEWER)


def _memberships(user):
    """(role, the unit's region id) of each of the user's memberships: one query, cached on the
    user object (one request's)."""
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = user._membership_cache = tuple(
            Membership.objects.filter(user=user).values_list("role", "unit__region")
        )
    return cached


def membership_roles(user):
    """The set of role codes the user holds in any unit, cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(role for role, _region in _memberships(user))


def role_regions(user, roles):
    """The regions of the units where the user holds one of `roles` (ids)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(region for role, region in _memberships(user) if role in roles)


def counties_within(region_ids):
    """The county-level regions in these regions (themselves if counties, a city's counties, a
    province's cities' counties): ids."""
    region_ids = list(region_ids)
    if not region_ids:
        return frozenset()
    return frozenset(
        Region.objects.filter(kind=Region.Kind.COUNTY)
        .filter(models.Q(pk__in=region_ids) | models.Q(parent__in=region_ids) | models.Q(parent__parent__in=region_ids))
        .values_list("pk", flat=True)
    )


def member_counties(user):
    """The counties whose campaigns the user works in or follows: where they hold an office or unit
    role, and the counties of the city they review for. Cached on the user."""
    cached = getattr(user, "_county_cache", None)
    if cached is None:
        own = role_regions(user, OFFICE_ROLES + UNIT_ROLES)
        # A city follows its counties' campaigns (read-only: their stage and figures); the province
        # sees only what its cities recommended (review/), not the counties' work.
        reviewed = role_regions(user, (Membership.Role.CITY_REVIEWER,))
        cached = frozenset(own) | (counties_within(reviewed) if reviewed else frozenset())
        user._county_cache = cached
    return cached


def membership_units(user, roles):
    """The units where the user holds one of `roles`."""
    return Unit.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def unit_people(unit, roles=(Membership.Role.LIAISON, Membership.Role.UNIT_LEADER)):
    """The active people of a unit in `roles` (by default its liaisons and leaders: who
    hears about its tasks)."""
    User = get_user_model()
    return list(User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True).distinct())


def office_people(region=None):
    """The office's active admins and staff (who hear about escalations): of one county when given."""
    User = get_user_model()
    people = User.objects.filter(memberships__role__in=OFFICE_ROLES, is_active=True)
    if region is not None:
        people = people.filter(memberships__unit__region=region)
    return list(people.distinct())


def city_reviewers(city_office):
    """The reviewers of a city office (who hear about a new submission)."""
    User = get_user_model()
    return list(User.objects.filter(memberships__unit=city_office, memberships__role=Membership.Role.CITY_REVIEWER))


def manageable_people(regions=None):
    """The accounts the office may manage: everyone but IT and the city's and province's reviewers;
    with `regions`, only the accounts homed in those counties (org.AccountHome)."""
    User = get_user_model()
    people = User.objects.filter(is_superuser=False).exclude(memberships__role__in=REVIEWER_ROLES)
    if regions is not None:
        # An account made outside the office (IT's admin, a first SSO login) has no home yet: it
        # counts as the deployment's default county's until its first role homes it.
        homed = models.Q(account_home__region__in=regions)
        if Region.objects.default_county().pk in regions:
            homed |= models.Q(account_home__isnull=True)
        people = people.filter(homed)
    return people
