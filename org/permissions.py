"""The one place that decides who may see and do what.

Views, services and selectors load objects only through this module: `restrict()`
narrows a queryset to what the user may act on (NetBox's RestrictedQuerySet idea),
`require()` returns one object or raises 404/403, `can()` answers a yes/no for a
page's buttons, `require_global()` guards pages that are not about one object.

Model:
- Permissions about a unit's work are Unit permissions ("org.view_unit_work", ...).
  Office roles hold them county-wide as global permissions (through one Django
  group per role); a unit's leader and liaison hold them on that Unit row only,
  through django-guardian.
- A model declares how its rows are scoped:
  - `permission_unit_path` ("unit", "assignment__unit", ...): the unit that owns
    the row; its people see it, county-wide holders see all;
  - `permission_city_path` ("city_office"): a city office's reviewers see the rows
    addressed to it, county-wide holders see all;
  - `permission_open_to_members = True`: every member of the county sees every row
    (campaigns, the indicator system);
  - none of these: the row carries its own guardian permissions, or only
    county-wide holders see it.
- Regions (issue 14): "county-wide" means within the county of the role. Office roles
  reach the county of their office's unit; a city reviewer's county-wide rights reach the
  counties of their city. Every scoped row reaches a region: through its unit
  (`permission_unit_path` + "__region"), its campaign ("campaign__region") or an explicit
  `permission_region_path`; rows with none (the national indicator system) are shared.
  One deployment may serve one county (nothing to set up), a city or a province.
- Outside a user's scope is a 404 (the object's existence is not leaked); in
  scope without the right permission is a 403.
"""

import contextlib

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Membership, Region, Unit
from .selectors import (
    OFFICE_ROLES,
    REVIEWER_ROLES,
    counties_within,
    manageable_people,
    member_counties,
    membership_roles,
    membership_units,
    role_regions,
)

Role = Membership.Role

VIEW_UNIT_WORK = "org.view_unit_work"
CONTRIBUTE_UNIT_WORK = "org.contribute_unit_work"
SIGNOFF_UNIT_WORK = "org.signoff_unit_work"
REVIEW_UNIT_WORK = "org.review_unit_work"
MANAGE_PEOPLE = "org.change_membership"  # accounts and roles in the county: office admins
MANAGE_CAMPAIGN = "campaign.change_campaign"
ADD_CAMPAIGN = "campaign.add_campaign"
VIEW_CAMPAIGN = "campaign.view_campaign"
MANAGE_ASSIGNMENTS = "campaign.manage_assignments"
RECORD_CITY_REVIEW = "campaign.record_city_review"
# The province office's 省级初审 and 择优推荐 (declared on review.Decision).
RECORD_PROVINCE_REVIEW = "review.record_province_review"
VIEW_AUDIT = "core.view_auditevent"
IMPORT_TABLES = MANAGE_CAMPAIGN  # office admins import tables; IT (superuser) too
# The report (README, Roles and access): office admins and staff write its texts and compile the
# report, the package and the workbook (staff "compile reports", DESIGN.md); only an office admin
# submits to the city, which freezes what was compiled and moves the campaign's stage.
COMPILE_REPORTS = REVIEW_UNIT_WORK
SUBMIT_TO_CITY = MANAGE_CAMPAIGN

# Role -> permissions held county-wide (granted through the role's group).
ROLE_GLOBAL_PERMISSIONS = {
    Role.OFFICE_ADMIN: [
        VIEW_UNIT_WORK,
        REVIEW_UNIT_WORK,
        MANAGE_CAMPAIGN,
        ADD_CAMPAIGN,
        VIEW_CAMPAIGN,
        VIEW_AUDIT,
        MANAGE_ASSIGNMENTS,
        MANAGE_PEOPLE,
    ],
    Role.OFFICE_STAFF: [VIEW_UNIT_WORK, REVIEW_UNIT_WORK, VIEW_CAMPAIGN, MANAGE_ASSIGNMENTS],
    Role.CITY_REVIEWER: [RECORD_CITY_REVIEW],
    # The province's 省级初审 and 择优推荐 (review/, issue 14).
    Role.PROVINCE_REVIEWER: [RECORD_PROVINCE_REVIEW],
    Role.UNIT_LEADER: [],
    Role.LIAISON: [],
}
# Role -> permissions held on the member's own Unit row (guardian).
ROLE_UNIT_PERMISSIONS = {
    Role.OFFICE_ADMIN: [],
    Role.OFFICE_STAFF: [],
    Role.CITY_REVIEWER: [],
    Role.PROVINCE_REVIEWER: [],
    Role.UNIT_LEADER: [VIEW_UNIT_WORK, SIGNOFF_UNIT_WORK],
    Role.LIAISON: [VIEW_UNIT_WORK, CONTRIBUTE_UNIT_WORK],
}

# Roles the county office hands out itself, and the kinds of unit each belongs to.
# City reviewers belong to the city office and are set up by IT.
GRANTABLE_ROLES = {
    Role.OFFICE_ADMIN: (Unit.Kind.OFFICE,),
    Role.OFFICE_STAFF: (Unit.Kind.OFFICE,),
    Role.UNIT_LEADER: (Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP),
    Role.LIAISON: (Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP),
}
GRANTABLE_UNIT_KINDS = sorted({kind for kinds in GRANTABLE_ROLES.values() for kind in kinds})


def _permission(perm):
    app_label, codename = perm.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_group(role):
    """The group that carries a role's county-wide permissions, kept in step with
    ROLE_GLOBAL_PERMISSIONS each time a membership is granted."""
    group, _created = Group.objects.get_or_create(name=f"role:{role}")
    wanted = {_permission(p) for p in ROLE_GLOBAL_PERMISSIONS[role]}
    if set(group.permissions.all()) != wanted:
        group.permissions.set(wanted)
    return group


def sync_role_groups():
    """Bring every existing role group in line with ROLE_GLOBAL_PERMISSIONS (run after
    each migrate, so a permission added to a role reaches the people who hold it)."""
    for role in ROLE_GLOBAL_PERMISSIONS:
        if Group.objects.filter(name=f"role:{role}").exists():
            role_group(role)


def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def _anchor(obj):
    """The row a permission on `obj` is checked against: its unit, or itself."""
    path = getattr(type(obj), "permission_unit_path", None)
    if path is None:
        return obj
    target = obj
    for part in path.split("__"):
        target = getattr(target, part)
    return target


def region_path(model):
    """The lookup from a row of `model` to the county it belongs to, or None for rows shared by
    every county (the national indicator system)."""
    explicit = getattr(model, "permission_region_path", None)
    if explicit is not None:
        return explicit
    if model is Region:
        return "pk"
    if model is Unit:
        return "region"
    unit_path = getattr(model, "permission_unit_path", None)
    if unit_path:
        return f"{unit_path}__region"
    if any(f.name == "campaign" and f.is_relation for f in model._meta.fields):
        return "campaign__region"
    return None


def reach(user, perm):
    """The counties (ids) where the user holds `perm` county-wide through a role: the county of an
    office role, the counties of a city (or province) a reviewer role is held for. Cached on the user."""
    cache = getattr(user, "_reach_cache", None)
    if cache is None:
        cache = user._reach_cache = {}
    if perm not in cache:
        roles = {role for role, perms in ROLE_GLOBAL_PERMISSIONS.items() if perm in perms}
        own = role_regions(user, roles & set(OFFICE_ROLES))
        reviewed = role_regions(user, roles & set(REVIEWER_ROLES))
        cache[perm] = frozenset(own) | counties_within(reviewed)
    return cache[perm]


def _region_id(user, obj):
    """The county `obj` belongs to (id), or None for a shared row. Reads what the row (or its unit,
    which lists load anyway for prefetch()) already holds; a campaign's county is looked up once per
    campaign and request."""
    model = type(obj)
    if model is Region:
        return obj.pk
    if model is Unit or hasattr(obj, "region_id") and not getattr(model, "permission_region_path", None):
        return obj.region_id
    if getattr(model, "permission_unit_path", None) and not getattr(model, "permission_region_path", None):
        return _anchor(obj).region_id
    path = region_path(model)
    if path is None:
        return None
    if path == "campaign__region":
        cache = getattr(user, "_campaign_region_cache", None)
        if cache is None:
            cache = user._campaign_region_cache = {}
        if obj.campaign_id not in cache:
            from django.apps import apps  # campaign/ is a floor above org/: its model by name, not by import

            model = apps.get_model("campaign", "Campaign")
            cache[obj.campaign_id] = model.objects.filter(pk=obj.campaign_id).values_list("region", flat=True).first()
        return cache[obj.campaign_id]
    target = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part)
    return getattr(target, f"{parts[-1]}_id", None) if parts[-1] != "pk" else target.pk


def _held_here(user, perm, obj):
    """`perm` held county-wide, and (for an object) in the object's county."""
    if not user.has_perm(perm):
        return False
    if obj is None:
        return True
    region = _region_id(user, obj)
    return region is None or region in reach(user, perm)


def can(user, perm, obj=None):
    """True when the user holds `perm` (or any one of a tuple of permissions) county-wide in
    `obj`'s county, or on `obj`'s unit / `obj`."""
    if not isinstance(perm, str):
        return any(can(user, p, obj) for p in perm)
    if not _active(user):
        return False
    if user.is_superuser or _held_here(user, perm, obj):
        return True
    if obj is None:
        return False
    anchor = _anchor(obj)
    if perm.split(".", 1)[0] != anchor._meta.app_label:
        return False  # a right held county-wide only (e.g. campaign.manage_assignments): never per unit
    if isinstance(anchor, Unit):
        return anchor.pk in _unit_grants(user).get(perm, ())
    return _checker(user).has_perm(perm, anchor)


def _checker(user):
    """guardian's per-object permission cache, kept on this user object (one request's): a page
    that asks about the same unit several times (the share page's buttons, its moves) reads its
    permissions once. guardian's backend behind user.has_perm() makes a new checker, so two
    queries, on every call."""
    checker = getattr(user, "_object_permission_checker", None)
    if checker is None:
        checker = user._object_permission_checker = ObjectPermissionChecker(user)
    return checker


def _forget(user):
    """After a grant or a revoke: the next can() reads the permissions again."""
    for name in (
        "_object_permission_checker",
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
        "_membership_cache",
        "_county_cache",
        "_reach_cache",
        "_campaign_region_cache",
        "_unit_grants_cache",
    ):
        with contextlib.suppress(AttributeError):
            delattr(user, name)


def prefetch(user, objects):
    """For a list whose rows each ask can(): the user's grants on units are read at once
    (_unit_grants); rows granted on themselves, not through a unit, get guardian's
    prefetch_perms (two queries per model)."""
    if not _active(user) or user.is_superuser:
        return
    _unit_grants(user)
    by_model = {}
    for obj in objects:
        if not isinstance(obj, Unit) and getattr(type(obj), "permission_unit_path", None) is None:
            by_model.setdefault(type(obj), {})[obj.pk] = obj
    checker = _checker(user)
    for rows in by_model.values():
        checker.prefetch_perms(list(rows.values()))


def _queryset(queryset):
    if isinstance(queryset, type) and issubclass(queryset, Model):
        return queryset._default_manager.all()
    return queryset


def restrict(user, perm, queryset):
    """Narrow `queryset` (or a model's rows) to those the user may act on with `perm`."""
    queryset = _queryset(queryset)
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    model = queryset.model
    if user.has_perm(perm):
        path = region_path(model)
        return queryset if path is None else queryset.filter(**{f"{path}__in": reach(user, perm)})
    if getattr(model, "permission_open_to_members", False):
        if not is_member(user):
            return queryset.none()
        path = region_path(model)
        return queryset if path is None else queryset.filter(**{f"{path}__in": member_counties(user)})
    city_path = getattr(model, "permission_city_path", None)
    if city_path is not None:
        # The city reviewer's scope: what is addressed to the city offices they review for.
        return queryset.filter(**{f"{city_path}__in": membership_units(user, [Role.CITY_REVIEWER])})
    path = getattr(model, "permission_unit_path", None)
    if path is None and model is not Unit:
        if perm.split(".", 1)[0] != model._meta.app_label:
            return queryset.none()  # a right about other rows (people managed by the office): county-wide holders only
        return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False, with_superuser=False)
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: _granted_units(user, perm)})


def _granted_units(user, perm):
    """The ids of the units on which the user holds `perm` by a grant, as a sorted list for a
    query's IN (see _unit_grants)."""
    return sorted(_unit_grants(user).get(perm, ()))


def _unit_grants(user):
    """{perm: ids of the units it is granted on} for the user's guardian grants on units (their
    own and their groups'), read in one query per user object (one request's). Written here, not
    taken from guardian, because its get_objects_for_user is one query per permission and, as a
    subquery, its joins made PostgreSQL plan a share page's lookup for 3 ms to run it in 0.2
    (measured at 20x); its ObjectPermissionChecker is two more queries per unit asked about."""
    grants = getattr(user, "_unit_grants_cache", None)
    if grants is None:
        unit_type = ContentType.objects.get_for_model(Unit)
        fields = ("permission__codename", "object_pk")
        own = UserObjectPermission.objects.filter(user=user, content_type=unit_type).values_list(*fields)
        via_groups = GroupObjectPermission.objects.filter(group__user=user, content_type=unit_type)
        grants = user._unit_grants_cache = {}
        to_pk = Unit._meta.pk.to_python
        for codename, pk in own.union(via_groups.values_list(*fields), all=True):
            grants.setdefault(f"{Unit._meta.app_label}.{codename}", set()).add(to_pk(pk))
    return grants


def require(user, queryset, perm=VIEW_UNIT_WORK, *, view_perm=VIEW_UNIT_WORK, **lookup):
    """Return the object matching `lookup` that the user may act on with `perm`.

    Not visible to the user (outside the `view_perm` scope) -> Http404.
    Visible but without `perm` -> PermissionDenied (403).
    """
    queryset = _queryset(queryset)
    try:
        obj = restrict(user, view_perm, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        # A malformed id is as unknown as a missing one.
        raise Http404 from None
    if perm != view_perm and not can(user, perm, obj):
        raise PermissionDenied
    return obj


def require_perm(user, perm, obj=None):
    """For services: PermissionDenied unless the user may act with `perm` (or with any one of
    a tuple of permissions) on `obj`."""
    if not can(user, perm, obj):
        raise PermissionDenied


def working_county(user):
    """The county a person's office work is in (where new units, people and campaigns go): the
    county of their office role; for IT, or anyone without one, the deployment's default county."""
    regions = role_regions(user, OFFICE_ROLES) if _active(user) else ()
    if regions:
        county = Region.objects.filter(pk__in=regions).order_by("code").first()
        if county is not None:
            return county
    return Region.objects.default_county()


def unit_choices(request):
    """The units a filter's drop-down offers: those whose work the user sees (django-filter calls
    this with the request the filter set was given; none without one)."""
    if request is None:
        return Unit.objects.none()
    return restrict(request.user, VIEW_UNIT_WORK, Unit).order_by("code")


def require_unit_scope(user):
    """The units whose work the user sees (all, for the office); 403 for someone who sees none
    (the city's reviewers, IT without a role)."""
    units = restrict(user, VIEW_UNIT_WORK, Unit)
    if not units.exists():
        raise PermissionDenied
    return units


def require_global(user, perm):
    """For pages that are not about one object (lists, the audit page): 403 without `perm`."""
    require_perm(user, perm)


def require_listed(user, queryset, perm, **lookup):
    """A row that names the units it concerns (`listed_unit_codes()`, e.g. a formal notice):
    county-wide holders of `perm` see it, and so do the people of a listed unit. Else 404."""
    queryset = _queryset(queryset)
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if can(user, perm, obj):
        return obj
    if _region_id(user, obj) not in member_counties(user):
        raise Http404
    mine = set(restrict(user, VIEW_UNIT_WORK, Unit).values_list("code", flat=True))
    if not mine & set(obj.listed_unit_codes()):
        raise Http404
    return obj


def people_scope(user):
    """The accounts `user` may manage: IT all but IT's; an office admin those homed in their county."""
    if user.is_superuser:
        return manageable_people()
    return manageable_people(regions=reach(user, MANAGE_PEOPLE))


def audit_scope(user, events):
    """The audit events `user` may read: IT all; an office admin those about units of their county,
    and those without a unit (sign-ins, password changes) by accounts homed there."""
    if user.is_superuser:
        return events
    if not _active(user) or not user.has_perm(VIEW_AUDIT):
        return events.none()
    counties = reach(user, VIEW_AUDIT)
    return events.filter(Q(unit__region__in=counties) | Q(unit__isnull=True, actor__account_home__region__in=counties))


def require_manageable(user, person):
    """The office manages its county's accounts; IT's, the reviewers' and other counties' are out
    of its reach (views answer 404 before this: they load people through people_scope)."""
    if not people_scope(user).filter(pk=person.pk).exists():
        raise PermissionDenied


def grant(user, perm, obj=None):
    assign_perm(perm, user, obj)
    _forget(user)


def revoke(user, perm, obj=None):
    remove_perm(perm, user, obj)
    _forget(user)


def grant_role(user, role, unit):
    """Give `user` what `role` in `unit` allows. Called by membership services only."""
    if ROLE_GLOBAL_PERMISSIONS[role]:
        user.groups.add(role_group(role))
    for perm in ROLE_UNIT_PERMISSIONS[role]:
        assign_perm(perm, user, unit)
    _forget(user)


def revoke_role(user, role, unit):
    """Take back what `role` in `unit` gave, keeping what other memberships still give."""
    others = Membership.objects.filter(user=user).exclude(unit=unit, role=role)
    if ROLE_GLOBAL_PERMISSIONS[role] and not others.filter(role=role).exists():
        user.groups.remove(role_group(role))
    still_needed = {perm for m in others.filter(unit=unit) for perm in ROLE_UNIT_PERMISSIONS[m.role]}
    for perm in ROLE_UNIT_PERMISSIONS[role]:
        if perm not in still_needed:
            remove_perm(perm, user, unit)
    _forget(user)


def is_member(user):
    """Signed in and holding a role somewhere (or IT): may browse county-wide, non-confidential pages."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return bool(membership_roles(user))


def require_member(user):
    if not is_member(user):
        raise PermissionDenied
