"""Operations on units, memberships and campaigns. Each owns its transaction and audit."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from core import permissions
from core.audit import audit_record, changed, snapshot

from .models import Campaign, Membership, Unit

UNIT_FIELDS = ["code", "name", "short_name", "aliases", "kind", "category", "is_law_enforcement", "region", "note"]
CAMPAIGN_FIELDS = ["county", "name", "slug", "kind", "single_item_title", "focus_areas", "framework", "threshold", "city_office", "stage"]


@transaction.atomic
def unit_upsert(*, code, by=None, **values):
    """Create the unit with `code`, or update it to `values`. Returns (unit, created)."""
    unit = Unit.objects.select_for_update().filter(code=code).first()
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
    audit_record(
        actor=by, verb="membership_revoked", obj=user, before={"unit": unit.code, "role": role}, unit=unit
    )


@transaction.atomic
def campaign_create(*, by, **values):
    """Create a campaign; its framework is frozen from now on (re-imports make new versions)."""
    from indicators.services import framework_freeze

    from django.utils import timezone

    from .models import CampaignStageEvent

    campaign = Campaign(**values)
    campaign.full_clean()
    campaign.save()
    if campaign.framework is not None:
        framework_freeze(campaign.framework)
    CampaignStageEvent.objects.create(campaign=campaign, to_stage=campaign.stage, effective_on=timezone.localdate(), by=by)
    audit_record(actor=by, verb="created", obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS))
    return campaign


UNIT_HEADERS = {
    "code": ["code", "编码", "单位编码", "代码"],
    "name": ["name", "名称", "单位名称", "单位全称"],
    "short_name": ["short_name", "简称", "单位简称"],
    "kind": ["type", "kind", "类型", "单位类型"],
    "category": ["category", "类别"],
    "law_enforcement": ["law_enforcement", "行政执法部门", "执法部门"],
    "aliases": ["aliases", "别名"],
    "region": ["region", "区域"],
    "note": ["note", "备注"],
}
UNIT_KIND_WORDS = {
    "department": Unit.Kind.DEPARTMENT, "部门": Unit.Kind.DEPARTMENT, "县直部门": Unit.Kind.DEPARTMENT,
    "township": Unit.Kind.TOWNSHIP, "乡镇": Unit.Kind.TOWNSHIP, "街道": Unit.Kind.TOWNSHIP,
    "乡镇(街道)": Unit.Kind.TOWNSHIP, "镇": Unit.Kind.TOWNSHIP, "乡": Unit.Kind.TOWNSHIP,
    "office": Unit.Kind.OFFICE, "依法治县办": Unit.Kind.OFFICE,
    "city_office": Unit.Kind.CITY_OFFICE, "市委依法治市办": Unit.Kind.CITY_OFFICE,
}
_TRUE_WORDS = {"1", "true", "yes", "是", "y"}
_FALSE_WORDS = {"", "0", "false", "no", "否", "n"}


def units_from_grid(grid):
    """Rows of a units table as upsert values, plus row-numbered errors. Writes nothing."""
    from indicators import tables

    index = {tables.norm_key(s): key for key, synonyms in UNIT_HEADERS.items() for s in synonyms}
    header_at, columns = None, {}
    for r, row in enumerate(grid.rows[:tables.HEADER_SEARCH_ROWS]):
        found = {}
        for c, value in enumerate(row):
            key = index.get(tables.norm_key(value))
            if key and key not in found:
                found[key] = c
        if {"code", "name"} <= set(found):
            header_at, columns = r, found
            break
    if header_at is None:
        raise tables.TableError(_("No header row with the columns code and name (编码、名称) was found."))
    values, errors, seen = [], [], {}
    for r in range(header_at + 1, len(grid.rows)):
        row = grid.rows[r] + [None] * 20

        def cell(key):
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
            problems.append(tables.CellError(number, "type", _("%(value)s is not a unit type") % {"value": cell("kind")}))
        flag = tables.norm_key(cell("law_enforcement"))
        if flag not in _TRUE_WORDS | _FALSE_WORDS:
            problems.append(tables.CellError(number, "law_enforcement", _("%(value)s is not yes/no") % {"value": flag}))
        if code in seen:
            problems.append(tables.CellError(number, "code", _("%(code)s already given on row %(other)s") % {"code": code, "other": seen[code]}))
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
                "region": cell("region")[:100],
                "note": cell("note")[:255],
                "_row": number,
            }
        )
    return values, errors


@transaction.atomic
def units_import(*, data, by=None):
    """Create or update units from a table's bytes, all or nothing. Returns (created, updated)."""
    from django.core.exceptions import ValidationError

    from indicators import tables
    from indicators.services import ImportRejected

    rows, errors = units_from_grid(tables.load_grid(data))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    for values in rows:
        number = values.pop("_row")
        try:
            _unit, was_created = unit_upsert(by=by, **values)
        except ValidationError as exc:
            raise ImportRejected([tables.CellError(number, "", "; ".join(exc.messages))]) from exc
        created += was_created
        updated += not was_created
    return created, updated


# --- stages ------------------------------------------------------------------------------

_S = Campaign.Stage
# Allowed moves and the permission each needs. Batches skip stages, so some moves
# jump ahead; a step back corrects a mistaken move. Nothing else is allowed.
STAGE_TRANSITIONS = {
    (_S.PREPARATION, _S.SELF_ASSESSMENT): permissions.MANAGE_CAMPAIGN,
    (_S.PREPARATION, _S.DECLARED): permissions.MANAGE_CAMPAIGN,
    (_S.SELF_ASSESSMENT, _S.PREPARATION): permissions.MANAGE_CAMPAIGN,
    (_S.SELF_ASSESSMENT, _S.DECLARED): permissions.MANAGE_CAMPAIGN,
    (_S.DECLARED, _S.SELF_ASSESSMENT): permissions.MANAGE_CAMPAIGN,  # withdrawn to rework
    # The city's initial review: recorded by the city reviewer or, on its word, the office.
    (_S.DECLARED, _S.RECOMMENDED): (permissions.RECORD_CITY_REVIEW, permissions.MANAGE_CAMPAIGN),
    (_S.DECLARED, _S.NOT_NAMED): (permissions.RECORD_CITY_REVIEW, permissions.MANAGE_CAMPAIGN),
    (_S.RECOMMENDED, _S.INSPECTION): permissions.MANAGE_CAMPAIGN,
    (_S.RECOMMENDED, _S.PUBLICISED): permissions.MANAGE_CAMPAIGN,
    (_S.RECOMMENDED, _S.NOT_NAMED): permissions.MANAGE_CAMPAIGN,
    (_S.INSPECTION, _S.PUBLICISED): permissions.MANAGE_CAMPAIGN,
    (_S.INSPECTION, _S.NOT_NAMED): permissions.MANAGE_CAMPAIGN,
    (_S.PUBLICISED, _S.NAMED): permissions.MANAGE_CAMPAIGN,
    (_S.PUBLICISED, _S.NOT_NAMED): permissions.MANAGE_CAMPAIGN,
}


def stage_moves_from(campaign):
    """The stages the table allows from the campaign's stage now, whoever asks."""
    return [to for (frm, to) in STAGE_TRANSITIONS if frm == campaign.stage]


def stage_moves_for(campaign, user):
    """The stages this user may move the campaign to now."""
    return [
        to for (frm, to), perms in STAGE_TRANSITIONS.items()
        if frm == campaign.stage and _may(user, perms, campaign)
    ]


def _may(user, perms, obj):
    perms = (perms,) if isinstance(perms, str) else perms
    return any(permissions.has_perm(user, p, obj) for p in perms)


@transaction.atomic
def campaign_move_stage(*, campaign, to_stage, by, effective_on=None, note=""):
    """Move a campaign to another stage, if the table allows it and the user may."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from .models import CampaignStageEvent

    rule = STAGE_TRANSITIONS.get((campaign.stage, to_stage))
    if rule is None:
        raise ValidationError(
            _("A campaign cannot move from %(a)s to %(b)s.")
            % {"a": Campaign.Stage(campaign.stage).label, "b": Campaign.Stage(to_stage).label}
        )
    if not _may(by, rule, campaign):
        raise PermissionDenied
    if to_stage == Campaign.Stage.INSPECTION:
        from .assessments import open_rectifications

        still_open = open_rectifications(campaign).count()
        if still_open:
            raise ValidationError(
                _("%(n)s rectification item(s) are still open: inspection readiness needs them closed.") % {"n": still_open}
            )
    # Compare-and-set: two people moving the same campaign at once cannot both win.
    moved = Campaign.objects.filter(pk=campaign.pk, stage=campaign.stage).update(stage=to_stage, updated_at=timezone.now())
    if not moved:
        raise ValidationError(_("Someone else changed the stage meanwhile; reload the page."))
    event = CampaignStageEvent.objects.create(
        campaign=campaign, from_stage=campaign.stage, to_stage=to_stage,
        effective_on=effective_on or timezone.localdate(), note=note[:500], by=by,
    )
    audit_record(actor=by, verb="stage_changed", obj=campaign, before={"stage": campaign.stage}, after={"stage": to_stage})
    campaign.stage = to_stage
    return event


@transaction.atomic
def campaign_update(*, campaign, by, **values):
    """Edit a campaign's details (not its stage: that moves through campaign_move_stage)."""
    values.pop("stage", None)
    # From the stored row: a ModelForm bound to this instance has already set the new values on it.
    before = snapshot(Campaign.objects.get(pk=campaign.pk), CAMPAIGN_FIELDS)
    for field, value in values.items():
        setattr(campaign, field, value)
    campaign.full_clean()
    campaign.save()
    if campaign.framework is not None:
        from indicators.services import framework_freeze

        framework_freeze(campaign.framework)
    old, new = changed(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if new:
        audit_record(actor=by, verb="updated", obj=campaign, before=old, after=new)
    return campaign
