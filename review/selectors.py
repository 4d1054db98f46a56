"""The read side of the city's and the province's work (issue 14 items 4 and 7): the counties'
latest submissions side by side, sorted, exported and charted, and one level-1 indicator compared
county by county. Every figure is the one frozen in the submission (its `eligibility` JSON, see
reports.selectors.submission_frozen_figures): the city compares what was submitted, not the
county's work of today. The rows come from one query whatever the number of counties."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Assessment
from indicators.models import Indicator
from org import permissions
from org.models import Membership, Region
from org.selectors import membership_units, role_regions
from reports.models import Submission

from .models import Decision, Level, Recommendation

# The workspace's columns: (key, heading). Every one sorts (server-side, ?sort=key or -key).
COLUMNS = (
    ("county", gettext_lazy("County")),
    ("campaign", gettext_lazy("Campaign")),
    ("kind", gettext_lazy("Kind")),
    ("met", gettext_lazy("Met / applicable")),
    ("ratio", gettext_lazy("Ratio")),
    ("veto", gettext_lazy("Veto")),
    ("score", gettext_lazy("Weighted score")),
    ("rectifications", gettext_lazy("Open rectifications")),
    ("overdue", gettext_lazy("Overdue at submission")),
    ("evidence", gettext_lazy("Evidence items")),
    ("submitted", gettext_lazy("Submitted on")),
    ("status", gettext_lazy("Review status")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
DEFAULT_SORT = "county"


@dataclass
class WorkspaceRow:
    """One county's latest submission as the workspace shows it. A figure the submission did not
    freeze (one made before the freeze existed) is None and shown as a dash, never read live."""

    submission: Submission
    county: str
    city: str
    campaign: str
    kind: str
    kind_label: str
    met: int | None
    applicable: int | None
    ratio: Fraction | None
    percent: Decimal | None
    threshold: Decimal | None
    eligible: bool | None
    veto: list | None
    score: Decimal | None
    max_score: Decimal | None
    rectifications: int | None
    overdue: int | None
    evidence: int | None
    submitted: object
    status: str
    status_label: str
    results: dict = field(default_factory=dict)  # code -> {"result", "score"}, for the comparison
    city_reason: str = ""  # the city's reason for recommending it (the province's workspace)

    @property
    def status_style(self):
        return STATUS_STYLE.get(self.status, "secondary")

    def sort_value(self, key):
        return {
            "county": self.county,
            "campaign": self.campaign,
            "kind": str(self.kind_label),
            "met": self.met,
            "ratio": self.ratio,
            "veto": len(self.veto) if self.veto is not None else None,
            "score": self.score,
            "rectifications": self.rectifications,
            "overdue": self.overdue,
            "evidence": self.evidence,
            "submitted": self.submitted,
            "status": str(self.status_label),
        }[key]


def _decimal(value):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- scope -----------------------------------------------------------------------------------


def reviewer_cities(user):
    """The cities whose offices the user reviews for (a city office placed in its city; one made
    before regions existed stands in its county, whose city it is)."""
    units = membership_units(user, [Membership.Role.CITY_REVIEWER]).select_related("region__parent")
    ids = {u.region.city.pk for u in units if u.region.city is not None}  # a city's `city` is itself
    return Region.objects.filter(pk__in=ids)


def reviewer_provinces(user):
    """The provinces whose offices the user reviews for (their memberships, read once per request)."""
    return Region.objects.filter(
        kind=Region.Kind.PROVINCE, pk__in=role_regions(user, (Membership.Role.PROVINCE_REVIEWER,))
    )


def submissions_for(user, level):
    """The submitted versions a reviewer of this level decides on: a city reviewer the ones
    addressed to their city office; a province reviewer the versions its cities recommended.
    IT (superuser) sees all. Everyone else: none."""
    if not (user and user.is_authenticated and user.is_active):
        return Submission.objects.none()
    if level == Level.CITY:
        if user.is_superuser:
            return Submission.objects.all()
        if not permissions.can(user, permissions.RECORD_CITY_REVIEW):
            return Submission.objects.none()
        return Submission.objects.filter(city_office__in=membership_units(user, [Membership.Role.CITY_REVIEWER]))
    recommended = Recommendation.objects.filter(level=Level.CITY)
    if not user.is_superuser:
        if not permissions.can(user, permissions.RECORD_PROVINCE_REVIEW):
            return Submission.objects.none()
        recommended = recommended.filter(region__parent__in=reviewer_provinces(user))
    return Submission.objects.filter(pk__in=recommended.values("submission_id"))


# --- rows ------------------------------------------------------------------------------------


def latest_submissions(submissions, level=Level.CITY, codes=()):
    """Each campaign's latest submitted version among `submissions` (a resubmission replaces the
    one before in the comparison), in one query: its decision at `level` and whether it was
    recommended at that level beside it, and, for the per-indicator comparison, the frozen result
    and self-score of each of `codes` read out of the snapshot in the database. The manifest and
    the snapshot themselves (a line per file, evidence ids per indicator: large for a large
    county) stay in the database."""
    newer = submissions.filter(campaign=OuterRef("campaign"), version__gt=OuterRef("version"))
    decision = Decision.objects.filter(submission=OuterRef("pk"), level=level).order_by("-created_at")
    recommended = Recommendation.objects.filter(submission=OuterRef("pk"), level=level)
    # What the city said when it recommended the version (the province reads it beside the figures).
    city_reason = Recommendation.objects.filter(submission=OuterRef("pk"), level=Level.CITY).values("reason")[:1]
    per_indicator = {}
    for n, code in enumerate(codes):
        node = KeyTransform(code, KeyTransform("indicators", "snapshot"))
        per_indicator[f"result_{n}"] = KeyTextTransform("result", node)
        per_indicator[f"score_{n}"] = KeyTextTransform("score", node)
    return (
        submissions.filter(~Exists(newer))
        .select_related("campaign__region__parent")
        .defer("manifest", "snapshot", "confirmed", "city_review")
        .annotate(
            decision_outcome=Subquery(decision.values("outcome")[:1]),
            recommended=Exists(recommended),
            city_reason=Subquery(city_reason),
            **per_indicator,
        )
        .order_by("campaign__region__code", "created_at")
    )


# The status badge's colour (Bootstrap's text-bg-*).
STATUS_STYLE = {
    "waiting": "secondary",
    "passed": "success",
    "returned": "warning",
    "rejected": "danger",
    "recommended": "primary",
}


def _status(submission, level):
    """The review status at `level`: recommended, the decision on this version, or waiting."""
    if submission.recommended:
        label = _("Recommended to the province") if level == Level.CITY else _("Recommended to central")
        return "recommended", label
    if submission.decision_outcome:
        return submission.decision_outcome, Decision.Outcome(submission.decision_outcome).label
    if submission.version > 1:
        return "waiting", _("Resubmitted, waiting for review")
    return "waiting", _("Waiting for review")


def workspace_rows(submissions, sort=DEFAULT_SORT, level=Level.CITY, codes=()):
    """The rows of the workspace, sorted by `sort` (a column key, "-" before it for descending;
    an unknown key sorts by county). Rows without a figure go last either way. With `codes`,
    each row's `results` holds those indicators' frozen result and score."""
    rows = []
    for s in latest_submissions(submissions, level, codes):
        frozen = s.eligibility or {}
        campaign = s.campaign
        region = campaign.region
        met, applicable = frozen.get("met"), frozen.get("applicable")
        status, status_label = _status(s, level)
        results = {}
        for n, code in enumerate(codes):
            result = getattr(s, f"result_{n}")
            if result is not None:
                results[code] = {"result": result, "score": getattr(s, f"score_{n}")}
        rows.append(
            WorkspaceRow(
                submission=s,
                county=s.county or region.name,  # the name the county submitted under
                city=region.parent.name if region and region.parent_id else "",
                campaign=s.title,
                kind=campaign.kind,
                kind_label=campaign.get_kind_display(),
                met=met,
                applicable=applicable,
                ratio=Fraction(met, applicable) if met is not None and applicable else None,
                percent=_decimal(frozen.get("percent")),
                threshold=_decimal(frozen.get("threshold")),
                eligible=frozen.get("eligible"),
                veto=frozen.get("veto_blockers"),
                score=_decimal(frozen.get("score")),
                max_score=_decimal(frozen.get("max_score")),
                rectifications=frozen.get("rectifications_open"),
                overdue=frozen.get("overdue"),
                evidence=frozen.get("evidence"),
                submitted=s.created_at,
                status=status,
                status_label=status_label,
                results=results,
                city_reason=s.city_reason or "",
            )
        )
    return sort_rows(rows, sort)


def parse_sort(value):
    """(key, descending) from ?sort=: a known column key, "-" before it for descending."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in COLUMN_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def sort_rows(rows, sort):
    key, descending = parse_sort(sort)
    known = [r for r in rows if r.sort_value(key) is not None]
    unknown = [r for r in rows if r.sort_value(key) is None]
    known.sort(key=lambda r: (r.sort_value(key), r.county), reverse=descending)
    return known + sorted(unknown, key=lambda r: r.county)


def workspace_chart(rows):
    """The chart's bars (assessment/_bars.html): indicators met of applicable per county."""
    return [
        {
            "label": r.county,
            "done": r.met,
            "total": r.applicable,
            "pct": int(r.percent) if r.percent is not None else 0,
        }
        for r in rows
        if r.met is not None and r.applicable
    ]


def _figure(value):
    return "" if value is None else value


def workspace_export_rows(rows):
    """The workspace as a table (headers, rows) for the XLSX export: the same columns."""
    headers = [str(label) for _key, label in COLUMNS]
    out = []
    for r in rows:
        out.append(
            [
                r.county,
                r.campaign,
                str(r.kind_label),
                f"{r.met}/{r.applicable}" if r.met is not None else "",
                f"{r.percent:.1f}%" if r.percent is not None else "",
                "、".join(r.veto) if r.veto else ("" if r.veto is None else _("none")),
                f"{r.score}/{r.max_score}" if r.score is not None else "",
                _figure(r.rectifications),
                _figure(r.overdue),
                _figure(r.evidence),
                r.submitted.strftime("%Y-%m-%d") if r.submitted else "",
                str(r.status_label),
            ]
        )
    return headers, out


# --- one level-1 indicator, county by county -----------------------------------------------


@dataclass
class ComparisonLine:
    indicator: Indicator
    cells: list  # per county, in the rows' order: {"result", "label", "score"}


def level1_choices(rows):
    """The level-1 indicators of the framework the compared campaigns use (the first row's:
    counties of one batch share the national system; codes match across copies of it)."""
    if not rows:
        return Indicator.objects.none()
    return Indicator.objects.filter(framework_id=rows[0].submission.campaign.framework_id, level=1).order_by(
        "position", "code"
    )


def level3_under(level1):
    """The level-3 indicators under a level-1 one, in tree order (one query)."""
    return list(
        Indicator.objects.filter(framework_id=level1.framework_id, level=3, parent__parent=level1)
        .select_related("parent")
        .order_by("parent__position", "parent__code", "position", "code")
    )


def indicator_comparison(rows, level3):
    """Each county's frozen result and self-score for every indicator of `level3` (the rows were
    read with those codes: workspace_rows(codes=…)), and per county the met count and the score."""
    labels = dict(Assessment.Result.choices)
    lines, totals = [], [{"met": 0, "score": Decimal("0"), "known": False} for _r in rows]
    for ind in level3:
        cells = []
        for n, r in enumerate(rows):
            frozen = r.results.get(ind.code)
            if frozen is None:
                cells.append({"result": "", "label": "", "score": None, "frozen": False})
                continue
            score = _decimal(frozen.get("score"))
            totals[n]["known"] = True
            totals[n]["met"] += frozen.get("result") == Assessment.Result.MET
            totals[n]["score"] += score or 0
            cells.append(
                {
                    "result": frozen.get("result") or "",
                    "label": labels.get(frozen.get("result"), _("Not assessed")),
                    "score": score,
                    "frozen": True,
                }
            )
        lines.append(ComparisonLine(indicator=ind, cells=cells))
    return lines, totals
