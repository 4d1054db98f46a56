"""Self-assessment: results and narrative, rectification, snapshots; and this floor's
answers to the hooks of lower floors (the 迎检 guard, rectification reminders)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import Assignment, ReminderLog
from assignments.reminders import claim_series, deadline_stage
from campaign.models import Campaign
from campaign.selectors import TERMINAL_STAGES
from core.audit import audit_record, changed, snapshot
from core.figures_cache import dashboard_touch
from core.notifications import notify
from evidence.models import Evidence
from evidence.services import evidence_for_answer
from org import permissions
from org.selectors import office_people, unit_people

from .dashboard import evidence_counts
from .eligibility import eligibility
from .models import Assessment, DailySnapshot, Rectification
from .selectors import open_rectifications

R = Assessment.Result
FIELDS = ["result", "status", "self_score", "veto_triggered", "practice", "outcomes", "highlights", "shortfall"]


def clean_values(indicator, values):
    """Check one assessment's values against its indicator; returns cleaned values."""
    result = values.get("result", "")
    if result not in ("", *R.values):
        raise ValidationError(
            _("%(value)s is not a result: use met, partial, not_met or not_applicable.") % {"value": result}
        )
    score = values.get("self_score")
    if score is not None:
        score = Decimal(score)
        if score < 0 or (indicator.score is not None and score > indicator.score):
            raise ValidationError(
                _("The self-score must be between 0 and %(max)s.")
                % {"max": indicator.score if indicator.score is not None else "∞"}
            )
    if values.get("veto_triggered") and not indicator.is_veto:
        raise ValidationError(_("Indicator %(code)s is not a veto indicator.") % {"code": indicator.code})
    return {**values, "self_score": score}


@transaction.atomic
def assessment_save(*, campaign, indicator, by, rectification=None, **values):
    """Record the assessment of one level-3 indicator; a shortfall with a measure,
    owner and deadline becomes a tracked rectification item."""
    if indicator.level != 3 or indicator.framework_id != campaign.framework_id:
        raise ValidationError(_("Only level-3 indicators of the campaign's framework can be assessed."))
    values = clean_values(indicator, values)
    dashboard_touch(campaign.pk)
    assessment, created = Assessment.objects.select_for_update().get_or_create(campaign=campaign, indicator=indicator)
    before = snapshot(assessment, FIELDS)
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.updated_by = by
    assessment.save()
    old, new = changed(before, snapshot(assessment, FIELDS))
    if new or created:
        audit_record(
            actor=by,
            verb="assessed",
            obj=assessment,
            object_repr=f"{campaign.name} {indicator.code}",
            before=old,
            after=new,
        )
    if rectification and rectification.get("measure"):
        rectification_open(assessment=assessment, by=by, **rectification)
    return assessment


@transaction.atomic
def assessment_reopen(*, campaign, indicators, by, note):
    """Re-open the assessments of these indicators (the city returned them, 退回补充): their status
    goes back to to-do so the office works on them again; results and texts stay as they were.
    Called by a higher floor (review) in its own transaction. Returns how many re-opened."""
    items = list(
        Assessment.objects.select_for_update()
        .filter(campaign=campaign, indicator__in=indicators)
        .exclude(status=Assessment.Status.TODO)
        .select_related("indicator")
    )
    for assessment in items:
        before = snapshot(assessment, ["status"])
        assessment.status = Assessment.Status.TODO
        assessment.updated_by = by
        assessment.save(update_fields=["status", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            verb="reopened",
            obj=assessment,
            object_repr=f"{campaign.name} {assessment.indicator.code}",
            before=before,
            after={"status": assessment.status, "note": note[:200]},
        )
    if items:
        dashboard_touch(campaign.pk)
    return len(items)


@transaction.atomic
def rectification_open(*, assessment, owner, measure, deadline, by):
    """A shortfall of the self-assessment becomes an item of the problem pool."""
    if assessment.result not in (R.PARTIAL, R.NOT_MET):
        raise ValidationError(_("Rectification is for indicators not fully met."))
    return pool_item_add(
        campaign=assessment.campaign,
        source=Rectification.Source.SELF_ASSESSMENT,
        indicator=assessment.indicator,
        owner=owner,
        measure=measure,
        deadline=deadline,
        by=by,
        assessment=assessment,
    )


@transaction.atomic
def pool_item_add(
    *, campaign, source, owner, measure, deadline, by, indicator=None, detail="", key="", assessment=None
):
    """Add one shortfall to the problem pool (问题池), from any source: the self-assessment, the
    city's 初审 comments (review/), the assessors' findings, a survey weak point (inspection/) or
    the county's own inspection. `key` names the thing in its source (a survey question and
    township, a comment's id): the same key twice returns the item already in the pool.
    The owner unit is told."""
    if source not in Rectification.Source.values:
        raise ValidationError(_("Unknown source of a problem-pool item."))
    if deadline is None or owner is None:
        raise ValidationError(_("A rectification item needs an owner unit and a deadline."))
    if not (measure or "").strip():
        raise ValidationError(_("Say what is to be fixed."))
    if owner.kind not in (owner.Kind.DEPARTMENT, owner.Kind.TOWNSHIP, owner.Kind.OFFICE):
        raise ValidationError(_("The owner of an item is a department, a township or the office."))
    if owner.region_id != campaign.region_id:
        raise ValidationError(_("The owner unit is not one of the campaign's county."))
    if indicator is not None and (indicator.level != 3 or indicator.framework_id != campaign.framework_id):
        raise ValidationError(_("Only level-3 indicators of the campaign's framework can be assessed."))
    key = (key or "")[:200]
    if key:
        existing = Rectification.objects.filter(campaign=campaign, source=source, source_key=key).first()
        if existing is not None:
            return existing
    item = Rectification.objects.create(
        campaign=campaign,
        source=source,
        source_detail=(detail or "")[:500],
        source_key=key,
        assessment=assessment,
        indicator=indicator,
        owner=owner,
        measure=measure.strip()[:2000],
        deadline=deadline,
    )
    audit_record(
        actor=by,
        verb="created",
        obj=item,
        unit=owner,
        after={"source": source, "measure": item.measure, "deadline": str(deadline)},
    )
    notify(
        unit_people(owner),
        title=_("Rectification assigned: %(what)s") % {"what": indicator.code if indicator else item.measure[:30]},
        body=f"{item.measure}\n{_('Deadline')}: {deadline}",
        link=item.get_absolute_url(),
    )
    return item


def _locked_item(item):
    return Rectification.objects.select_for_update().select_related("owner").get(pk=item.pk)


@transaction.atomic
def rectification_report(*, item, by, note, evidence=None, assignment=None, upload=None, kind=None):
    """The owner unit reports its fix with evidence: a piece of its own evidence in the campaign,
    or a new file added to one of its tasks through the evidence app's own checks
    (`evidence_add`: sniffing, size, duplicates). The item then waits for the office."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, item)
    item = _locked_item(item)
    if item.status not in Rectification.WITH_UNIT:
        raise ValidationError(_("This item is not waiting for a fix report."))
    if not note.strip():
        raise ValidationError(_("Say how the shortfall was fixed."))
    evidence = evidence_for_answer(
        unit=item.owner,
        campaign=item.campaign,
        by=by,
        note=_("Rectification evidence"),
        evidence=evidence,
        assignment=assignment,
        upload=upload,
        kind=kind,
    )
    item.status = Rectification.Status.REPORTED
    item.fix_note = note.strip()[:2000]
    item.fix_evidence = evidence
    item.reported_at = timezone.now()
    item.reported_by = by
    item.save(update_fields=["status", "fix_note", "fix_evidence", "reported_at", "reported_by", "updated_at"])
    audit_record(
        actor=by,
        verb="fix_reported",
        obj=item,
        unit=item.owner,
        after={"fix_note": item.fix_note[:200], "fix_evidence": evidence.title},
    )
    notify(
        office_people(),
        title=_("Rectification fix reported: %(unit)s") % {"unit": item.owner},
        body=item.measure,
        link=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def rectification_close(*, item, by, note="", evidence=None):
    """The office verifies the fix and closes the item (销号). Only the office: the owner unit
    cannot close its own. Never without evidence: the evidence the unit reported, or one
    the office names."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK, item)
    item = _locked_item(item)
    if item.status == Rectification.Status.CLOSED:
        raise ValidationError(_("This item is already closed."))
    evidence = evidence or item.fix_evidence
    if evidence is None or evidence.hidden_at is not None:
        raise ValidationError(
            _("An item is closed only with evidence of the fix: the owner unit reports it with evidence first.")
        )
    item.status = Rectification.Status.CLOSED
    item.closing_note = (note or "").strip()[:2000]
    item.closing_evidence = evidence
    item.closed_at = timezone.now()
    item.closed_by = by
    item.save(update_fields=["status", "closing_note", "closing_evidence", "closed_at", "closed_by", "updated_at"])
    audit_record(actor=by, verb="closed", obj=item, unit=item.owner, after={"closing_note": item.closing_note[:200]})
    notify(
        unit_people(item.owner),
        title=_("Rectification closed: %(what)s") % {"what": item.measure[:30]},
        body=item.closing_note,
        link=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def rectification_send_back(*, item, by, comment):
    """The office is not satisfied with the reported fix: back to the unit, with the reason."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK, item)
    item = _locked_item(item)
    if item.status != Rectification.Status.REPORTED:
        raise ValidationError(_("Only a reported fix can be sent back."))
    if not comment.strip():
        raise ValidationError(_("Say why the fix is sent back."))
    item.status = Rectification.Status.RETURNED
    item.return_comment = comment.strip()[:2000]
    item.save(update_fields=["status", "return_comment", "updated_at"])
    audit_record(
        actor=by, verb="sent_back", obj=item, unit=item.owner, after={"return_comment": item.return_comment[:200]}
    )
    notify(
        unit_people(item.owner),
        title=_("Rectification sent back: %(what)s") % {"what": item.measure[:30]},
        body=item.return_comment,
        link=item.get_absolute_url(),
    )
    return item


def inspection_guard(campaign, to_stage):
    """Campaign's stage hook: inspection readiness (迎检) needs every item of the problem pool
    closed, whatever its source."""
    if to_stage != Campaign.Stage.INSPECTION:
        return
    still_open = open_rectifications(campaign).count()
    if still_open:
        raise ValidationError(
            _("%(n)s problem-pool item(s) are still open: inspection readiness needs them closed.") % {"n": still_open}
        )


def snapshot_take(*, campaign, day=None):
    """Record today's figures for the trend (idempotent: a rerun updates the same row)."""
    day = day or timezone.localdate()
    evidence = evidence_counts(Evidence.objects.filter(campaign=campaign))
    values = {
        "evidence_total": sum(evidence.values()),
        "evidence_accepted": evidence["accepted"],
        "shares_accepted": Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACCEPTED).count(),
        "indicators_met": eligibility(campaign).met,
    }
    row, _created = DailySnapshot.objects.update_or_create(campaign=campaign, day=day, defaults=values)
    return row


def snapshots_take_all(day=None):
    return [snapshot_take(campaign=c, day=day) for c in Campaign.objects.exclude(stage__in=TERMINAL_STAGES)]


# --- reminders (the daily run of assignments.reminders asks this floor through its hook) ------


def rectification_reminders(today):
    """Open rectification items (整改) get the same deadline series, sent to the owner unit."""
    items = (
        Rectification.objects.filter(status__in=Rectification.WITH_UNIT)
        .exclude(campaign__stage__in=TERMINAL_STAGES)
        .select_related("owner", "indicator", "campaign")
    )
    claimed = {(r.rectification_id, r.kind, r.period) for r in ReminderLog.objects.filter(rectification__in=items)}
    sent = []
    for item in items:
        stage = deadline_stage((item.deadline - today).days)
        period = item.deadline.isoformat()
        if stage is None or not claim_series(stage, period, claimed, item.pk, rectification=item):
            continue
        code = item.indicator.code if item.indicator else item.measure[:30]
        if stage == ReminderLog.Kind.OVERDUE:
            title = _("Rectification overdue: %(code)s") % {"code": code}
        else:
            title = _("Rectification due %(deadline)s: %(code)s") % {"deadline": item.deadline, "code": code}
        count = notify(unit_people(item.owner), title=title, body=item.measure, link=item.get_absolute_url())
        sent.append(SentRectification(stage, item, count))
    return sent


@dataclass
class SentRectification:
    kind: str
    item: object
    recipients: int

    def line(self):
        i = self.item
        return f"rectification-{self.kind}\t{i.campaign.slug}\t{i.indicator.code if i.indicator else '-'}\t{i.owner.code} {i.owner.name}\t{i.deadline}\t{self.recipients} recipient(s)"
