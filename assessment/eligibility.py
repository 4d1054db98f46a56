"""Whether a campaign qualifies: computed here and nowhere else.

met ÷ applicable level-3 indicators against the campaign's threshold (default
0.90). Not-applicable indicators leave the denominator; an indicator not yet
assessed counts as applicable and not met. A triggered veto indicator blocks
eligibility whatever the ratio. A comprehensive application needs eligibility;
a single-item application shows it for information.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from campaign.models import Campaign
from core import tables
from indicators.models import Indicator

from .models import Assessment

R = Assessment.Result


@dataclass
class Eligibility:
    threshold: Decimal
    required: bool  # a comprehensive application must meet the threshold
    counts: dict = field(default_factory=dict)  # result code ("" = not assessed) -> count
    applicable: int = 0
    met: int = 0
    ratio: Fraction | None = None  # exact; None when nothing is applicable
    veto_blockers: list = field(default_factory=list)  # codes of triggered veto indicators
    short: list = field(default_factory=list)  # applicable codes not met, partial first, in code order
    needed: int = 0  # how many more "met" results reach the threshold
    score: Decimal = Decimal("0")
    max_score: Decimal = Decimal("0")

    @property
    def eligible(self):
        return self.ratio is not None and self.ratio >= Fraction(self.threshold) and not self.veto_blockers

    @property
    def percent(self):
        """The ratio in percent, rounded down to one decimal (never shown above the truth)."""
        if self.ratio is None:
            return None
        return Decimal(math.floor(self.ratio * 1000)) / 10

    @property
    def threshold_percent(self):
        return self.threshold * 100


def level3_rows(campaign):
    """The campaign's level-3 indicators as eligibility() reads them (named tuples, not model
    instances: the dashboard's miss builds 300 rows), with their level-1 ancestor's id."""
    return list(
        Indicator.objects.filter(framework_id=campaign.framework_id, level=3).values_list(
            "id", "code", "score", "is_veto", "parent__parent_id", named=True
        )
    )


def assessment_rows_of(campaign):
    """The campaign's assessments as eligibility() reads them."""
    return list(
        Assessment.objects.filter(campaign=campaign).values_list(
            "indicator_id", "result", "self_score", "veto_triggered", named=True
        )
    )


def eligibility(campaign, assessments=None, indicators=None):
    """The eligibility of `campaign` from its level-3 indicators' assessments (one query
    for the indicators, one for the assessments, unless the caller has them: `assessments`
    with indicator_id, result, self_score and veto_triggered; `indicators` as level3_rows)."""
    if indicators is None:
        indicators = level3_rows(campaign)
    if assessments is None:
        assessments = assessment_rows_of(campaign)
    by_indicator = {a.indicator_id: a for a in assessments}
    result = Eligibility(threshold=campaign.threshold, required=campaign.kind == Campaign.Kind.COMPREHENSIVE)
    counts = {"": 0, R.MET: 0, R.PARTIAL: 0, R.NOT_MET: 0, R.NOT_APPLICABLE: 0}
    partial, other = [], []
    for indicator in sorted(indicators, key=lambda i: tables.code_sort_key(i.code)):
        a = by_indicator.get(indicator.id)
        code = a.result if a else ""
        counts[code] += 1
        if indicator.is_veto and a is not None and a.veto_triggered:
            result.veto_blockers.append(indicator.code)
        if code == R.NOT_APPLICABLE:
            continue
        result.applicable += 1
        if indicator.score is not None:
            result.max_score += indicator.score
            if a is not None and a.self_score is not None:
                result.score += min(a.self_score, indicator.score)
        if code == R.MET:
            result.met += 1
        elif code == R.PARTIAL:
            partial.append(indicator.code)
        else:
            other.append(indicator.code)
    result.counts = counts
    result.short = partial + other
    if result.applicable:
        result.ratio = Fraction(result.met, result.applicable)
        result.needed = max(0, math.ceil(Fraction(campaign.threshold) * result.applicable) - result.met)
    return result
