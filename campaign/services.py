"""Operations on units, memberships and campaigns. Each owns its transaction and audit."""

from django.db import transaction

from core import permissions
from core.audit import audit_record, changed, snapshot

from .models import Campaign, Membership, Unit

UNIT_FIELDS = ["code", "name", "short_name", "aliases", "kind", "category", "is_law_enforcement", "region", "note"]
CAMPAIGN_FIELDS = ["county", "name", "slug", "kind", "single_item_title", "focus_areas", "framework", "threshold", "stage"]


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
    campaign = Campaign(**values)
    campaign.full_clean()
    campaign.save()
    audit_record(actor=by, verb="created", obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS))
    return campaign
