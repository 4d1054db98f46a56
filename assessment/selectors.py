"""Read-only queries about self-assessments."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext

from assignments.models import Assignment
from core import tables
from core.html import url_for_each
from core.ids import is_uuid
from evidence.models import Evidence
from indicators.models import Indicator
from org import permissions

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
    # The row's own fields only, as named tuples (pk, code, title, score, is_veto): its parents
    # and texts were read for 150 rows and never shown, and model instances cost 2 ms more.
    indicators = Indicator.objects.filter(framework_id=campaign.framework_id, level=3).values_list(
        "pk", "code", "title", "score", "is_veto", named=True
    )
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


def assessment_suggestions(campaign, indicator=None):
    """A suggested result per level-3 indicator id (or for the one `indicator`), from the state
    of its work: no accepted evidence → not met (it cannot be shown as met); every share
    accepted → met; otherwise partially met. The office decides; this only advises."""
    # Two aggregates apart rather than one over shares joined to their evidence: at 100,000
    # evidence items the join's COUNT(DISTINCT) took seconds; these read each table once.
    shares = Assignment.objects.filter(campaign=campaign)
    if indicator is not None:  # one indicator's page: its own shares, not the county's
        shares = shares.filter(indicator=indicator)
    rows = (
        shares.order_by()
        .values("indicator_id")
        .annotate(shares=Count("id"), accepted_shares=Count("id", filter=Q(status=Assignment.Status.ACCEPTED)))
    )
    # Per indicator, whether any accepted piece exists: PostgreSQL stops at the first one
    # (an index probe or two), where a DISTINCT over the campaign's evidence read all of it.
    indicators = Indicator.objects.filter(framework_id=campaign.framework_id, level=3)
    if indicator is not None:
        indicators = indicators.filter(pk=indicator.pk)
    accepted = Evidence.objects.accepted().filter(assignment__indicator=OuterRef("pk"), assignment__campaign=campaign)
    proven = set(indicators.filter(Exists(accepted)).order_by().values_list("pk", flat=True))
    suggestions = {}
    for row in rows:
        if row["indicator_id"] not in proven:
            suggestions[row["indicator_id"]] = R.NOT_MET
        elif row["accepted_shares"] == row["shares"]:
            suggestions[row["indicator_id"]] = R.MET
        else:
            suggestions[row["indicator_id"]] = R.PARTIAL
    return suggestions


EVIDENCE_SHOWN = 30  # pieces listed on an indicator's self-assessment page; the rest in the review queue


def indicator_evidence(*, campaign, indicator, shown=EVIDENCE_SHOWN):
    """The evidence of one level-3 indicator in a campaign (its shares' and what also proves it),
    visible (not deleted), with its unit and review status: what the office judges the result on.

    Bounded whatever the indicator holds: its first `shown` pieces (accepted first, then pending,
    then returned: the statuses sort so), the count of each status, and the total."""
    # The pieces' ids as a UNION of two indexed lookups: a join through also_proves needs
    # DISTINCT, and an OR of the two makes PostgreSQL scan the campaign's evidence (100,000 pieces).
    shares = Assignment.objects.filter(campaign=campaign, indicator=indicator).values("pk")
    direct = Evidence.objects.filter(assignment__in=shares).order_by().values("pk")
    also = Evidence.also_proves.through.objects.filter(indicator=indicator).order_by().values("evidence_id")
    pieces = Evidence.objects.visible().filter(pk__in=direct.union(also), campaign=campaign)
    counts = dict(pieces.order_by().values_list("review_status").annotate(n=Count("pk")))
    items = list(
        # Named rows of what the page shows (pk, title, kind, review_status, unit_name), not models.
        pieces.annotate(unit_name=F("assignment__unit__name"))
        .values_list("pk", "title", "kind", "review_status", "unit_name", named=True)
        .order_by("review_status", "assignment__unit__code", "created_at")[:shown]
    )
    by_status = [(status, label, counts[status]) for status, label in Evidence.Review.choices if counts.get(status)]
    return {"items": items, "shown": len(items), "by_status": by_status, "total": sum(counts.values())}


def open_rectifications(campaign):
    """The problem pool's items not closed yet (reported fixes still wait for the office)."""
    return Rectification.objects.filter(campaign=campaign, status__in=Rectification.OPEN_STATUSES)


POOL_FILTERS = ("open", "overdue", "reported", "closed")


def pool_items(user, campaign, *, status="", source="", unit=None, today=None):
    """The problem pool as the user may see it (the office all, a unit its own), filtered by
    status (open = not closed; overdue = with the unit past its deadline; reported; closed),
    source and owner unit. The dashboard's figures count these same querysets."""
    items = permissions.restrict(
        user,
        permissions.VIEW_UNIT_WORK,
        Rectification.objects.filter(campaign=campaign).select_related("owner", "indicator", "closed_by"),
    )
    if status == "open":
        items = items.filter(status__in=Rectification.OPEN_STATUSES)
    elif status == "overdue":
        items = items.filter(status__in=Rectification.WITH_UNIT, deadline__lt=today)
    elif status in (Rectification.Status.REPORTED, Rectification.Status.CLOSED):
        items = items.filter(status=status)
    if source in Rectification.Source.values:
        items = items.filter(source=source)
    if unit is not None:
        items = items.filter(owner=unit)
    return items


def pool_counts(campaign, today):
    """Open, overdue, reported and closed items of the whole pool, in one query."""
    return Rectification.objects.filter(campaign=campaign).aggregate(
        open=Count("pk", filter=Q(status__in=Rectification.OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=Rectification.WITH_UNIT, deadline__lt=today)),
        reported=Count("pk", filter=Q(status=Rectification.Status.REPORTED)),
        closed=Count("pk", filter=Q(status=Rectification.Status.CLOSED)),
    )


def pool_board_items(campaign, today):
    """The accountability board's hook: overdue pool items per owner unit (plain values)."""
    url = url_for_each("assessment:rectification")
    rows = (
        Rectification.objects.filter(campaign=campaign, status__in=Rectification.WITH_UNIT, deadline__lt=today)
        .order_by("owner__code", "deadline")
        .values("pk", "owner_id", "deadline", "measure", "indicator__code")
    )
    label = gettext("Rectification")
    return [
        {
            "unit_id": r["owner_id"],
            "code": r["indicator__code"] or gettext("Pool"),
            "title": r["measure"][:80],
            "status": "rectification",
            "status_label": label,
            "deadline": r["deadline"],
            "days_overdue": (today - r["deadline"]).days,
            "url": url(r["pk"]),
        }
        for r in rows
    ]
