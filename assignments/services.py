"""Dividing the work: which unit leads and which cooperate on each level-3 indicator."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaign.models import Unit
from core.audit import audit_record, changed

from .models import Assignment

# Tables join unit names with the enumeration comma, commas, semicolons or line breaks.
_SEPARATORS = re.compile(r"[、，,；;\n\r/]+")

# Group tokens counties write instead of listing units; each names a set of units.
GROUP_TOKENS = {
    "县直各单位": lambda units: [u for u in units if u.kind == Unit.Kind.DEPARTMENT],
    "县直各部门": lambda units: [u for u in units if u.kind == Unit.Kind.DEPARTMENT],
    "县直各行政执法部门": lambda units: [
        u for u in units if u.kind == Unit.Kind.DEPARTMENT and u.is_law_enforcement
    ],
    "各乡镇（街道）": lambda units: [u for u in units if u.kind == Unit.Kind.TOWNSHIP],
    "各乡镇(街道)": lambda units: [u for u in units if u.kind == Unit.Kind.TOWNSHIP],
    "各乡镇": lambda units: [u for u in units if u.kind == Unit.Kind.TOWNSHIP],
}


class UnitDirectory:
    """Finds units by full name, short name or alias (loaded once per import)."""

    def __init__(self, units=None):
        self.units = list(units if units is not None else Unit.objects.filter(is_active=True))
        self.by_name = {}
        for unit in self.units:
            for name in [unit.name, unit.short_name, *unit.aliases]:
                if name:
                    self.by_name.setdefault(name.strip(), unit)

    def resolve(self, text):
        """Units named in a table cell, in order, without repeats. Unknown names raise."""
        found, unknown = [], []
        for token in (t.strip() for t in _SEPARATORS.split(text or "")):
            if not token:
                continue
            if token in GROUP_TOKENS:
                matches = GROUP_TOKENS[token](self.units)
            elif token in self.by_name:
                matches = [self.by_name[token]]
            else:
                unknown.append(token)
                continue
            found.extend(u for u in matches if u not in found)
        if unknown:
            raise ValidationError(_("Unknown unit: %(names)s") % {"names": "、".join(unknown)})
        return found


@transaction.atomic
def assignment_set_for_indicator(*, campaign, indicator, lead, cooperating, deadline=None, ongoing=False, by=None):
    """Make the indicator's division of work match: one lead, these cooperating units.

    Existing shares of units that stay keep their rows; units no longer named
    lose theirs. The lead is never also a cooperating unit.
    """
    if indicator.level != 3 or indicator.framework_id != campaign.framework_id:
        raise ValidationError(_("Only level-3 indicators of the campaign's framework can be assigned."))
    if deadline is None and not ongoing:
        raise ValidationError(_("A task needs a deadline or must be marked ongoing."))
    wanted = {lead.pk: Assignment.Role.LEAD}
    for unit in cooperating:
        wanted.setdefault(unit.pk, Assignment.Role.COOPERATING)
    existing = {
        a.unit_id: a
        for a in Assignment.objects.select_for_update().filter(campaign=campaign, indicator=indicator).select_related("unit")
    }
    before = {
        "lead": next((a.unit.code for a in existing.values() if a.role == Assignment.Role.LEAD), ""),
        "cooperating": sorted(a.unit.code for a in existing.values() if a.role == Assignment.Role.COOPERATING),
        "deadline": next((str(a.deadline or "") for a in existing.values()), ""),
        "ongoing": next((a.ongoing for a in existing.values()), False),
    }
    removed = [a for unit_id, a in existing.items() if unit_id not in wanted]
    Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
    # Demote a former lead before the new lead is saved: one lead per indicator is a database constraint.
    for unit_id, a in existing.items():
        if unit_id in wanted and a.role != wanted[unit_id] and a.role == Assignment.Role.LEAD:
            a.role = wanted[unit_id]
            a.save(update_fields=["role", "updated_at"])
    for unit_id, role in wanted.items():
        a = existing.get(unit_id)
        if a is None:
            Assignment.objects.create(
                campaign=campaign, indicator=indicator, unit_id=unit_id, role=role, deadline=deadline, ongoing=ongoing
            )
        elif (a.role, a.deadline, a.ongoing) != (role, deadline, ongoing):
            a.role, a.deadline, a.ongoing = role, deadline, ongoing
            a.save(update_fields=["role", "deadline", "ongoing", "updated_at"])
    after = {
        "lead": lead.code,
        "cooperating": sorted(u.code for u in cooperating if u.pk != lead.pk),
        "deadline": str(deadline or ""),
        "ongoing": ongoing,
    }
    old, new = changed(before, after)
    if new:
        audit_record(
            actor=by,
            verb="created" if not existing else "updated",
            obj=indicator,
            object_repr=f"{campaign.slug} {indicator.code}",
            before=old if existing else {},
            after=new,
        )
