"""The city's and the province's workspaces (issue 14 items 4 and 7, read side): each county's
latest submission side by side from the figures frozen in it, sorted by any column, exported,
charted, and one level-1 indicator compared county by county; scoped to the reviewer's city or
province; a constant number of queries whatever the number of counties."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.eligibility import eligibility
from assessment.models import Assessment
from assessment.services import assessment_save
from campaign.models import Campaign
from evidence.models import Evidence
from org.models import Membership, Region, Unit
from org.services import membership_create
from reports.models import Submission
from reports.selectors import submission_frozen_figures, submission_state
from review import selectors
from review.models import Decision, Level, Recommendation
from tests.factories import CampaignFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

RESULTS = {  # per county: the three level-3 results of the world's tree
    "甲县": ["met", "met", "met"],
    "乙县": ["met", "partial", "not_applicable"],
    "丙县": ["not_met", "partial", "met"],
}


def _city(code, name, province):
    return Region.objects.create(kind=Region.Kind.CITY, code=code, name=name, parent=province)


def _submit(campaign, city_office, results=None, days_ago=0):
    """A submission as submission_create freezes it (the figures through the same selectors),
    without compiling a PDF: the files are small stand-ins the workspace never opens. `results`
    (one per level-3 indicator) are saved first; without them the assessments stand as they are
    and the manifest lists the campaign's accepted evidence, else three documents."""
    level3 = campaign.framework.indicators.filter(level=3).order_by("code")
    for ind, result in zip(level3, results or (), strict=results is not None):
        Assessment.objects.update_or_create(
            campaign=campaign, indicator=ind, defaults={"result": result, "self_score": 1 if result == "met" else 0}
        )
    e = eligibility(campaign)
    files = 3 if results is not None else Evidence.objects.accepted().filter(assignment__campaign=campaign).count()
    manifest = [{"path": "r.pdf", "kind": "report"}] + [{"path": f"{n}.pdf", "kind": "document"} for n in range(files)]
    s = Submission(
        campaign=campaign,
        version=Submission.objects.filter(campaign=campaign).count() + 1,
        snapshot=submission_state(campaign),
        city_office=city_office,
        county=campaign.county,
        title=campaign.name,
        report_sha256="0",
        package_sha256="0",
        manifest=manifest,
        eligibility={
            "met": e.met,
            "applicable": e.applicable,
            "percent": str(e.percent) if e.percent is not None else None,
            "threshold": str(e.threshold),
            "eligible": e.eligible,
            **submission_frozen_figures(campaign, e, manifest),
        },
    )
    s.report.save("r.pdf", ContentFile(b"%PDF"), save=False)
    s.package.save("p.zip", ContentFile(b"PK"), save=False)
    s.save()
    if days_ago:
        Submission.objects.filter(pk=s.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return s


@pytest.fixture
def counties(world):
    """The world's city office serves a city of three counties, each with a campaign on the
    world's framework and a submission (乙县's a single-item one); 乙县 submitted twice (the later one counts). Each level-3
    indicator is worth 2 points."""
    world.campaign.framework.indicators.filter(level=3).update(score=2)
    city_region = _city("C9", "甲市", Region.objects.create(kind=Region.Kind.PROVINCE, code="P9", name="某省"))
    campaigns = {}
    for n, name in enumerate(RESULTS):
        region = Region.objects.create(kind=Region.Kind.COUNTY, code=f"X9{n}", name=name, parent=city_region)
        campaigns[name] = CampaignFactory(
            name=f"{name}创建",
            county=name,
            region=region,
            framework=world.campaign.framework,
            city_office=world.city,
            **({"kind": Campaign.Kind.SINGLE_ITEM, "single_item_title": "营商环境"} if name == "乙县" else {}),
        )
    _submit(campaigns["乙县"], world.city, ["not_met", "not_met", "not_met"], days_ago=3)
    for name, results in RESULTS.items():
        _submit(campaigns[name], world.city, results)
    world.city_region, world.counties = city_region, campaigns
    return world


def _rows(response):
    return [r.county for r in response.context["rows"]]


def test_city_workspace_shows_each_countys_latest_submission_side_by_side(client, counties):
    client.force_login(counties.city_reviewer)
    response = client.get("/review/city/")
    assert response.status_code == 200
    rows = {r.county: r for r in response.context["rows"]}
    assert sorted(rows) == sorted(RESULTS)
    assert (rows["甲县"].met, rows["甲县"].applicable, rows["甲县"].eligible) == (3, 3, True)
    assert (rows["乙县"].met, rows["乙县"].applicable) == (1, 2)  # the resubmission, not the first
    assert rows["甲县"].evidence == 3 and rows["甲县"].score == 3 and rows["甲县"].max_score == 6
    assert rows["甲县"].veto == []
    assert rows["甲县"].overdue == 0  # its campaign has no shares
    assert Submission.objects.filter(campaign=counties.counties["乙县"]).count() == 2
    html = response.content.decode()
    assert "甲县" in html and "100.0%" in html and "50.0%" in html


def test_workspace_shows_what_was_submitted_not_todays_work(client, counties):
    campaign = counties.counties["丙县"]
    for ind in campaign.framework.indicators.filter(level=3):
        assessment_save(campaign=campaign, indicator=ind, by=None, result="met", practice="后来改好了")
    client.force_login(counties.city_reviewer)
    rows = {r.county: r for r in client.get("/review/city/").context["rows"]}
    assert rows["丙县"].met == 1


def test_city_reviewer_of_another_city_sees_none_of_its_counties(client, counties):
    other = UnitFactory(code="C77", name="乙市委依法治市办", kind=Unit.Kind.CITY_OFFICE)
    stranger = UserFactory(username="other-city")
    membership_create(user=stranger, unit=other, role=Membership.Role.CITY_REVIEWER)
    client.force_login(stranger)
    for path in ("/review/city/", "/review/city/compare/"):
        response = client.get(path)
        assert response.status_code == 200 and response.context["rows"] == []
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/review/city/export/").content))
    assert wb.active.max_row == 1  # the headers alone


@pytest.mark.parametrize("persona", ["office_admin", "office_staff", "liaison_a", "nobody"])
def test_county_people_do_not_get_the_city_workspace(client, counties, persona):
    client.force_login(getattr(counties, persona))
    assert client.get("/review/city/").status_code == 403


def test_workspace_sorts_by_every_column_both_ways(client, counties):
    client.force_login(counties.city_reviewer)
    for key in selectors.COLUMN_KEYS:
        for sort in (key, f"-{key}"):
            response = client.get("/review/city/", {"sort": sort})
            assert response.status_code == 200 and len(response.context["rows"]) == 3, sort
    assert _rows(client.get("/review/city/", {"sort": "-ratio"})) == ["甲县", "乙县", "丙县"]
    assert _rows(client.get("/review/city/", {"sort": "ratio"})) == ["丙县", "乙县", "甲县"]
    assert _rows(client.get("/review/city/", {"sort": "-score"}))[0] == "甲县"
    # A sort that is no column falls back to the county, never a server error.
    assert _rows(client.get("/review/city/", {"sort": "-__class__"})) == sorted(RESULTS)


def test_the_current_sort_heading_links_to_its_reverse(client, counties):
    client.force_login(counties.city_reviewer)
    headings = {h["key"]: h for h in client.get("/review/city/", {"sort": "ratio"}).context["headings"]}
    assert headings["ratio"]["sort"] == "-ratio" and headings["ratio"]["current"] == "asc"
    assert headings["score"]["sort"] == "score" and headings["score"]["current"] == ""


def test_export_is_a_workbook_of_the_rows_in_the_pages_order(client, counties):
    client.force_login(counties.city_reviewer)
    response = client.get("/review/city/export/", {"sort": "-ratio"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows[0]) == len(selectors.COLUMNS)
    assert [r[0] for r in rows[1:]] == ["甲县", "乙县", "丙县"]
    assert rows[1][3] == "3/3" and rows[1][4] == "100.0%"


def test_export_escapes_a_formula_in_a_campaign_name(client, counties):
    Submission.objects.filter(campaign=counties.counties["甲县"]).update(title="=HYPERLINK(1)")
    client.force_login(counties.city_reviewer)
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/review/city/export/").content)).active
    assert "'=HYPERLINK(1)" in [c.value for c in ws["B"]]


def test_chart_has_one_bar_per_county(client, counties):
    client.force_login(counties.city_reviewer)
    chart = client.get("/review/city/", {"sort": "-ratio"}).context["chart"]
    assert [(b["label"], b["done"], b["total"], b["pct"]) for b in chart] == [
        ("甲县", 3, 3, 100),
        ("乙县", 1, 2, 50),
        ("丙县", 1, 3, 33),
    ]


def test_compare_shows_each_countys_result_and_score_per_level3(client, counties):
    client.force_login(counties.city_reviewer)
    level1 = counties.campaign.framework.indicators.get(level=1)
    response = client.get("/review/city/compare/", {"indicator": level1.pk, "sort": "county"})
    assert response.status_code == 200
    counties_shown = [r.county for r, _total in response.context["columns"]]
    lines = response.context["lines"]
    assert [line.indicator.code for line in lines] == ["1.1.1", "1.1.2", "1.1.3"]
    by_county = {c: [line.cells[n]["result"] for line in lines] for n, c in enumerate(counties_shown)}
    assert by_county == RESULTS
    totals = dict(zip(counties_shown, (t for _r, t in response.context["columns"]), strict=True))
    assert totals["甲县"]["met"] == 3 and totals["甲县"]["score"] == 3
    assert "基本达标" in response.content.decode()


def test_compare_of_an_indicator_that_is_not_level1_is_404(client, counties):
    client.force_login(counties.city_reviewer)
    level3 = counties.campaign.framework.indicators.filter(level=3).first()
    assert client.get("/review/city/compare/", {"indicator": level3.pk}).status_code == 404
    assert client.get("/review/city/compare/", {"indicator": "not-a-uuid"}).status_code == 404


def _province_reviewer(province):
    office = UnitFactory(code="P9O", name="省委依法治省办", kind=Unit.Kind.PROVINCE_OFFICE, region=province)
    user = UserFactory(username="province-reviewer")
    membership_create(user=user, unit=office, role=Membership.Role.PROVINCE_REVIEWER)
    return user


def _decide(submission, outcome, level=Level.CITY):
    return Decision.objects.create(
        submission=submission, campaign=submission.campaign, level=level, outcome=outcome, reason="理由"
    )


def _recommend(submission, city_region):
    decision = _decide(submission, Decision.Outcome.PASSED)
    return Recommendation.objects.create(
        level=Level.CITY,
        region=city_region,
        kind=submission.campaign.kind,
        submission=submission,
        campaign=submission.campaign,
        decision=decision,
        reason="成效突出",
    )


def _latest(campaign):
    return Submission.objects.filter(campaign=campaign).order_by("-version").first()


def test_review_status_is_the_decision_on_the_latest_version(client, counties):
    first = Submission.objects.get(campaign=counties.counties["乙县"], version=1)
    _decide(first, Decision.Outcome.RETURNED)
    _decide(_latest(counties.counties["丙县"]), Decision.Outcome.REJECTED)
    _recommend(_latest(counties.counties["甲县"]), counties.city_region)
    client.force_login(counties.city_reviewer)
    rows = {r.county: r for r in client.get("/review/city/").context["rows"]}
    assert rows["甲县"].status == "recommended"
    assert rows["乙县"].status == "waiting" and rows["乙县"].submission.version == 2  # resubmitted after the return
    assert rows["丙县"].status == "rejected"
    assert _rows(client.get("/review/city/", {"sort": "status"}))[0] == "丙县"  # 不予推荐 sorts before 待审


def test_province_reviewer_sees_what_its_cities_recommended_only(client, counties):
    province = counties.city_region.parent
    elsewhere = _city("C8", "外省市", Region.objects.create(kind=Region.Kind.PROVINCE, code="P8", name="外省"))
    far = Region.objects.create(kind=Region.Kind.COUNTY, code="X80", name="外县", parent=elsewhere)
    far_campaign = CampaignFactory(region=far, county="外县", framework=counties.campaign.framework)
    _recommend(_submit(far_campaign, counties.city, RESULTS["甲县"]), elsewhere)
    _recommend(_latest(counties.counties["甲县"]), counties.city_region)
    _recommend(_latest(counties.counties["乙县"]), counties.city_region)
    client.force_login(_province_reviewer(province))
    assert 'href="/review/province/"' in client.get("/").content.decode()
    response = client.get("/review/province/", {"sort": "county"})
    assert response.status_code == 200
    assert _rows(response) == ["乙县", "甲县"]  # 丙县 was not recommended; 外县 is another province's
    assert {r.city for r in response.context["rows"]} == {"甲市"}
    assert {r.status for r in response.context["rows"]} == {"waiting"}  # no 省级初审 yet
    assert {r.city_reason for r in response.context["rows"]} == {"成效突出"}
    level1 = counties.campaign.framework.indicators.get(level=1)
    compare = client.get("/review/province/compare/", {"indicator": level1.pk})
    assert compare.status_code == 200 and len(compare.context["lines"]) == 3
    assert client.get("/review/province/export/").status_code == 200
    assert client.get("/review/city/").status_code == 403  # the city's own workspace is not the province's
    _decide(_latest(counties.counties["甲县"]), Decision.Outcome.PASSED, level=Level.PROVINCE)
    rows = {r.county: r for r in client.get("/review/province/").context["rows"]}
    assert rows["甲县"].status == "passed" and rows["乙县"].status == "waiting"  # the province's own 初审


def test_city_reviewer_does_not_get_the_province_workspace(client, counties):
    client.force_login(counties.city_reviewer)
    assert client.get("/review/province/").status_code == 403


def test_city_reviewers_home_leads_to_the_workspace(client, counties):
    client.force_login(counties.city_reviewer)
    html = client.get("/").content.decode()
    assert 'href="/review/city/"' in html


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/review/city/", "/review/city/compare/", "/review/city/export/"])
def test_workspace_queries_are_the_same_for_one_and_three_counties(client, world, path):
    city_region = _city("C9", "甲市", Region.objects.create(kind=Region.Kind.PROVINCE, code="P9", name="某省"))
    client.force_login(world.city_reviewer)

    def county(n):
        region = Region.objects.create(kind=Region.Kind.COUNTY, code=f"X9{n}", name=f"县{n}", parent=city_region)
        campaign = CampaignFactory(region=region, county=f"县{n}", framework=world.campaign.framework)
        _submit(campaign, world.city, RESULTS["乙县"])
        _submit(campaign, world.city, RESULTS["甲县"])  # a resubmission: still one row

    county(0)
    client.get(path)  # the session, the content types: what a first request reads once
    one = _queries(client, path)
    county(1)
    county(2)
    three = _queries(client, path)
    assert one == three
    assert Campaign.objects.filter(submissions__isnull=False).distinct().count() == 3
