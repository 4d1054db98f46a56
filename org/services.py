"""Operations on units, memberships and people. Each checks the actor's right where a
person acts, owns its transaction and writes the audit trail.

People (人员管理): liaisons change often; the office adds the new one, gives the role,
hands over a temporary password and switches the old account off. City reviewers and
IT accounts are set up by IT in the admin site, never here.
"""

import re
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import security, tables
from core.audit import audit_record, changed, snapshot
from core.tables import ImportRejected

from . import permissions
from .models import AccountHome, Membership, Unit

UNIT_FIELDS = ["code", "name", "short_name", "aliases", "kind", "category", "is_law_enforcement", "locality", "note"]


@transaction.atomic
def unit_upsert(*, code, by=None, **values):
    """Create the unit with `code`, or update it to `values`. Returns (unit, created). Codes are
    unique across the deployment: a code another county uses is refused, never taken over."""
    unit = Unit.objects.select_for_update().filter(code=code).first()
    region = values.get("region")
    if unit is not None and region is not None and unit.region_id != region.pk:
        raise ValidationError(_("The code %(code)s is used by a unit of another county.") % {"code": code})
    if unit is None:
        unit = Unit(code=code, **values)
        unit.full_clean()
        unit.save()
        audit_record(actor=by, verb="created", obj=unit, after=snapshot(unit, UNIT_FIELDS), unit=unit)
        return unit, True
    before = snapshot(unit, UNIT_FIELDS)
    for field, value in values.items():
        setattr(unit, field, value)
    old, new = changed(before, snapshot(unit, UNIT_FIELDS))
    if new:
        unit.full_clean()
        unit.save()
        audit_record(actor=by, verb="updated", obj=unit, before=old, after=new, unit=unit)
    return unit, False


@transaction.atomic
def membership_create(*, user, unit, role, by=None):
    """Make `user` a `role` of `unit` and grant what that role allows. Idempotent."""
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    AccountHome.objects.get_or_create(user=user, defaults={"region_id": unit.region_id})
    permissions.grant_role(user, role, unit)
    if created:
        audit_record(
            actor=by,
            verb="membership_granted",
            obj=user,
            after={"unit": unit.code, "role": role},
            unit=unit,
        )
    return membership


@transaction.atomic
def membership_end(*, membership, by=None):
    """End a membership and revoke what it gave (keeping what other memberships give)."""
    user, unit, role = membership.user, membership.unit, membership.role
    membership.delete()
    permissions.revoke_role(user, role, unit)
    audit_record(actor=by, verb="membership_revoked", obj=user, before={"unit": unit.code, "role": role}, unit=unit)


UNIT_HEADERS = {
    "code": ["code", "编码", "单位编码", "代码"],
    "name": ["name", "名称", "单位名称", "单位全称"],
    "short_name": ["short_name", "简称", "单位简称"],
    "kind": ["type", "kind", "类型", "单位类型"],
    "category": ["category", "类别"],
    "law_enforcement": ["law_enforcement", "行政执法部门", "执法部门"],
    "aliases": ["aliases", "别名"],
    "locality": ["locality", "region", "区域", "地区"],
    "note": ["note", "备注"],
}
UNIT_KIND_WORDS = {
    "department": Unit.Kind.DEPARTMENT,
    "部门": Unit.Kind.DEPARTMENT,
    "县直部门": Unit.Kind.DEPARTMENT,
    "township": Unit.Kind.TOWNSHIP,
    "乡镇": Unit.Kind.TOWNSHIP,
    "街道": Unit.Kind.TOWNSHIP,
    "乡镇(街道)": Unit.Kind.TOWNSHIP,
    "镇": Unit.Kind.TOWNSHIP,
    "乡": Unit.Kind.TOWNSHIP,
    "office": Unit.Kind.OFFICE,
    "依法治县办": Unit.Kind.OFFICE,
    "city_office": Unit.Kind.CITY_OFFICE,
    "市委依法治市办": Unit.Kind.CITY_OFFICE,
}
_TRUE_WORDS = {"1", "true", "yes", "是", "y"}
_FALSE_WORDS = {"", "0", "false", "no", "否", "n"}


def units_from_grid(grid):
    """Rows of a units table as upsert values, plus row-numbered errors. Writes nothing."""
    index = {tables.norm_key(s): key for key, synonyms in UNIT_HEADERS.items() for s in synonyms}
    header_at, columns = None, {}
    for r, row in enumerate(grid.rows[: tables.HEADER_SEARCH_ROWS]):
        found = {}
        for c, value in enumerate(row):
            key = index.get(tables.norm_key(value))
            if key and key not in found:
                found[key] = c
        if {"code", "name"} <= set(found):
            header_at, columns = r, found
            break
    if header_at is None:
        raise tables.TableError(_("No header row with a code column and a name column was found."))
    values, errors, seen = [], [], {}
    for r in range(header_at + 1, len(grid.rows)):
        row = grid.rows[r] + [None] * 20

        def cell(key, row=row):
            return tables.clean_text(row[columns[key]]) if key in columns else ""

        if not any(tables.clean_text(v) for v in grid.rows[r]):
            continue
        number = r + 1
        code, name = cell("code"), cell("name")
        problems = []
        if not code:
            problems.append(tables.CellError(number, "code", _("empty")))
        if not name:
            problems.append(tables.CellError(number, "name", _("empty")))
        kind = UNIT_KIND_WORDS.get(tables.norm_key(cell("kind")) or "department")
        if kind is None:
            problems.append(
                tables.CellError(number, "type", _("%(value)s is not a unit type") % {"value": cell("kind")})
            )
        flag = tables.norm_key(cell("law_enforcement"))
        if flag not in _TRUE_WORDS | _FALSE_WORDS:
            problems.append(tables.CellError(number, "law_enforcement", _("%(value)s is not yes/no") % {"value": flag}))
        if code in seen:
            problems.append(
                tables.CellError(
                    number, "code", _("%(code)s already given on row %(other)s") % {"code": code, "other": seen[code]}
                )
            )
        seen[code] = number
        if problems:
            errors.extend(problems)
            continue
        values.append(
            {
                "code": code[:20],
                "name": name[:100],
                "short_name": cell("short_name")[:50],
                "kind": kind,
                "category": cell("category")[:50],
                "is_law_enforcement": flag in _TRUE_WORDS,
                "aliases": [a for a in re.split(r"[、,，;；]+", cell("aliases")) if a],
                "locality": cell("locality")[:100],
                "note": cell("note")[:255],
                "_row": number,
            }
        )
    return values, errors


@transaction.atomic
def units_import(*, data=None, grid=None, by=None, region=None):
    """Create or update units from a table (its bytes, or the grid read from them), all or
    nothing, in `region` (the importer's county by default). Returns (created, updated)."""
    region = region or permissions.working_county(by)
    rows, errors = units_from_grid(grid if grid is not None else tables.load_grid(data))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    for values in rows:
        number = values.pop("_row")
        try:
            _unit, was_created = unit_upsert(by=by, region=region, **values)
        except ValidationError as exc:
            raise ImportRejected([tables.CellError(number, "", "; ".join(exc.messages))]) from exc
        created += was_created
        updated += not was_created
    return created, updated


# --- people ----------------------------------------------------------------------------


def temporary_password():
    """12 random characters people can read out over the phone (no 0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _n in range(12))
        # Upper, lower and digits: the password policy's three character classes.
        if (
            any(c.isdigit() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
        ):
            return candidate


def _check_role(unit, role):
    kinds = permissions.GRANTABLE_ROLES.get(role)
    if kinds is None:
        raise ValidationError(_("The office cannot give this role; ask IT."))
    if unit.kind not in kinds or not unit.is_active:
        raise ValidationError(
            _("%(role)s is a role in %(kinds)s, not in %(unit)s.")
            % {
                "role": Membership.Role(role).label,
                "kinds": "、".join(str(Unit.Kind(k).label) for k in kinds),
                "unit": unit,
            }
        )


@transaction.atomic
def person_create(*, by, username, full_name, unit, role, phone="", email=""):
    """A new account with its first role and a temporary password. Returns (user, password)."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_perm(by, permissions.MANAGE_PEOPLE, unit)  # a unit of the admin's own county
    _check_role(unit, role)
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        must_change_password=True,
    )
    password = temporary_password()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():  # two admins adding the same name at once: one wins, the other is told
            user.save()
    except IntegrityError:
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username}) from None
    audit_record(
        actor=by,
        verb="created",
        obj=user,
        unit=unit,
        after={"username": user.username, "full_name": user.full_name, "unit": unit.code, "role": role},
    )
    membership_create(user=user, unit=unit, role=role, by=by)
    return user, password


@transaction.atomic
def person_grant(*, by, person, unit, role):
    """Give an account a (further) role in a unit."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_manageable(by, person)
    permissions.require_perm(by, permissions.MANAGE_PEOPLE, unit)
    _check_role(unit, role)
    if Membership.objects.filter(user=person, unit=unit, role=role).exists():
        raise ValidationError(_("%(person)s already has this role in %(unit)s.") % {"person": person, "unit": unit})
    return membership_create(user=person, unit=unit, role=role, by=by)


@transaction.atomic
def person_revoke(*, by, membership):
    """End one role; what the person's other roles give stays."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_manageable(by, membership.user)
    if membership.role not in permissions.GRANTABLE_ROLES:
        raise ValidationError(_("The office cannot give this role; ask IT."))
    if membership.user_id == by.pk and membership.role == Membership.Role.OFFICE_ADMIN:
        raise ValidationError(_("You cannot take away your own office admin role."))
    membership_end(membership=membership, by=by)


@transaction.atomic
def person_set_active(*, by, person, active):
    """Switch an account off (it can no longer sign in; its trail stays) or on again."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_manageable(by, person)
    if person.pk == by.pk:
        raise ValidationError(_("You cannot switch off your own account."))
    if person.is_active == active:
        return person
    get_user_model().objects.filter(pk=person.pk).update(is_active=active)
    if not active:
        security.sessions_end_all(person)
    audit_record(
        actor=by, verb="updated", obj=person, before={"is_active": person.is_active}, after={"is_active": active}
    )
    person.is_active = active
    return person


@transaction.atomic
def person_reset_password(*, by, person):
    """A new temporary password for someone who forgot theirs. Returns it (shown once)."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_manageable(by, person)
    password = temporary_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    audit_record(actor=by, verb="password_reset", obj=person)
    return password


@transaction.atomic
def person_otp_reset(*, by, person, request=None):
    """Remove a person's second factor (a lost phone): they enrol again at their next login.
    Their sessions end with it."""
    permissions.require_global(by, permissions.MANAGE_PEOPLE)
    permissions.require_manageable(by, person)
    security.otp_remove(user=person, by=by, verb="otp_reset", request=request)
    security.sessions_end_all(person)
