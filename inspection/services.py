"""Writes of the 迎检 workspace. Each owns its transaction and its audit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Rectification
from assessment.services import pool_item_add
from assignments.models import Assignment
from campaign.models import Campaign
from campaign.services import campaign_move_stage
from core.audit import audit_record
from core.notifications import notify
from core.uploads import sha256_of
from evidence.models import Evidence
from evidence.services import evidence_add, evidence_for_answer
from evidence.sniff import Refused, clean_filename, sniff
from org import permissions
from org.selectors import unit_people

from .models import (
    AssessorRequest,
    FieldCheckItem,
    FieldCheckPhoto,
    OutcomeDocument,
    PublicityAction,
    PublicityTarget,
    RequestPart,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)
from .selectors import survey_weak_points

PUBLICITY_FIELDS = ["platform", "happened_on", "title", "url", "reads", "participants"]


def _indicators_of_framework(campaign, indicators):
    indicators = list(indicators or [])
    if any(i.framework_id != campaign.framework_id or i.level != 3 for i in indicators):
        raise ValidationError(_("Choose level-3 indicators of the campaign's indicator system."))
    return indicators


def _audit_values(action):
    values = {f: getattr(action, f) for f in PUBLICITY_FIELDS}
    values["happened_on"] = values["happened_on"].isoformat() if values["happened_on"] else ""
    return values


@transaction.atomic
def publicity_log(*, campaign, unit, by, indicators=(), photo=None, **values):
    """A unit logs one publicity action."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, unit)
    indicators = _indicators_of_framework(campaign, indicators)
    action = PublicityAction(campaign=campaign, unit=unit, created_by=by, **values)
    if not (action.url or photo):
        raise ValidationError(_("Give the link of the report or a photo of the action."))
    if photo is not None:
        action.photo.save(photo.name, photo, save=False)
    action.save()
    action.indicators.set(indicators)
    audit_record(actor=by, verb="created", obj=action, unit=unit, after=_audit_values(action))
    return action


@transaction.atomic
def publicity_update(*, action, by, indicators=(), photo=None, **values):
    """The unit corrects its action. Once it became evidence, its link stays what the evidence holds."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, action)
    action = PublicityAction.objects.select_for_update().get(pk=action.pk)
    before = _audit_values(action)
    indicators = _indicators_of_framework(action.campaign, indicators)
    if action.evidence_id and values.get("url", action.url) != action.url:
        raise ValidationError(_("This action is already evidence: its link cannot change here."))
    for field, value in values.items():
        setattr(action, field, value)
    if photo is not None:
        action.photo.save(photo.name, photo, save=False)
    if not (action.url or action.photo):
        raise ValidationError(_("Give the link of the report or a photo of the action."))
    action.save()
    action.indicators.set(indicators)
    after = _audit_values(action)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=by,
            verb="updated",
            obj=action,
            unit=action.unit,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return action


@transaction.atomic
def publicity_to_evidence(*, action, indicator, by):
    """Turn a logged news link into the unit's evidence for one indicator, with the evidence
    app's own service (no second entry). The unit must have a task for that indicator:
    evidence belongs to a task (the same rule as everywhere else). Once only."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, action)
    action = PublicityAction.objects.select_for_update().select_related("unit").get(pk=action.pk)
    if action.evidence_id:
        raise ValidationError(_("This action is already evidence."))
    if not action.url:
        raise ValidationError(_("Only an action with a link can become news-link evidence."))
    assignment = Assignment.objects.filter(
        campaign_id=action.campaign_id, indicator=indicator, unit=action.unit
    ).first()
    if assignment is None:
        raise ValidationError(
            _("%(unit)s has no task for indicator %(code)s: evidence can only be added to a task.")
            % {"unit": action.unit, "code": indicator.code}
        )
    evidence = evidence_add(
        assignment=assignment,
        kind=Evidence.Kind.NEWS_LINK,
        title=action.title,
        by=by,
        url=action.url,
        issued_on=action.happened_on,
        note=action.get_platform_display(),
    )
    action.evidence = evidence
    action.save(update_fields=["evidence", "updated_at"])
    action.indicators.add(indicator)
    audit_record(actor=by, verb="updated", obj=action, unit=action.unit, after={"evidence": str(evidence.pk)})
    return evidence


def month_start(value):
    return datetime.date(value.year, value.month, 1)


@transaction.atomic
def publicity_target_set(*, campaign, unit, month, platform, count, by):
    """The office sets (or changes, or with 0 removes) a unit's target for one month and platform."""
    permissions.require_perm(by, permissions.MANAGE_ASSIGNMENTS)
    month = month_start(month)
    current = PublicityTarget.objects.filter(campaign=campaign, unit=unit, month=month, platform=platform).first()
    before = {"count": current.count} if current else {}
    if not count:
        if current:
            current.delete()
            audit_record(actor=by, verb="deleted", obj=current, unit=unit, before=before)
        return None
    target, _created = PublicityTarget.objects.update_or_create(
        campaign=campaign, unit=unit, month=month, platform=platform, defaults={"count": count}
    )
    if before != {"count": count}:
        audit_record(
            actor=by,
            verb="updated" if current else "created",
            obj=target,
            unit=unit,
            before=before,
            after={"count": count, "month": month.isoformat(), "platform": platform},
        )
    return target


SURVEY_BATCH = 2000


@transaction.atomic
def survey_import(*, campaign, parsed, by, title, source_name="", sha256=""):
    """Write one pre-survey: its questions, responses and answers, all or nothing. The
    parsed file must have no errors (survey.survey_parse)."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK)
    if parsed.errors:
        raise ValidationError(parsed.errors[:5])
    survey = SurveyRound.objects.create(
        campaign=campaign,
        title=title[:200],
        source_name=source_name[:200],
        sha256=sha256,
        response_count=len(parsed.rows),
        imported_by=by,
    )
    questions = {
        position: SurveyQuestion.objects.create(round=survey, position=position, text=text, kind=kind)
        for position, text, kind in parsed.questions
    }
    for start in range(0, len(parsed.rows), SURVEY_BATCH):
        chunk = parsed.rows[start : start + SURVEY_BATCH]
        # PostgreSQL returns the new ids of a bulk insert, so the answers can name their response.
        responses = SurveyResponse.objects.bulk_create(
            [SurveyResponse(round=survey, township=unit, row=row) for row, unit, _scores in chunk]
        )
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(response=response, question=questions[position], score=score)
                for response, (_row, _unit, scores) in zip(responses, chunk)
                for position, score in scores.items()
            ],
            batch_size=SURVEY_BATCH,
        )
    audit_record(
        actor=by,
        verb="created",
        obj=survey,
        after={"title": survey.title, "file": source_name, "sha256": sha256, "response_count": len(parsed.rows)},
    )
    return survey


@transaction.atomic
def fieldcheck_add(*, campaign, indicator, unit, kind, title, place, by, note=""):
    """The office lists one thing inspectors may visit or pull for an indicator."""
    permissions.require_perm(by, permissions.MANAGE_ASSIGNMENTS)
    _indicators_of_framework(campaign, [indicator])
    if FieldCheckItem.objects.filter(
        campaign=campaign, indicator=indicator, unit=unit, place=place, title=title
    ).exists():
        raise ValidationError(_("This item is already on the checklist."))
    item = FieldCheckItem.objects.create(
        campaign=campaign, indicator=indicator, unit=unit, kind=kind, title=title, place=place, note=note, updated_by=by
    )
    audit_record(actor=by, verb="created", obj=item, unit=unit, after={"title": title, "place": place, "kind": kind})
    return item


@transaction.atomic
def fieldcheck_update(*, item, status, note, by, photo=None):
    """The responsible unit (or the office) says whether the item is ready, and may add a photo."""
    permissions.require_perm(by, (permissions.CONTRIBUTE_UNIT_WORK, permissions.MANAGE_ASSIGNMENTS), item)
    item = FieldCheckItem.objects.select_for_update().get(pk=item.pk)
    before = {"status": item.status, "note": item.note}
    item.status, item.note, item.updated_by = status, note, by
    item.save(update_fields=["status", "note", "updated_by", "updated_at"])
    if photo is not None:
        record = FieldCheckPhoto(item=item, uploaded_by=by)
        record.image.save(photo.name, photo, save=False)
        record.save()
    after = {"status": item.status, "note": item.note}
    if photo is not None:
        after["file"] = photo.name
    audit_record(actor=by, verb="updated", obj=item, unit=item.unit, before=before, after=after)
    return item


@transaction.atomic
def survey_weak_point_to_pool(*, survey, question, township, measure, deadline, by, indicator=None):
    """A weak point of the pre-survey (a question in a township under 80 %) becomes an item of
    the problem pool, owned by the township, through the pool's one way in. The same weak point
    twice gives the item already there."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK)
    if question.round_id != survey.pk:
        raise ValidationError(_("The question is not one of this pre-survey's."))
    weak = {(q.pk, town_id): rate for q, _name, rate, town_id in survey_weak_points(survey)}
    rate = weak.get((question.pk, township.pk))
    if rate is None:
        raise ValidationError(_("This question is not a weak point in that township."))
    detail = _("%(survey)s: question %(n)s “%(text)s”, %(town)s %(pct)s%%") % {
        "survey": survey.title,
        "n": question.position,
        "text": question.text[:200],
        "town": township,
        "pct": rate.pct,
    }
    return pool_item_add(
        campaign=survey.campaign,
        source=Rectification.Source.SURVEY,
        indicator=indicator,
        owner=township,
        measure=measure,
        deadline=deadline,
        by=by,
        detail=detail,
        key=f"{survey.pk}:{question.pk}:{township.pk}",
    )


# --- the assessors' requests (第三方评估补充材料) -----------------------------------------------


@transaction.atomic
def request_add(*, campaign, title, due_on, by, detail="", indicators=()):
    """The office records what the assessors asked for, by when, for which indicators."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK)
    if not (title or "").strip():
        raise ValidationError(_("Say what the assessors asked for."))
    request = AssessorRequest.objects.create(
        campaign=campaign, title=title.strip()[:200], detail=(detail or "")[:2000], due_on=due_on, created_by=by
    )
    request.indicators.set(_indicators_of_framework(campaign, indicators))
    audit_record(actor=by, verb="created", obj=request, after={"title": request.title, "due_on": str(due_on)})
    return request


@transaction.atomic
def request_split(*, request, unit, deadline, by, note=""):
    """Give one unit its share of a request, with a deadline no later than the assessors' date;
    the unit is told. A unit has one share of a request."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK)
    if unit.kind not in (unit.Kind.DEPARTMENT, unit.Kind.TOWNSHIP) or unit.region_id != request.campaign.region_id:
        raise ValidationError(_("A request is split among the county's departments and townships."))
    if deadline > request.due_on:
        raise ValidationError(
            _("The unit's deadline is after the date the assessors want it (%(date)s).") % {"date": request.due_on}
        )
    if RequestPart.objects.filter(request=request, unit=unit).exists():
        raise ValidationError(_("%(unit)s already has a share of this request.") % {"unit": unit})
    part = RequestPart.objects.create(request=request, unit=unit, deadline=deadline, note=(note or "")[:500])
    audit_record(actor=by, verb="created", obj=part, unit=unit, after={"deadline": str(deadline), "note": part.note})
    notify(
        unit_people(unit),
        title=_("Assessors' request: %(title)s") % {"title": request.title},
        body=f"{part.note or request.detail}\n{_('Deadline')}: {deadline}",
        link=part.get_absolute_url(),
    )
    return part


@transaction.atomic
def request_answer(*, part, by, note, evidence=None, assignment=None, upload=None, kind=None):
    """The unit answers its share with evidence (its own piece, or a new file through the evidence
    app's checks; reviewed in the review queue as any other). An answer after the deadline is
    taken and shown late; the first answer's time is kept."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, part)
    part = RequestPart.objects.select_for_update().select_related("unit", "request__campaign").get(pk=part.pk)
    piece = evidence_for_answer(
        unit=part.unit,
        campaign=part.request.campaign,
        by=by,
        note=_("Assessors' request: %(title)s") % {"title": part.request.title},
        evidence=evidence,
        assignment=assignment,
        upload=upload,
        kind=kind,
    )
    part.evidence.add(piece)
    if note.strip():
        part.answer_note = note.strip()[:2000]
    if part.answered_at is None:
        part.answered_at = timezone.now()
        part.answered_by = by
    part.save(update_fields=["answer_note", "answered_at", "answered_by", "updated_at"])
    audit_record(actor=by, verb="updated", obj=part, unit=part.unit, after={"answer_note": part.answer_note[:200]})
    return part


# The moves after 迎检 that the office records with their document (issue 18, item 6).
OUTCOME_STAGES = (Campaign.Stage.PUBLICISED, Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)


@transaction.atomic
def outcome_record(*, campaign, to_stage, by, title, upload, effective_on=None, note=""):
    """Record 公示 or the result (命名 / 未命名) as the campaign's stage move together with the
    document that proves it — both or neither. The file is checked as evidence is (evidence.sniff:
    what it is, not what its name says); the move goes through the stage service (its table, its
    rights, its guards, compare-and-set)."""
    if to_stage not in OUTCOME_STAGES:
        raise ValidationError(_("Only the publication and the result (named or not named) are recorded here."))
    if upload is None:
        raise ValidationError(_("Attach the document: the notice or the decision."))
    try:
        name = clean_filename(upload.name)
        found = sniff(upload, name)
    except Refused as exc:
        raise ValidationError(str(exc)) from None
    if found.kind not in ("pdf", "ofd", "docx", "odt", "ole2", "jpg", "png"):
        raise ValidationError(_("The document must be a PDF, OFD, Word/WPS file or a scanned JPG/PNG."))
    event = campaign_move_stage(campaign=campaign, to_stage=to_stage, by=by, effective_on=effective_on, note=note)
    document = OutcomeDocument(
        campaign=campaign,
        event=event,
        title=title.strip()[:200],
        file_name=name,
        content_type=found.content_type,
        sha256=sha256_of(upload),
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    document.file.save(name, upload, save=False)
    document.save()
    audit_record(
        actor=by,
        verb="created",
        obj=document,
        after={"title": document.title, "file_name": name, "sha256": document.sha256, "size": document.size},
    )
    return document
