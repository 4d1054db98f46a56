"""The office admin's people management: accounts for the county's units and their roles.

Liaisons change often; the office adds the new one, gives the role, hands over a
temporary password and switches the old account off. Each operation checks the
actor's right, owns its transaction and writes the audit trail. City reviewers and
IT accounts are set up by IT in the admin site, never here.
"""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import permissions
from core.audit import audit_record

from .models import Membership, Unit
from .services import membership_create, membership_end

PERSON_FIELDS = ["username", "full_name", "phone", "email", "is_active"]


def temporary_password():
    """12 random characters people can read out over the phone (no 0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _n in range(12))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def manageable_people():
    """The accounts the office may manage: everyone but IT and the city's reviewers."""
    User = get_user_model()
    return User.objects.filter(is_superuser=False).exclude(memberships__role=Membership.Role.CITY_REVIEWER)


def _check_role(unit, role):
    kinds = permissions.GRANTABLE_ROLES.get(role)
    if kinds is None:
        raise ValidationError(_("The office cannot give this role; ask IT."))
    if unit.kind not in kinds or not unit.is_active:
        raise ValidationError(
            _("%(role)s is a role in %(kinds)s, not in %(unit)s.")
            % {"role": Membership.Role(role).label, "kinds": "、".join(str(Unit.Kind(k).label) for k in kinds), "unit": unit}
        )


def _require_manageable(person):
    if not manageable_people().filter(pk=person.pk).exists():
        raise PermissionDenied


@transaction.atomic
def person_create(*, by, username, full_name, unit, role, phone="", email=""):
    """A new account with its first role and a temporary password. Returns (user, password)."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    _check_role(unit, role)
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
    user = User(username=username, full_name=full_name.strip(), phone=phone.strip(), email=email.strip(), must_change_password=True)
    password = temporary_password()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():  # two admins adding the same name at once: one wins, the other is told
            user.save()
    except IntegrityError:
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username}) from None
    audit_record(actor=by, verb="created", obj=user, unit=unit,
                 after={"username": user.username, "full_name": user.full_name, "unit": unit.code, "role": role})
    membership_create(user=user, unit=unit, role=role, by=by)
    return user, password


@transaction.atomic
def person_grant(*, by, person, unit, role):
    """Give an account a (further) role in a unit."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    _require_manageable(person)
    _check_role(unit, role)
    if Membership.objects.filter(user=person, unit=unit, role=role).exists():
        raise ValidationError(_("%(person)s already has this role in %(unit)s.") % {"person": person, "unit": unit})
    return membership_create(user=person, unit=unit, role=role, by=by)


@transaction.atomic
def person_revoke(*, by, membership):
    """End one role; what the person's other roles give stays."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    _require_manageable(membership.user)
    if membership.role not in permissions.GRANTABLE_ROLES:
        raise ValidationError(_("The office cannot give this role; ask IT."))
    if membership.user_id == by.pk and membership.role == Membership.Role.OFFICE_ADMIN:
        raise ValidationError(_("You cannot take away your own office admin role."))
    membership_end(membership=membership, by=by)


@transaction.atomic
def person_set_active(*, by, person, active):
    """Switch an account off (it can no longer sign in; its trail stays) or on again."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    _require_manageable(person)
    if person.pk == by.pk:
        raise ValidationError(_("You cannot switch off your own account."))
    if person.is_active == active:
        return person
    get_user_model().objects.filter(pk=person.pk).update(is_active=active)
    audit_record(actor=by, verb="updated", obj=person, before={"is_active": person.is_active}, after={"is_active": active})
    person.is_active = active
    return person


@transaction.atomic
def person_reset_password(*, by, person):
    """A new temporary password for someone who forgot theirs. Returns it (shown once)."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    _require_manageable(person)
    password = temporary_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    audit_record(actor=by, verb="password_reset", obj=person)
    return password
