"""The one eligibility function, on its edge cases."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessment.eligibility import eligibility
from assessment.models import Assessment
from campaign.models import Campaign
from indicators.models import Indicator
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
R = Assessment.Result


def _county(n, results, threshold="0.900", veto=(), scores=None, kind="comprehensive"):
    campaign = CampaignFactory(
        threshold=Decimal(threshold), kind=kind, single_item_title="x" if kind == "single_item" else ""
    )
    fw = campaign.framework
    root = Indicator.objects.create(framework=fw, level=1, code="1", position=1, title="一")
    mid = Indicator.objects.create(framework=fw, parent=root, level=2, code="1.1", position=1, title="二")
    for i in range(1, n + 1):
        ind = Indicator.objects.create(
            framework=fw,
            parent=mid,
            level=3,
            code=f"1.1.{i}",
            position=i,
            title=f"指标{i}",
            is_veto=i in veto,
            score=(scores or {}).get(i),
        )
        result = results[i - 1] if i <= len(results) else ""
        if result is not None:
            Assessment.objects.create(
                campaign=campaign,
                indicator=ind,
                result=result,
                veto_triggered=(i in veto and result == R.NOT_MET),
                self_score=(scores or {}).get(i),
            )
    return campaign


def test_exactly_at_the_threshold_is_eligible():
    campaign = _county(10, [R.MET] * 9 + [R.NOT_MET])
    e = eligibility(campaign)
    assert (e.met, e.applicable, e.ratio, e.eligible, e.needed) == (9, 10, Fraction(9, 10), True, 0)


def test_just_below_the_threshold_is_not_and_names_what_would_tip_it():
    campaign = _county(10, [R.MET] * 8 + [R.PARTIAL, R.NOT_MET])
    e = eligibility(campaign)
    assert not e.eligible and e.needed == 1
    assert e.short == ["1.1.9", "1.1.10"]  # partial first: the nearest to tipping


def test_not_applicable_leaves_the_denominator():
    campaign = _county(10, [R.MET] * 9 + [R.NOT_APPLICABLE])
    e = eligibility(campaign)
    assert (e.met, e.applicable, e.ratio, e.eligible) == (9, 9, 1, True)


def test_all_not_applicable_is_not_eligible():
    e = eligibility(_county(3, [R.NOT_APPLICABLE] * 3))
    assert e.applicable == 0 and e.ratio is None and not e.eligible and e.percent is None


def test_unassessed_indicators_count_as_not_met():
    e = eligibility(_county(10, [R.MET] * 9 + [None]))
    assert e.counts[""] == 1 and e.applicable == 10 and e.eligible


def test_a_triggered_veto_blocks_whatever_the_ratio():
    campaign = _county(20, [R.MET] * 19 + [R.NOT_MET], veto={20})
    e = eligibility(campaign)
    assert e.ratio == Fraction(19, 20) and e.veto_blockers == ["1.1.20"] and not e.eligible


def test_rounding_never_shows_more_than_the_truth():
    # 8 of 9 = 88.89 %: shown as 88.8, and below a 0.889 threshold.
    campaign = _county(9, [R.MET] * 8 + [R.NOT_MET], threshold="0.889")
    e = eligibility(campaign)
    assert e.percent == Decimal("88.8") and not e.eligible
    campaign = _county(9, [R.MET] * 8 + [R.NOT_MET], threshold="0.888")
    assert eligibility(campaign).eligible


def test_weighted_score_is_capped_at_each_indicators_score():
    campaign = _county(
        3, [R.MET, R.MET, R.NOT_APPLICABLE], scores={1: Decimal("2"), 2: Decimal("1.5"), 3: Decimal("1")}
    )
    Assessment.objects.filter(indicator__code="1.1.1").update(self_score=Decimal("5"))
    e = eligibility(campaign)
    assert (e.score, e.max_score) == (Decimal("3.5"), Decimal("3.5"))


def test_single_item_application_shows_eligibility_for_information():
    e = eligibility(_county(2, [R.MET, R.NOT_MET], kind="single_item"))
    assert not e.required and not e.eligible


def test_two_queries(django_assert_num_queries):
    campaign = Campaign.objects.get(pk=_county(30, [R.MET] * 30).pk)
    with django_assert_num_queries(2):
        eligibility(campaign)
