"""Read-only queries about self-assessments."""

from dataclasses import dataclass

from django.db.models import Count, Q

from assignments.models import Assignment
from core import tables
from core.ids import is_uuid
from evidence.models import Evidence
from indicators.models import Indicator

from .models import Assessment, Rectification

R = Assessment.Result


# What a higher floor has to say about indicators of a campaign (review: the city's return
# comments, 退回补充). Each source(campaign) returns {indicator_id: [IndicatorNote, …]} in a
# bounded number of queries; registered in AppConfig.ready(), so assessment imports nothing above it.
NOTE_SOURCES = []


@dataclass(frozen=True)
class IndicatorNote:
    """A note shown on the indicator's assessment: who says it (e.g. 市委依法治市办), what, and a
    link to the list it belongs to."""

    source: str
    text: str
    link: str = ""


def register_note_source(source):
    if source not in NOTE_SOURCES:
        NOTE_SOURCES.append(source)


def assessment_notes(campaign):
    """{indicator_id: [IndicatorNote, …]} from every registered source."""
    notes = {}
    for source in NOTE_SOURCES:
        for indicator_id, items in source(campaign).items():
            notes.setdefault(indicator_id, []).extend(items)
    return notes


def assessment_rows(*, campaign, result=None, status=None, level1=None, suggested=None, assessments=None):
    """The assessment list: every level-3 indicator with its assessment (or none) and the
    suggested result. Filters: result ("none" = not decided), status, level-1 id, suggestion.
    `assessments`: the campaign's, when the caller has them already."""
    indicators = Indicator.objects.filter(framework_id=campaign.framework_id, level=3).select_related("parent__parent")
    if level1:
        indicators = indicators.filter(parent__parent_id=level1) if is_uuid(level1) else indicators.none()
    if assessments is None:
        assessments = Assessment.objects.filter(campaign=campaign)
    by_indicator = {a.indicator_id: a for a in assessments}
    suggestions = assessment_suggestions(campaign)
    notes = assessment_notes(campaign)
    rows = []
    for i in sorted(indicators, key=lambda i: tables.code_sort_key(i.code)):
        a = by_indicator.get(i.pk)
        row = {
            "indicator": i,
            "assessment": a,
            "notes": notes.get(i.pk, []),
            "result": a.result if a else "",
            "status": a.status if a else "todo",
            "suggestion": suggestions.get(i.pk, Assessment.Result.NOT_MET),
        }
        if result and (row["result"] or "none") != result:
            continue
        if status and row["status"] != status:
            continue
        if suggested and row["suggestion"] != suggested:
            continue
        rows.append(row)
    return rows


def assessment_suggestions(campaign):
    """A suggested result per level-3 indicator id, from the state of its work:
    no accepted evidence → not met (it cannot be shown as met); every share accepted
    → met; otherwise partially met. The office decides; this only advises."""
    # Two aggregates apart rather than one over shares joined to their evidence: at 100,000
    # evidence items the join's COUNT(DISTINCT) took seconds; these read each table once.
    rows = (
        Assignment.objects.filter(campaign=campaign)
        .order_by()
        .values("indicator_id")
        .annotate(shares=Count("id"), accepted_shares=Count("id", filter=Q(status=Assignment.Status.ACCEPTED)))
    )
    proven = set(
        Evidence.objects.accepted()
        .filter(assignment__campaign=campaign)
        .order_by()
        .values_list("assignment__indicator_id", flat=True)
        .distinct()
    )
    suggestions = {}
    for row in rows:
        if row["indicator_id"] not in proven:
            suggestions[row["indicator_id"]] = R.NOT_MET
        elif row["accepted_shares"] == row["shares"]:
            suggestions[row["indicator_id"]] = R.MET
        else:
            suggestions[row["indicator_id"]] = R.PARTIAL
    return suggestions


def indicator_evidence(*, campaign, indicator):
    """The evidence of one level-3 indicator in a campaign (its shares' and what also proves it),
    visible (not deleted), with its unit and review status: what the office judges the result on."""
    return (
        Evidence.objects.visible()
        .filter(Q(assignment__indicator=indicator) | Q(also_proves=indicator), campaign=campaign)
        .select_related("assignment__unit", "current_revision")
        .distinct()
        .order_by("assignment__unit__code", "created_at")
    )


def open_rectifications(campaign):
    return Rectification.objects.filter(campaign=campaign, status=Rectification.Status.OPEN)
