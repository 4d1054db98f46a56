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
- Outside a user's scope is a 404 (the object's existence is not leaked); in
  scope without the right permission is a 403.
"""

import contextlib

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Membership, Unit
from .selectors import manageable_people, membership_roles, membership_units

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


def can(user, perm, obj=None):
    """True when the user holds `perm` (or any one of a tuple of permissions) county-wide,
    or on `obj`'s unit / `obj`."""
    if not isinstance(perm, str):
        return any(can(user, p, obj) for p in perm)
    if not _active(user):
        return False
    if user.is_superuser or user.has_perm(perm):
        return True
    if obj is None:
        return False
    anchor = _anchor(obj)
    if perm.split(".", 1)[0] != anchor._meta.app_label:
        return False  # a right held county-wide only (e.g. campaign.manage_assignments): never per unit
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
    for name in ("_object_permission_checker", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        with contextlib.suppress(AttributeError):
            delattr(user, name)


def prefetch(user, objects):
    """Read the user's guardian permissions on these rows' units (or the rows) in two queries
    per model, for a list whose rows each ask can(): guardian's prefetch_perms."""
    if not _active(user) or user.is_superuser:
        return
    by_model = {}
    for obj in objects:
        anchor = _anchor(obj)
        by_model.setdefault(type(anchor), {})[anchor.pk] = anchor
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
    if user.is_superuser or user.has_perm(perm):
        return queryset
    model = queryset.model
    if getattr(model, "permission_open_to_members", False):
        return queryset if is_member(user) else queryset.none()
    city_path = getattr(model, "permission_city_path", None)
    if city_path is not None:
        # The city reviewer's scope: what is addressed to the city offices they review for.
        return queryset.filter(**{f"{city_path}__in": membership_units(user, [Role.CITY_REVIEWER])})
    path = getattr(model, "permission_unit_path", None)
    if path is None and model is not Unit:
        if perm.split(".", 1)[0] != model._meta.app_label:
            return queryset.none()  # a right about other rows (people managed by the office): county-wide holders only
        return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False, with_superuser=False)
    units = get_objects_for_user(user, perm, klass=Unit, accept_global_perms=False, with_superuser=False).values("pk")
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: units})


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
    if can(user, perm):
        return obj
    mine = set(restrict(user, VIEW_UNIT_WORK, Unit).values_list("code", flat=True))
    if not mine & set(obj.listed_unit_codes()):
        raise Http404
    return obj


def require_manageable(person):
    """The office manages its county's accounts; IT's and the city reviewers' are out of its reach."""
    if not manageable_people().filter(pk=person.pk).exists():
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
