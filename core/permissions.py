"""The one place that decides who may see and do what.

Views, services and selectors load objects only through this module.

Model:
- Permissions about a unit's work are Unit permissions ("campaign.view_unit_work",
  ...). Office roles hold them county-wide as global permissions (through one
  Django group per role); a unit's leader and liaison hold them on that Unit
  row only, through django-guardian.
- A row that belongs to a unit names the path to it in `permission_unit_path`
  ("unit", "assignment__unit", ...). A model without one carries its own object
  permissions (guardian on the row itself) or global ones.
- Outside a user's scope is a 404 (the object's existence is not leaked); in
  scope without the right permission is a 403.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

VIEW_UNIT_WORK = "campaign.view_unit_work"
CONTRIBUTE_UNIT_WORK = "campaign.contribute_unit_work"
SIGNOFF_UNIT_WORK = "campaign.signoff_unit_work"
REVIEW_UNIT_WORK = "campaign.review_unit_work"
MANAGE_CAMPAIGN = "campaign.change_campaign"
VIEW_AUDIT = "core.view_auditevent"
MANAGE_ASSIGNMENTS = "campaign.manage_assignments"
RECORD_CITY_REVIEW = "campaign.record_city_review"
MANAGE_PEOPLE = "campaign.change_membership"  # accounts and roles in the county: office admins

# Role -> permissions held county-wide (granted through the role's group).
ROLE_GLOBAL_PERMISSIONS = {
    "office_admin": [
        VIEW_UNIT_WORK,
        REVIEW_UNIT_WORK,
        MANAGE_CAMPAIGN,
        "campaign.add_campaign",
        "campaign.view_campaign",
        VIEW_AUDIT,
        MANAGE_ASSIGNMENTS,
        MANAGE_PEOPLE,
    ],
    "office_staff": [VIEW_UNIT_WORK, REVIEW_UNIT_WORK, "campaign.view_campaign", MANAGE_ASSIGNMENTS],
    "city_reviewer": [RECORD_CITY_REVIEW],
    "unit_leader": [],
    "liaison": [],
}
# Role -> permissions held on the member's own Unit row (guardian).
ROLE_UNIT_PERMISSIONS = {
    "office_admin": [],
    "office_staff": [],
    "city_reviewer": [],
    "unit_leader": [VIEW_UNIT_WORK, SIGNOFF_UNIT_WORK],
    "liaison": [VIEW_UNIT_WORK, CONTRIBUTE_UNIT_WORK],
}
OFFICE_ROLES = ("office_admin", "office_staff")


def _unit_model():
    from campaign.models import Unit

    return Unit


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


# Roles the county office hands out itself, and the kinds of unit each belongs to.
# City reviewers belong to the city office and are set up by IT.
GRANTABLE_ROLES = {
    "office_admin": ("office",),
    "office_staff": ("office",),
    "unit_leader": ("department", "township"),
    "liaison": ("department", "township"),
}
GRANTABLE_UNIT_KINDS = sorted({kind for kinds in GRANTABLE_ROLES.values() for kind in kinds})


def _anchor(obj):
    """The row a permission on `obj` is checked against: its unit, or itself."""
    path = getattr(type(obj), "permission_unit_path", None)
    if path is None:
        return obj
    target = obj
    for part in path.split("__"):
        target = getattr(target, part)
    return target


def has_perm(user, perm, obj=None):
    """True when the user holds `perm` county-wide, or on `obj`'s unit / `obj`."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.has_perm(perm):
        return True
    if obj is None:
        return False
    return user.has_perm(perm, _anchor(obj))


def scope(user, perm, queryset):
    """Narrow `queryset` to the rows the user may act on with `perm`."""
    if isinstance(queryset, type) and issubclass(queryset, Model):
        queryset = queryset._default_manager.all()
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.has_perm(perm):
        return queryset
    model = queryset.model
    path = getattr(model, "permission_unit_path", None)
    if path is None and model is not _unit_model():
        return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False, with_superuser=False)
    units = get_objects_for_user(
        user, perm, klass=_unit_model(), accept_global_perms=False, with_superuser=False
    ).values("pk")
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: units})


def require(user, queryset, perm, *, view_perm=VIEW_UNIT_WORK, **lookup):
    """Return the object matching `lookup` that the user may act on with `perm`.

    Not visible to the user (outside the `view_perm` scope) -> Http404.
    Visible but without `perm` -> PermissionDenied (403).
    """
    if isinstance(queryset, type) and issubclass(queryset, Model):
        queryset = queryset._default_manager.all()
    try:
        obj = scope(user, view_perm, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        # A malformed id is as unknown as a missing one.
        raise Http404 from None
    if perm != view_perm and not has_perm(user, perm, obj):
        raise PermissionDenied
    return obj


def require_global(user, perm):
    """For pages that are not about one object (lists, the audit page): 403 without `perm`."""
    if not has_perm(user, perm):
        raise PermissionDenied


def grant(user, perm, obj=None):
    assign_perm(perm, user, obj)


def revoke(user, perm, obj=None):
    remove_perm(perm, user, obj)


def grant_role(user, role, unit):
    """Give `user` what `role` in `unit` allows. Called by membership services only."""
    if ROLE_GLOBAL_PERMISSIONS[role]:
        user.groups.add(role_group(role))
    for perm in ROLE_UNIT_PERMISSIONS[role]:
        assign_perm(perm, user, unit)


def revoke_role(user, role, unit):
    """Take back what `role` in `unit` gave, keeping what other memberships still give."""
    from campaign.models import Membership

    others = Membership.objects.filter(user=user).exclude(unit=unit, role=role)
    if ROLE_GLOBAL_PERMISSIONS[role] and not others.filter(role=role).exists():
        user.groups.remove(role_group(role))
    still_needed = {
        perm for m in others.filter(unit=unit) for perm in ROLE_UNIT_PERMISSIONS[m.role]
    }
    for perm in ROLE_UNIT_PERMISSIONS[role]:
        if perm not in still_needed:
            remove_perm(perm, user, unit)


IMPORT_TABLES = MANAGE_CAMPAIGN  # office admins import tables; IT (superuser) too


def is_member(user):
    """Signed in and holding a role somewhere (or IT): may browse county-wide, non-confidential pages."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    from campaign.selectors import membership_roles

    return bool(membership_roles(user))


def require_member(user):
    if not is_member(user):
        raise PermissionDenied
