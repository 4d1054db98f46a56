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
from org import permissions
from org.selectors import unit_people

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
    if assessment.result not in (R.PARTIAL, R.NOT_MET):
        raise ValidationError(_("Rectification is for indicators not fully met."))
    if deadline is None or owner is None:
        raise ValidationError(_("A rectification item needs an owner unit and a deadline."))
    item = Rectification.objects.create(
        campaign=assessment.campaign, assessment=assessment, owner=owner, measure=measure[:2000], deadline=deadline
    )
    audit_record(
        actor=by, verb="created", obj=item, unit=owner, after={"measure": item.measure, "deadline": str(deadline)}
    )
    notify(
        unit_people(owner),
        title=_("Rectification assigned: %(code)s") % {"code": assessment.indicator.code},
        body=f"{item.measure}\n{_('Deadline')}: {deadline}",
        link=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def rectification_close(*, item, by, note, evidence=None):
    """The office closes an item (销号) once the shortfall is fixed; the owner unit cannot close its own."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK, item)
    if not note.strip() and evidence is None:
        raise ValidationError(_("Say how the shortfall was fixed, or link the evidence that shows it."))
    closed = Rectification.objects.filter(pk=item.pk, status=Rectification.Status.OPEN).update(
        status=Rectification.Status.CLOSED,
        closing_note=note[:2000],
        closing_evidence=evidence,
        closed_at=timezone.now(),
        closed_by=by,
    )
    if not closed:
        raise ValidationError(_("This item is already closed."))
    audit_record(actor=by, verb="closed", obj=item, unit=item.owner, after={"note": note[:200]})


def inspection_guard(campaign, to_stage):
    """Campaign's stage hook: inspection readiness (迎检) needs every rectification item closed."""
    if to_stage != Campaign.Stage.INSPECTION:
        return
    still_open = open_rectifications(campaign).count()
    if still_open:
        raise ValidationError(
            _("%(n)s rectification item(s) are still open: inspection readiness needs them closed.") % {"n": still_open}
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
        Rectification.objects.filter(status=Rectification.Status.OPEN)
        .exclude(campaign__stage__in=TERMINAL_STAGES)
        .select_related("owner", "assessment__indicator", "campaign")
    )
    claimed = {(r.rectification_id, r.kind, r.period) for r in ReminderLog.objects.filter(rectification__in=items)}
    sent = []
    for item in items:
        stage = deadline_stage((item.deadline - today).days)
        period = item.deadline.isoformat()
        if stage is None or not claim_series(stage, period, claimed, item.pk, rectification=item):
            continue
        code = item.assessment.indicator.code
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
        return f"rectification-{self.kind}\t{i.campaign.slug}\t{i.assessment.indicator.code}\t{i.owner.code} {i.owner.name}\t{i.deadline}\t{self.recipients} recipient(s)"
