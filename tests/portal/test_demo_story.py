"""The demo tells one story (issue 21, item 7): its history, results and evidence agree, and the
three counties stand where their data puts them (issue 14, item 10).

The whole demo (three counties, two submissions with their real PDFs) is loaded once for the
module inside a transaction that is rolled back at the end; each test runs in a savepoint."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from assessment.eligibility import eligibility
from assessment.models import Assessment, DailySnapshot, Rectification
from assignments.models import Assignment
from campaign.models import Campaign
from campaign.selectors import campaign_current
from core.models import User
from evidence.models import Evidence
from org.models import Membership, Region, Unit
from portal.demo import COUNTIES, ELIGIBLE, SHORT, VETO, _narratives
from reports.models import ReportText, Submission
from tests.assessment.test_dashboard_tiles_agree import BAR, TILE, _listed

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                call_command("load_demo", stdout=io.StringIO())
                yield {c.slug: c for c in Campaign.objects.all()}
                raise _Rollback
        except _Rollback:
            pass


def test_the_demo_is_one_province_one_city_three_counties_with_their_logins(story):
    province = Region.objects.get(kind=Region.Kind.PROVINCE)
    city = Region.objects.get(kind=Region.Kind.CITY, parent=province)
    counties = Region.objects.filter(kind=Region.Kind.COUNTY, parent=city)
    assert counties.count() == 3
    assert {c.region_id for c in story.values()} == set(counties.values_list("pk", flat=True))
    for county in counties:
        assert Unit.objects.filter(region=county).count() == 57  # 42 departments (the office among them), 15 townships
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles["demo-office-2"] == roles["demo-office-3"] == roles["demo-office"] == "office_admin"
    assert roles["demo-city"] == "city_reviewer" and roles["demo-province"] == "province_reviewer"
    offices = Membership.objects.filter(user__username__in=["demo-office", "demo-office-2", "demo-office-3"])
    assert offices.values("unit__region").distinct().count() == 3  # one office per county
    assert User.objects.get(username="demo-province").check_password("fazhi-demo-2026")
    # Each office lands in its own county's campaign (and the city's reviewer sees its counties').
    for spec in COUNTIES:
        assert campaign_current(User.objects.get(username=spec.office_login)).slug == spec.slug
    assert Campaign.objects.order_by("-created_at").first().slug == "demo-2026"  # one county's deployment: county 1


def test_each_county_stands_at_its_readiness(story):
    expected = {ELIGIBLE: (True, []), SHORT: (False, []), VETO: (False, ["3.2.5"])}
    for spec in COUNTIES:
        e = eligibility(story[spec.slug])
        eligible, veto = expected[spec.readiness]
        assert (e.eligible, e.veto_blockers) == (eligible, veto), spec.slug
        if spec.readiness == SHORT:
            assert e.percent < 90
        else:
            assert e.percent >= 90  # the veto county is over the threshold: the veto alone stops it


def test_every_met_indicator_has_every_share_accepted_on_accepted_evidence(story):
    met = Assessment.objects.filter(result=Assessment.Result.MET)
    assert met.count() == 84 + 92 + 89
    for a in met.select_related("indicator"):
        rows = Assignment.objects.filter(campaign_id=a.campaign_id, indicator_id=a.indicator_id).annotate(
            proof=Count("evidence", filter=Evidence.accepted_q("evidence__"))
        )
        assert rows.exists(), a.indicator.code
        assert all(r.status == Assignment.Status.ACCEPTED and r.proof for r in rows), a.indicator.code


def test_every_accepted_share_has_accepted_evidence_and_none_waiting(story):
    accepted = Assignment.objects.filter(status=Assignment.Status.ACCEPTED).annotate(
        proof=Count("evidence", filter=Evidence.accepted_q("evidence__")),
        waiting=Count("evidence", filter=Q(evidence__review_status=Evidence.Review.PENDING)),
    )
    assert accepted.count() > 1500  # county 1 alone has 1,445
    assert not accepted.filter(proof=0).exists()
    assert not accepted.filter(waiting__gt=0).exists()


def test_what_is_short_has_its_rectification_and_what_is_open_is_still_at_work(story):
    for a in Assessment.objects.filter(result=Assessment.Result.PARTIAL).select_related("indicator"):
        assert Rectification.objects.filter(assessment=a, status=Rectification.Status.OPEN).exists(), a.indicator.code
    for campaign in story.values():
        assessed = Assessment.objects.filter(campaign=campaign).values_list("indicator_id", flat=True)
        unassessed = Assignment.objects.filter(campaign=campaign).exclude(indicator_id__in=assessed)
        for indicator_id in set(unassessed.values_list("indicator_id", flat=True)):
            shares = unassessed.filter(indicator_id=indicator_id)
            assert shares.exclude(status=Assignment.Status.ACCEPTED).exists()  # not assessed: work still open
    # Overdue work is never on an indicator already met.
    today = timezone.localdate()
    overdue = Assignment.objects.open().filter(ongoing=False, deadline__lt=today)
    assert overdue.filter(campaign__slug="demo-2026").count() >= 20
    met = set(Assessment.objects.filter(result=Assessment.Result.MET).values_list("campaign_id", "indicator_id"))
    assert not set(overdue.values_list("campaign_id", "indicator_id")) & met


def test_the_history_ends_at_todays_figures_and_never_passes_them(story):
    today = timezone.localdate()
    for campaign in story.values():
        history = list(DailySnapshot.objects.filter(campaign=campaign).order_by("day"))
        assert len(history) == 31 and history[-1].day == today
        last = history[-1]
        assert last.evidence_accepted == Evidence.objects.accepted().filter(campaign=campaign).count()
        assert last.evidence_total == Evidence.objects.visible().filter(campaign=campaign).count()
        assert last.shares_accepted == campaign.assignments.filter(status=Assignment.Status.ACCEPTED).count()
        assert last.indicators_met == eligibility(campaign).met
        for name in ("evidence_accepted", "evidence_total", "shares_accepted"):
            values = [getattr(h, name) for h in history]
            assert values == sorted(values), (campaign.slug, name)  # a climb, never past today
        assert history[0].evidence_accepted < last.evidence_accepted  # thirty days of real work
        assert max(h.indicators_met for h in history) <= eligibility(campaign).met + 1  # +1: the veto, recorded since


def test_the_dashboard_trend_ends_at_its_tiles_and_every_tile_equals_its_list(client, story):
    client.force_login(User.objects.get(username="demo-office"))
    response = client.get(reverse("assessment:dashboard"))
    context, body = response.context, response.content.decode()
    snapshot = DailySnapshot.objects.filter(campaign=story["demo-2026"]).order_by("day").last()
    assert context["evidence"]["accepted"] == snapshot.evidence_accepted
    assert context["shares"]["accepted"] == snapshot.shares_accepted
    assert context["eligibility"].met == snapshot.indicators_met
    for url, value, label in TILE.findall(body):
        assert _listed(client, unescape(url)) == int(value.split("/")[0]), label
    for url, label, _done, total in BAR.findall(body):
        assert _listed(client, unescape(url)) == int(total), label


def test_the_office_home_chips_equal_their_lists(client, story):
    client.force_login(User.objects.get(username="demo-office"))
    body = client.get(reverse("portal:home")).content.decode()
    chips = re.findall(
        r'<a class="btn btn-outline-secondary btn-sm" href="([^"]+\?[^"]+)">[^<]+<span class="badge[^"]*">(\d+)</span>',
        body,
    )
    assert len(chips) == 2  # waiting for review, overdue
    for url, shown in chips:
        assert _listed(client, unescape(url)) == int(shown), url
    assert {int(n) for _, n in chips} != {0}


@pytest.mark.parametrize("username", ["demo-liaison-D16", "demo-leader-T01"])
def test_a_units_home_chips_equal_its_groups(client, story, username):
    client.force_login(User.objects.get(username=username))
    context = client.get(reverse("portal:home")).context
    shown = {g["key"]: g["total"] for g in context["task_groups"]}
    assert {"overdue", "accepted"} <= set(shown)
    for key, total in shown.items():
        page = client.get(reverse("portal:home") + f"?group={key}").context["page"]
        assert page.paginator.count == total, key


def test_each_campaign_stands_at_the_stage_its_submissions_put_it(story):
    for spec in COUNTIES:
        campaign = story[spec.slug]
        submissions = list(Submission.objects.filter(campaign=campaign))
        if spec.readiness == SHORT:
            assert campaign.stage == Campaign.Stage.SELF_ASSESSMENT and not submissions
            continue
        assert campaign.stage == Campaign.Stage.DECLARED and len(submissions) == 1
        sent = submissions[0]
        assert sent.eligibility["eligible"]  # the service refuses a county that is not
        declared = campaign.stage_events.get(to_stage=Campaign.Stage.DECLARED)
        assert declared.effective_on == timezone.localtime(sent.created_at).date()
        assert sent.manifest and sent.package_sha256 and sent.report_sha256
        if spec.readiness == VETO:
            veto = Assessment.objects.get(campaign=campaign, veto_triggered=True)
            assert veto.shortfall and veto.result == Assessment.Result.NOT_MET
    # The city's comparison has real differences.
    figures = {s.campaign.slug: s.eligibility["percent"] for s in Submission.objects.select_related("campaign")}
    assert len(set(figures.values())) == len(figures) == 2


def test_the_report_texts_fit_the_counties(story):
    townships = Unit.objects.filter(region=story["demo-2026"].region, kind=Unit.Kind.TOWNSHIP)
    counts = {suffix: sum(1 for u in townships if u.name.endswith(suffix)) for suffix in ("镇", "乡", "街道")}
    facts = _narratives()["report_text"]["basic_facts"]
    assert f"辖 {counts['镇']} 个镇、{counts['乡']} 个乡、{counts['街道']} 个街道" in facts
    # The county whose major decision was revoked does not say none was.
    vetoed = Assessment.objects.filter(campaign=story["demo-2026-x3"]).exclude(outcomes="")
    assert vetoed.exists() and not any("未发生被撤销" in a.outcomes for a in vetoed)
    for campaign in story.values():
        assert ReportText.objects.get(campaign=campaign).basic_facts.startswith("本县位于本市")


def test_a_second_load_demo_changes_nothing_and_lists_every_login(story):
    def counts():
        return [
            m.objects.count()
            for m in (Region, Unit, Campaign, Assignment, Evidence, Assessment, Submission, Membership, User)
        ]

    before = counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "fazhi-demo-2026" in out.getvalue()
    for login in ("demo-office", "demo-liaison-T01", "demo-office-2", "demo-office-3", "demo-city", "demo-province"):
        assert f"  {login}\n" in out.getvalue()
