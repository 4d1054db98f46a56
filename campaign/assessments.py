"""Self-assessment: results, narrative, suggestions from the evidence, rectification, snapshots."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, snapshot

from .figures_cache import dashboard_touch

from .models import Assessment, DailySnapshot, Rectification

R = Assessment.Result
FIELDS = ["result", "status", "self_score", "veto_triggered", "practice", "outcomes", "highlights", "shortfall"]


def assessment_suggestions(campaign):
    """A suggested result per level-3 indicator id, from the state of its work:
    no accepted evidence → not met (it cannot be shown as met); every share accepted
    → met; otherwise partially met. The office decides; this only advises."""
    from assignments.models import Assignment

    rows = (
        Assignment.objects.filter(campaign=campaign)
        .values("indicator_id")
        .annotate(
            shares=Count("id", distinct=True),
            accepted_shares=Count("id", filter=Q(status=Assignment.Status.ACCEPTED), distinct=True),
            accepted_evidence=Count("evidence", filter=Q(evidence__review_status="accepted", evidence__hidden_at__isnull=True), distinct=True),
        )
    )
    suggestions = {}
    for row in rows:
        if not row["accepted_evidence"]:
            suggestions[row["indicator_id"]] = R.NOT_MET
        elif row["accepted_shares"] == row["shares"]:
            suggestions[row["indicator_id"]] = R.MET
        else:
            suggestions[row["indicator_id"]] = R.PARTIAL
    return suggestions


def clean_values(indicator, values):
    """Check one assessment's values against its indicator; returns cleaned values."""
    result = values.get("result", "")
    if result not in ("", *R.values):
        raise ValidationError(_("%(value)s is not a result: use met, partial, not_met or not_applicable (达标/基本达标/未达标/不适用).") % {"value": result})
    score = values.get("self_score")
    if score is not None:
        score = Decimal(score)
        if score < 0 or (indicator.score is not None and score > indicator.score):
            raise ValidationError(_("The self-score must be between 0 and %(max)s.") % {"max": indicator.score if indicator.score is not None else "∞"})
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
        audit_record(actor=by, verb="assessed", obj=assessment, object_repr=f"{campaign.slug} {indicator.code}", before=old, after=new)
    if rectification and rectification.get("measure"):
        rectification_open(assessment=assessment, by=by, **rectification)
    return assessment


@transaction.atomic
def rectification_open(*, assessment, owner, measure, deadline, by):
    if assessment.result not in (R.PARTIAL, R.NOT_MET):
        raise ValidationError(_("Rectification is for indicators not fully met."))
    if deadline is None or owner is None:
        raise ValidationError(_("A rectification item needs an owner unit and a deadline."))
    item = Rectification.objects.create(campaign=assessment.campaign, assessment=assessment, owner=owner, measure=measure[:2000], deadline=deadline)
    audit_record(actor=by, verb="created", obj=item, unit=owner, after={"measure": item.measure, "deadline": str(deadline)})
    from assignments.services import unit_people
    from core.notifications import notify

    notify(unit_people(owner), title=_("Rectification assigned: %(code)s") % {"code": assessment.indicator.code},
           body=f"{item.measure}\n{_('Deadline')}: {deadline}", link=item.get_absolute_url())
    return item


@transaction.atomic
def rectification_close(*, item, by, note, evidence=None):
    if not note.strip() and evidence is None:
        raise ValidationError(_("Say how the shortfall was fixed, or link the evidence that shows it."))
    closed = Rectification.objects.filter(pk=item.pk, status=Rectification.Status.OPEN).update(
        status=Rectification.Status.CLOSED, closing_note=note[:2000], closing_evidence=evidence, closed_at=timezone.now(), closed_by=by)
    if not closed:
        raise ValidationError(_("This item is already closed."))
    audit_record(actor=by, verb="closed", obj=item, unit=item.owner, after={"note": note[:200]})


def open_rectifications(campaign):
    return Rectification.objects.filter(campaign=campaign, status=Rectification.Status.OPEN)


def snapshot_take(*, campaign, day=None):
    """Record today's figures for the trend (idempotent: a rerun updates the same row)."""
    from assignments.models import Assignment
    from evidence.models import Evidence

    from .dashboard import evidence_counts
    from .eligibility import eligibility

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
    from .selectors import TERMINAL_STAGES
    from .models import Campaign

    return [snapshot_take(campaign=c, day=day) for c in Campaign.objects.exclude(stage__in=TERMINAL_STAGES)]
