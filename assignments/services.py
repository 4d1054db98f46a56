"""Dividing the work: which unit leads and which cooperate on each level-3 indicator."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import tables
from core.audit import audit_record, changed
from core.figures_cache import dashboard_touch
from core.ids import is_uuid
from core.notifications import notifications_supersede, notify
from core.tables import ImportRejected
from indicators.models import Indicator
from org import permissions
from org.models import Membership, Unit
from org.selectors import unit_people

from .models import Assignment, AssignmentEvent, Circular, reminder_topic
from .selectors import accountability_board

# Tables join unit names with the enumeration comma, commas, semicolons, slashes,
# spaces or line breaks (compared after NFKC, so full-width forms are folded).
_SEPARATORS = re.compile(r"[、,;/\s]+")


def _department(u):
    return u.kind == Unit.Kind.DEPARTMENT


# Group tokens counties write instead of listing units; each names a set of units.
GROUP_TOKENS = {
    tables.norm_key(token): select
    for tokens, select in (
        (("县直各单位", "县直各部门", "县直单位", "各有关单位"), _department),
        (
            ("县直各行政执法部门", "各行政执法部门", "县直行政执法部门"),
            lambda u: _department(u) and u.is_law_enforcement,
        ),
        (("各乡镇（街道）", "各乡镇", "各乡镇街道", "各街道"), lambda u: u.kind == Unit.Kind.TOWNSHIP),
    )
    for token in tokens
}


class UnitDirectory:
    """Finds units by full name, short name or alias (loaded once per import)."""

    def __init__(self, units=None, *, region=None):
        if units is None:
            units = Unit.objects.filter(is_active=True).order_by("code")
            if region is not None:
                units = units.filter(region=region)  # names resolve within the campaign's county
        self.units = list(units)
        self.by_name = {}
        for unit in self.units:
            for name in [unit.name, unit.short_name, *unit.aliases]:
                if name:
                    self.by_name.setdefault(tables.norm_key(name), unit)

    def resolve(self, text):
        """Units named in a table cell, in order, without repeats. Unknown names raise."""
        found, unknown = [], []
        for token in _SEPARATORS.split(tables.norm_key_keep_spaces(text)):
            key = tables.norm_key(token)
            if not key:
                continue
            if key in GROUP_TOKENS:
                matches = [u for u in self.units if GROUP_TOKENS[key](u)]
            elif key in self.by_name:
                matches = [self.by_name[key]]
            else:
                unknown.append(token)
                continue
            found.extend(u for u in matches if u not in found)
        if unknown:
            raise ValidationError(_("unknown unit: %(names)s") % {"names": "、".join(unknown)})
        return found


def framework_lock(campaign):
    """Campaign's framework lock: tasks point at the framework's indicators."""
    n = Assignment.objects.filter(campaign=campaign).count()
    return ngettext("the campaign has %(n)s task", "the campaign has %(n)s tasks", n) % {"n": n} if n else ""


def require_deadline_or_ongoing(deadline, ongoing):
    """The one rule for every way a task gets its timing: a deadline, or ongoing work (长期坚持)."""
    if deadline is None and not ongoing:
        raise ValidationError(_("A task needs a deadline or must be marked ongoing."))


@transaction.atomic
def assignment_set_for_indicator(*, campaign, indicator, lead, cooperating, deadline=None, ongoing=False, by=None):
    """Make the indicator's division of work match: one lead, these cooperating units.

    Existing shares of units that stay keep their rows; units no longer named
    lose theirs. The lead is never also a cooperating unit. Returns True when
    anything changed.
    """
    dashboard_touch(campaign.pk)
    if indicator.level != 3 or indicator.framework_id != campaign.framework_id:
        raise ValidationError(_("Only level-3 indicators of the campaign's framework can be assigned."))
    require_deadline_or_ongoing(deadline, ongoing)
    if ongoing:
        deadline = None
    wanted = {lead.pk: Assignment.Role.LEAD}
    for unit in cooperating:
        wanted.setdefault(unit.pk, Assignment.Role.COOPERATING)
    existing = {
        a.unit_id: a
        for a in Assignment.objects.select_for_update()
        .filter(campaign=campaign, indicator=indicator)
        .select_related("unit")
    }
    before = _division(existing.values())
    removed = [a for unit_id, a in existing.items() if unit_id not in wanted]
    Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
    # Demote a former lead before the new lead is saved: one lead per indicator is a database constraint.
    for unit_id, a in existing.items():
        if unit_id in wanted and a.role != wanted[unit_id] and a.role == Assignment.Role.LEAD:
            a.role = wanted[unit_id]
            a.save(update_fields=["role", "updated_at"])
    to_create = []
    for unit_id, role in wanted.items():
        a = existing.get(unit_id)
        if a is None:
            to_create.append(
                Assignment(
                    campaign=campaign,
                    indicator=indicator,
                    unit_id=unit_id,
                    role=role,
                    deadline=deadline,
                    ongoing=ongoing,
                )
            )
        elif (a.role, a.deadline, a.ongoing) != (role, deadline, ongoing):
            if (a.deadline, a.ongoing) != (deadline, ongoing):
                notifications_supersede(topic=reminder_topic(a))
            a.role, a.deadline, a.ongoing = role, deadline, ongoing
            a.save(update_fields=["role", "deadline", "ongoing", "updated_at"])
    Assignment.objects.bulk_create(to_create)
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
            verb="updated" if existing else "created",
            obj=indicator,
            object_repr=f"{campaign.name} {indicator.code}",
            before=old if existing else {},
            after=new,
        )
    return bool(new)


def _division(assignments):
    assignments = list(assignments)
    lead = next((a for a in assignments if a.role == Assignment.Role.LEAD), None)
    return {
        "lead": lead.unit.code if lead else "",
        "cooperating": sorted(a.unit.code for a in assignments if a.role == Assignment.Role.COOPERATING),
        "deadline": str(lead.deadline or "") if lead else "",
        "ongoing": lead.ongoing if lead else False,
    }


# --- importing a task table ------------------------------------------------------------


@dataclass
class PlannedDivision:
    row: int
    indicator: Indicator
    lead: Unit
    cooperating: list
    deadline: object
    ongoing: bool
    status: str = "unchanged"  # new / changed / unchanged
    # What a changed row changes, old → new: [{"key", "field", "old", "new"}], for the preview.
    changes: list = field(default_factory=list)
    becomes_overdue: int = 0  # shares that the row's past deadline makes overdue today


@dataclass
class AssignmentPlan:
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    unmatched_indicators: list = field(default_factory=list)  # level-3 indicators the table does not mention
    today: object = None

    @property
    def ok(self):
        return not self.errors

    @property
    def past_deadline_items(self):
        """New or changed rows whose deadline has already passed."""
        return [
            i
            for i in self.items
            if i.status != "unchanged" and not i.ongoing and i.deadline is not None and i.deadline < self.today
        ]

    @property
    def becomes_overdue(self):
        return sum(i.becomes_overdue for i in self.items)

    @property
    def warnings(self):
        """What the office must confirm before the import is applied (ImportRejected without it)."""
        past = self.past_deadline_items
        if not past:
            return []
        return [
            ngettext(
                "%(n)s indicator gets a deadline that has already passed",
                "%(n)s indicators get a deadline that has already passed",
                len(past),
            )
            % {"n": len(past)}
            + ngettext(
                "; %(m)s task becomes overdue at once.",
                "; %(m)s tasks become overdue at once.",
                self.becomes_overdue,
            )
            % {"m": self.becomes_overdue}
        ]

    def count(self, status):
        return sum(1 for i in self.items if i.status == status)

    @property
    def count_new(self):
        return self.count("new")

    @property
    def count_changed(self):
        return self.count("changed")

    @property
    def shares(self):
        return sum(1 + len(i.cooperating) for i in self.items)


class IndicatorMatcher:
    """Finds the framework's level-3 indicator for a table row: by its text, then
    by its position code, then by its serial number (序号)."""

    def __init__(self, framework):
        level3 = sorted(
            Indicator.objects.filter(framework=framework, level=3), key=lambda i: tables.code_sort_key(i.code)
        )
        self.indicators = level3
        self.by_code = {i.code: i for i in level3}
        by_title = {}
        for i in level3:
            by_title.setdefault(tables.title_key(i.title), []).append(i)
        self.by_title = {k: v[0] for k, v in by_title.items() if len(v) == 1}

    def match(self, row, code):
        found = self.by_title.get(tables.title_key(row.level3))
        if found is None and code:
            found = self.by_code.get(code)
        if found is None and row.serial and row.serial <= len(self.indicators):
            found = self.indicators[row.serial - 1]
        return found


def _deadline_text(deadline, ongoing):
    return _("Ongoing") if ongoing else (deadline.isoformat() if deadline else "")


def _changes(current, lead, cooperating, deadline, ongoing):
    """Old → new for each value of an indicator's division that the table changes."""
    old_lead = next((a for a in current if a.role == Assignment.Role.LEAD), None)
    old_coop = [a.unit for a in current if a.role == Assignment.Role.COOPERATING]
    rows = []
    if old_lead is None or old_lead.unit_id != lead.pk:
        rows.append(
            {"key": "lead", "field": _("Lead unit"), "old": str(old_lead.unit) if old_lead else "", "new": str(lead)}
        )
    removed = [str(u) for u in old_coop if u not in cooperating]
    added = [str(u) for u in cooperating if u not in old_coop]
    if removed or added:
        rows.append(
            {"key": "cooperating", "field": _("Cooperating units"), "old": "、".join(removed), "new": "、".join(added)}
        )
    if old_lead is None or (old_lead.deadline, old_lead.ongoing) != (None if ongoing else deadline, ongoing):
        rows.append(
            {
                "key": "deadline",
                "field": _("Deadline"),
                "old": _deadline_text(old_lead.deadline, old_lead.ongoing) if old_lead else "",
                "new": _deadline_text(deadline, ongoing),
            }
        )
    return rows


def _becomes_overdue(current, lead, cooperating, deadline, ongoing, today):
    """How many of the row's shares a past deadline makes overdue that are not overdue now
    (shares submitted or accepted are not overdue whatever their deadline)."""
    if ongoing or deadline is None or deadline >= today:
        return 0
    by_unit = {a.unit_id: a for a in current}
    n = 0
    for unit in [lead, *cooperating]:
        a = by_unit.get(unit.pk)
        if a is None:
            n += 1  # a new share starts not started, so overdue at once
        elif a.is_open and (a.ongoing or a.deadline is None or a.deadline >= today):
            n += 1
    return n


def assignment_plan(*, campaign, table, today=None):
    """Check a parsed task table against the campaign's framework and the units.
    Writes nothing; the preview page and --dry-run show this."""
    plan = AssignmentPlan(errors=list(table.errors), today=today or timezone.localdate())
    if campaign.framework_id is None:
        plan.errors.append(_("The campaign has no indicator framework yet."))
        return plan
    codes, code_errors = tables.table_codes(table)
    plan.errors.extend(code_errors)
    matcher = IndicatorMatcher(campaign.framework)
    directory = UnitDirectory(region=campaign.region_id)
    existing = {}
    for a in Assignment.objects.filter(campaign=campaign).select_related("unit"):
        existing.setdefault(a.indicator_id, []).append(a)
    seen = {}
    lead_label, coop_label = tables.COLUMN_LABELS["lead"], tables.COLUMN_LABELS["cooperating"]
    for row, code in zip(table.rows, codes):
        indicator = matcher.match(row, code)
        if indicator is None:
            plan.errors.append(
                tables.CellError(
                    row.row, tables.COLUMN_LABELS["level3"], _("no indicator of the framework matches this text")
                )
            )
            continue
        if indicator.pk in seen:
            plan.errors.append(
                tables.CellError(
                    row.row,
                    "",
                    _("indicator %(code)s is already divided on row %(other)s")
                    % {"code": indicator.code, "other": seen[indicator.pk]},
                )
            )
            continue
        seen[indicator.pk] = row.row
        units = {}
        for key, label, text in (("lead", lead_label, row.lead), ("cooperating", coop_label, row.cooperating)):
            try:
                units[key] = directory.resolve(text)
            except ValidationError as exc:
                plan.errors.append(tables.CellError(row.row, label, exc.messages[0]))
                units[key] = None
        if units["lead"] is None or units["cooperating"] is None:
            continue
        if not units["lead"]:
            plan.errors.append(tables.CellError(row.row, lead_label, _("the lead unit is empty")))
            continue
        # A cell naming several lead units: the first leads, the others cooperate.
        lead, *extra = units["lead"]
        cooperating = [u for u in [*extra, *units["cooperating"]] if u != lead]
        cooperating = list(dict.fromkeys(cooperating))
        item = PlannedDivision(row.row, indicator, lead, cooperating, row.deadline, row.ongoing)
        current = existing.get(indicator.pk)
        if not current:
            item.status = "new"
        else:
            wanted = {
                "lead": lead.code,
                "cooperating": sorted(u.code for u in cooperating),
                "deadline": str(row.deadline or ""),
                "ongoing": row.ongoing,
            }
            item.status = "unchanged" if _division(current) == wanted else "changed"
            if item.status == "changed":
                item.changes = _changes(current, lead, cooperating, row.deadline, row.ongoing)
        if item.status != "unchanged":
            item.becomes_overdue = _becomes_overdue(
                current or [], lead, cooperating, row.deadline, row.ongoing, plan.today
            )
        plan.items.append(item)
    plan.unmatched_indicators = [i for i in matcher.indicators if i.pk not in seen]
    plan.errors.sort(key=lambda e: getattr(e, "row", 0))
    return plan


@transaction.atomic
def assignment_import(*, campaign, table, by=None, accept_warnings=False):
    """Apply a task table to a campaign, all or nothing. Returns the plan applied.
    A table with warnings (deadlines already past) is refused unless the office confirmed
    them (accept_warnings): an import must never make work overdue unnoticed."""
    plan = assignment_plan(campaign=campaign, table=table)
    if not plan.ok:
        raise ImportRejected(plan.errors)
    if plan.warnings and not accept_warnings:
        raise ImportRejected([*plan.warnings, _("Confirm the warnings to import the table.")])
    for item in plan.items:
        if item.status == "unchanged":
            continue
        assignment_set_for_indicator(
            campaign=campaign,
            indicator=item.indicator,
            lead=item.lead,
            cooperating=item.cooperating,
            deadline=item.deadline,
            ongoing=item.ongoing,
            by=by,
        )
    return plan


# --- exporting the canonical table ---------------------------------------------------------

EXPORT_HEADERS = ["code", "level1", "level2", "level3", "lead_unit", "cooperating_units", "deadline"]


def assignment_export_rows(*, campaign):
    """One row per level-3 indicator in code order: the canonical flat task table."""
    indicators = sorted(
        Indicator.objects.filter(framework=campaign.framework, level=3).select_related("parent__parent"),
        key=lambda i: tables.code_sort_key(i.code),
    )
    shares = {}
    for a in Assignment.objects.filter(campaign=campaign).select_related("unit").order_by("unit__code"):
        shares.setdefault(a.indicator_id, []).append(a)
    rows = []
    for i in indicators:
        mine = shares.get(i.pk, [])
        lead = next((a for a in mine if a.role == Assignment.Role.LEAD), None)
        cooperating = [a.unit.name for a in mine if a.role == Assignment.Role.COOPERATING]
        deadline = "" if lead is None or lead.ongoing or lead.deadline is None else lead.deadline.isoformat()
        rows.append(
            [
                i.code,
                i.parent.parent.title,
                i.parent.title,
                i.title,
                lead.unit.name if lead else "",
                "、".join(cooperating),
                deadline,
            ]
        )
    return rows


def assignment_export(*, campaign, fmt):
    return tables.export_table(EXPORT_HEADERS, assignment_export_rows(campaign=campaign), fmt)


# --- the task workflow -------------------------------------------------------------------

_St = Assignment.Status
# Allowed status moves and the permission each needs: the unit's liaison works and
# submits; the office reviews. A return always carries a comment.
TRANSITIONS = {
    (_St.NOT_STARTED, _St.IN_PROGRESS): permissions.CONTRIBUTE_UNIT_WORK,
    (_St.NOT_STARTED, _St.SUBMITTED): permissions.CONTRIBUTE_UNIT_WORK,
    (_St.IN_PROGRESS, _St.SUBMITTED): permissions.CONTRIBUTE_UNIT_WORK,
    (_St.RETURNED, _St.IN_PROGRESS): permissions.CONTRIBUTE_UNIT_WORK,
    (_St.RETURNED, _St.SUBMITTED): permissions.CONTRIBUTE_UNIT_WORK,
    (_St.SUBMITTED, _St.IN_PROGRESS): permissions.CONTRIBUTE_UNIT_WORK,  # withdrawn before review
    (_St.SUBMITTED, _St.ACCEPTED): permissions.REVIEW_UNIT_WORK,
    (_St.SUBMITTED, _St.RETURNED): permissions.REVIEW_UNIT_WORK,
    (_St.ACCEPTED, _St.RETURNED): permissions.REVIEW_UNIT_WORK,  # reopened by the office
}
COMMENT_REQUIRED = {_St.RETURNED}

# Higher floors that must agree before a share is accepted (evidence: nothing of it may still
# wait for review, or it would silently stay out of the report and the package). Each guard
# takes the share and returns what stands in the way: [{"title", "url"}, …], empty when nothing.
ACCEPT_GUARDS = []


def register_accept_guard(guard):
    if guard not in ACCEPT_GUARDS:
        ACCEPT_GUARDS.append(guard)


class AcceptRefused(ValidationError):
    """Accepting the share is refused until `items` (e.g. evidence waiting for review) are dealt with."""

    def __init__(self, message, items):
        super().__init__(message)
        self.items = items


def assignment_moves_for(assignment, user):
    """The statuses this user may move the share to now."""
    return [
        to
        for (frm, to), perm in TRANSITIONS.items()
        if frm == assignment.status and permissions.can(user, perm, assignment)
    ]


@transaction.atomic
def assignment_transition(*, assignment, to_status, by, comment=""):
    """Move a share to another status through the table; one event per move.

    The update is a compare-and-set on the status the caller saw, so two people
    acting on the same share at once cannot both succeed.
    """
    dashboard_touch(assignment.campaign_id)

    frm = assignment.status
    rule = TRANSITIONS.get((frm, to_status))
    if rule is None:
        raise ValidationError(
            _("A task cannot move from %(a)s to %(b)s.") % {"a": _St(frm).label, "b": _St(to_status).label}
        )
    permissions.require_perm(by, rule, assignment)
    if to_status == _St.ACCEPTED:
        blocking = [item for guard in ACCEPT_GUARDS for item in guard(assignment)]
        if blocking:
            raise AcceptRefused(
                ngettext(
                    "%(n)s piece of evidence of this task still waits for review; review it before accepting the task.",
                    "%(n)s pieces of evidence of this task still wait for review; review them before accepting the task.",
                    len(blocking),
                )
                % {"n": len(blocking)},
                blocking,
            )
    comment = (comment or "").strip()
    if to_status in COMMENT_REQUIRED and not comment:
        raise ValidationError(_("Say why the task is returned: the unit needs to know what to fix."))
    now = timezone.now()
    changes = {"status": to_status, "status_changed_at": now, "updated_at": now}
    if to_status in (_St.SUBMITTED, _St.ACCEPTED):
        changes["escalated_at"] = None
    if to_status != _St.ACCEPTED:
        changes.update(signed_off_at=None, signed_off_by=None)  # a new submission is signed off anew
    if not Assignment.objects.filter(pk=assignment.pk, status=frm).update(**changes):
        raise ValidationError(_("Someone else changed this task meanwhile; reload the page."))
    for name, value in changes.items():
        setattr(assignment, name, value)
    event = AssignmentEvent.objects.create(
        assignment=assignment, from_status=frm, to_status=to_status, comment=comment[:2000], by=by
    )
    audit_record(
        actor=by,
        verb="status_changed",
        obj=assignment,
        object_repr=share_repr(assignment),
        before={"status": frm},
        after={"status": to_status, **({"comment": comment} if comment else {})},
        unit=assignment.unit,
    )
    if to_status in (_St.RETURNED, _St.ACCEPTED):
        title = (_("Returned: %(task)s") if to_status == _St.RETURNED else _("Accepted: %(task)s")) % {
            "task": share_repr(assignment)
        }
        notify(unit_people(assignment.unit), title=title, body=comment, link=assignment.get_absolute_url())
    elif to_status == _St.SUBMITTED:
        notify(
            unit_people(assignment.unit, roles=[Membership.Role.UNIT_LEADER]),
            title=_("To sign off: %(task)s") % {"task": share_repr(assignment)},
            link=assignment.get_absolute_url(),
        )
    return event


@transaction.atomic
def assignment_sign_off(*, assignment, by):
    """The unit leader signs off work the unit submitted for review (审签), once per submission."""

    permissions.require_perm(by, permissions.SIGNOFF_UNIT_WORK, assignment)
    if assignment.status != _St.SUBMITTED:
        raise ValidationError(_("Only work submitted for review can be signed off."))
    now = timezone.now()
    if not Assignment.objects.filter(pk=assignment.pk, status=_St.SUBMITTED, signed_off_at__isnull=True).update(
        signed_off_at=now, signed_off_by=by, updated_at=now
    ):
        raise ValidationError(_("This submission is already signed off, or it changed meanwhile; reload the page."))
    assignment.signed_off_at, assignment.signed_off_by = now, by
    audit_record(
        actor=by,
        verb="signed_off",
        obj=assignment,
        object_repr=share_repr(assignment),
        after={"signed_off_by": str(by)},
        unit=assignment.unit,
    )
    return assignment


def share_repr(assignment):
    return f"{assignment.indicator.code} {assignment.unit}"


@transaction.atomic
def assignment_change_deadline(*, assignments, deadline=None, ongoing=False, by):
    """Set a deadline (or ongoing) on shares, e.g. a bulk action on a filtered list."""
    require_deadline_or_ongoing(deadline, ongoing)
    count = 0
    for a in assignments:
        before = {"deadline": str(a.deadline or ""), "ongoing": a.ongoing}
        a.deadline, a.ongoing = (None, True) if ongoing else (deadline, False)
        after = {"deadline": str(a.deadline or ""), "ongoing": a.ongoing}
        if before != after:
            # A new deadline starts a new reminder cycle, and lifts an escalation; the
            # reminders of the old one are no longer true.
            a.escalated_at = None
            a.save(update_fields=["deadline", "ongoing", "escalated_at", "updated_at"])
            notifications_supersede(topic=reminder_topic(a))
            dashboard_touch(a.campaign_id)
            audit_record(
                actor=by, verb="updated", obj=a, object_repr=share_repr(a), before=before, after=after, unit=a.unit
            )
            count += 1
    return count


@transaction.atomic
def assignment_add_unit(*, campaign, indicator, unit, by, deadline=None, ongoing=False):
    """Add a cooperating unit to an indicator (the lead's deadline by default)."""
    dashboard_touch(campaign.pk)
    lead = Assignment.objects.filter(campaign=campaign, indicator=indicator, role=Assignment.Role.LEAD).first()
    if Assignment.objects.filter(campaign=campaign, indicator=indicator, unit=unit).exists():
        raise ValidationError(_("%(unit)s already has a share of this indicator.") % {"unit": unit})
    if deadline is None and not ongoing and lead is not None:
        deadline, ongoing = lead.deadline, lead.ongoing
    require_deadline_or_ongoing(deadline, ongoing)
    a = Assignment.objects.create(
        campaign=campaign,
        indicator=indicator,
        unit=unit,
        role=Assignment.Role.COOPERATING,
        deadline=None if ongoing else deadline,
        ongoing=ongoing,
    )
    audit_record(
        actor=by, verb="created", obj=a, object_repr=share_repr(a), after={"unit": unit.code, "role": a.role}, unit=unit
    )
    return a


@transaction.atomic
def assignment_reassign(*, assignment, unit, by):
    """Hand a share to another unit; its status starts again."""
    dashboard_touch(assignment.campaign_id)
    if Assignment.objects.filter(
        campaign_id=assignment.campaign_id, indicator_id=assignment.indicator_id, unit=unit
    ).exists():
        raise ValidationError(_("%(unit)s already has a share of this indicator.") % {"unit": unit})
    old = assignment.unit
    assignment.unit, assignment.status, assignment.escalated_at = unit, _St.NOT_STARTED, None
    assignment.save(update_fields=["unit", "status", "escalated_at", "updated_at"])
    audit_record(
        actor=by,
        verb="updated",
        obj=assignment,
        object_repr=share_repr(assignment),
        before={"unit": old.code},
        after={"unit": unit.code},
        unit=unit,
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment, by):
    """Take a cooperating unit's share away. A lead is reassigned, never removed."""
    dashboard_touch(assignment.campaign_id)
    if assignment.role == Assignment.Role.LEAD:
        raise ValidationError(_("The lead unit cannot be removed; reassign the lead to another unit instead."))
    held = assignment.evidence.count()
    if held:
        # Evidence is never deleted: a share that holds some is handed to another unit instead.
        raise ValidationError(
            ngettext(
                "This share holds %(n)s piece of evidence; reassign it to another unit instead of removing it.",
                "This share holds %(n)s pieces of evidence; reassign it to another unit instead of removing it.",
                held,
            )
            % {"n": held}
        )
    audit_record(
        actor=by,
        verb="deleted",
        obj=assignment,
        object_repr=share_repr(assignment),
        before={"unit": assignment.unit.code, "role": assignment.role, "status": assignment.status},
        unit=assignment.unit,
    )
    assignment.delete()


# How many items a notice names per unit: the worst ones (longest overdue). The full list is
# the board's and the task list's job; a notice read at a meeting names the few that matter.
CIRCULAR_WORST_ITEMS = 3

# 文号: 机关代字〔年份〕序号号, e.g. 县法办〔2026〕3号. Brackets typed as [] () （） 【】 are
# taken for the 六角括号 the standard (GB/T 9704) asks for.
_DOC_NUMBER = re.compile(r"^(?P<code>[^\s〔〕\[\]()（）【】<>]{1,20})〔(?P<year>\d{4})〕(?P<serial>[1-9]\d{0,3})号$")
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕"})


def circular_doc_number_example(issued_on, code="县法办", serial=1):
    return f"{code}〔{issued_on.year}〕{serial}号"


def circular_doc_number_next(*, campaign, issued_on):
    """A suggestion for the next notice: the last one's code and serial + 1 in the same year."""
    for number in (
        Circular.objects.filter(campaign=campaign).exclude(doc_number="").values_list("doc_number", flat=True)
    ):
        match = _DOC_NUMBER.match(number)
        if match and int(match["year"]) == issued_on.year:
            return circular_doc_number_example(issued_on, match["code"], int(match["serial"]) + 1)
        if match:
            return circular_doc_number_example(issued_on, match["code"])
    return ""


def circular_doc_number_clean(value, *, issued_on):
    """The 文号 in its standard form, or a ValidationError that shows the expected shape."""
    value = (value or "").strip().replace(" ", "").translate(_BRACKETS)
    match = _DOC_NUMBER.match(value)
    if not match:
        raise ValidationError(
            _(
                "The document number should read like %(example)s: the issuing body's code, "
                "the year in brackets, then the serial number."
            )
            % {"example": circular_doc_number_example(issued_on)}
        )
    if abs(int(match["year"]) - issued_on.year) > 1:
        raise ValidationError(
            _("The year in the document number (%(year)s) does not match the date of issue (%(date)s).")
            % {"year": match["year"], "date": issued_on.isoformat()}
        )
    return value


def circular_candidates(*, campaign, today, items_per_unit=None):
    """The units a notice may name: those with overdue, returned or escalated work, in the
    board's order (red first). Each row: the board's row (with at most `items_per_unit` items;
    0 for the counts alone)."""
    return [
        row
        for row in accountability_board(campaign=campaign, today=today, items_per_unit=items_per_unit)
        if row["overdue"] or row["returned"] or row["escalated"]
    ]


def circular_form_initial(*, campaign, candidates, today):
    """What the form starts from: the red units ticked, the next 文号, the office as issuer."""
    office = Unit.objects.filter(kind=Unit.Kind.OFFICE, region=campaign.region_id).order_by("code").first()
    return {
        "units": [str(r["unit"].pk) for r in candidates if r["rating"] == "red"],
        "title": _("Circular on overdue tasks as of %(date)s") % {"date": today},
        "doc_number": circular_doc_number_next(campaign=campaign, issued_on=today),
        "issuer": office.name if office else "",
        "issued_on": today,
    }


def _circular_entry(row):
    open_items = sorted(row["items"], key=lambda i: (-i["days_overdue"], i["deadline"] or datetime.date.max, i["code"]))
    worst = [
        {
            "code": i["code"],
            "title": i["title"],
            "status": i["status"],
            "deadline": str(i["deadline"]) if i["deadline"] else "",
            "days_overdue": i["days_overdue"],
        }
        for i in open_items
        if i["days_overdue"] or i["status"] == Assignment.Status.RETURNED
    ][:CIRCULAR_WORST_ITEMS]
    return {
        "unit_code": row["unit"].code,
        "unit": row["unit"].name,
        "rating": row["rating"],
        "open": row["open"],
        "overdue": row["overdue"],
        "returned": row["returned"],
        "escalated": row["escalated"],
        "max_days_overdue": max((i["days_overdue"] for i in row["items"]), default=0),
        "items": worst,
    }


@transaction.atomic
def circular_issue(*, campaign, unit_ids, title, doc_number, issuer, issued_on, body, by, today):
    """Issue a formal notice (通报) naming the chosen units, each with its counts and its worst
    few items as of today (a snapshot); every named unit's people are told. Returns the notice
    and the names of named units nobody could be told about (no account yet)."""

    title = (title or "").strip()
    issuer = (issuer or "").strip()
    if not title:
        raise ValidationError(_("Give the notice a title."))
    if not issuer:
        raise ValidationError(_("Name the issuing body."))
    if issued_on > today:
        raise ValidationError(_("The date of issue cannot be later than today."))
    doc_number = circular_doc_number_clean(doc_number, issued_on=issued_on)
    if Circular.objects.filter(campaign=campaign, doc_number=doc_number).exists():
        raise ValidationError(
            _("Document number %(number)s is already used by another notice.") % {"number": doc_number}
        )
    wanted = {str(u) for u in unit_ids}
    if not wanted:
        raise ValidationError(_("Choose at least one unit to name in the notice."))
    rows = {str(row["unit"].pk): row for row in circular_candidates(campaign=campaign, today=today)}
    stray = wanted - set(rows)
    if stray:
        names = list(Unit.objects.filter(pk__in=[u for u in stray if is_uuid(u)]).values_list("name", flat=True))
        raise ValidationError(
            _("These units have no overdue or returned work and cannot be named: %(units)s.")
            % {"units": "、".join(names) or _("(unknown units)")}
        )
    # The board's order: the worst first.
    entries = [_circular_entry(row) for key, row in rows.items() if key in wanted]
    circular = Circular.objects.create(
        campaign=campaign,
        title=title[:200],
        doc_number=doc_number,
        issuer=issuer[:100],
        issued_on=issued_on,
        body=(body or "")[:5000],
        as_of=today,
        entries=entries,
        issued_by=by,
    )
    audit_record(
        actor=by,
        verb="circular_issued",
        obj=circular,
        after={"doc_number": doc_number, "units": [e["unit_code"] for e in entries]},
    )
    untold = []
    for unit in Unit.objects.filter(code__in=[e["unit_code"] for e in entries]).order_by("code"):
        people = unit_people(unit)
        if not people:
            untold.append(unit.name)
            continue
        notify(
            people,
            title=_("Formal notice: %(title)s") % {"title": circular.title},
            body=doc_number,
            link=circular.get_absolute_url(),
        )
    return circular, untold
