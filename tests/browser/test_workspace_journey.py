"""Issue 14 items 4 and 7 (read side): the city reviewer opens the workspace from home, compares
three counties side by side, sorts, reads one level-1 indicator county by county and downloads
the workbook; on a phone too. The province reviewer sees what the city recommended."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from assessment.models import Assessment
from campaign.models import Campaign
from indicators.models import Indicator
from org.models import Membership, Region, Unit
from review.models import Decision, Level, Recommendation
from tests.browser.test_login_journey import _login
from tests.review.test_workspace import _submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _veto(demo):
    """The veto indicator 西河县 triggered (the demo's tree marks others as veto indicators too)."""
    level3 = Indicator.objects.filter(framework=demo.framework, level=3).order_by("code")
    return level3[4]


def _three_counties(demo):
    """The demo county and two more of its city on the same framework: 东山县 assessed further
    (eligible), 西河县 short of 90 % with a veto indicator triggered. Each has submitted."""
    campaign = Campaign.objects.get(slug="demo-2026")
    city_office = Unit.objects.get(code="C01")
    Campaign.objects.filter(pk=campaign.pk).update(city_office=city_office)
    city = campaign.region.parent
    level3 = list(Indicator.objects.filter(framework=campaign.framework, level=3).order_by("code"))
    veto = level3[4]
    Indicator.objects.filter(pk=veto.pk).update(is_veto=True)
    submissions = {"demo": _submit(campaign, city_office)}  # the demo's own assessments as they stand
    for n, (name, met_share, vetoed) in enumerate((("东山县", 1.0, False), ("西河县", 0.8, True))):
        region = Region.objects.create(kind=Region.Kind.COUNTY, code=f"XW{n}", name=name, parent=city)
        other = Campaign.objects.create(
            name=f"{name}法治政府建设示范创建",
            slug=f"ws-{n}",
            county=name,
            region=region,
            framework=campaign.framework,
            city_office=city_office,
            stage="self_assessment",
        )
        met = int(len(level3) * met_share)
        Assessment.objects.bulk_create(
            Assessment(
                campaign=other,
                indicator=ind,
                result="met" if i < met else ("partial" if i % 2 else "not_met"),
                self_score=ind.score if i < met else 0,
                veto_triggered=vetoed and ind.pk == veto.pk,
            )
            for i, ind in enumerate(level3)
        )
        submissions[name] = _submit(other, city_office)
    return submissions


def test_city_reviewer_compares_three_counties_and_downloads_the_workbook(browser, live_server, demo, shot):
    submissions = _three_counties(demo)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    _login(page, live_server.url, "demo-city")
    page.get_by_role("link", name="在工作台中对比各县").click()
    expect(page.get_by_role("heading", name="市级工作台")).to_be_visible()
    table = page.locator("table.workspace-table tbody tr")
    expect(table).to_have_count(3)
    page.get_by_role("link", name="达标率").click()
    page.get_by_role("link", name="达标率 ▲").click()  # the current sort's heading reverses it
    expect(table.first).to_contain_text("东山县")
    expect(table.last).to_contain_text("西河县")
    expect(table.last).to_contain_text(_veto(demo).code)
    shot(page, "workspace-city-desktop")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出（XLSX）").click()
    ws = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)][0] == "东山县"
    page.get_by_role("link", name="按指标对比").first.click()
    expect(page.get_by_role("heading", name="按指标对比")).to_be_visible()
    second = Indicator.objects.filter(framework=submissions["demo"].campaign.framework, level=1).order_by("position")[1]
    page.get_by_label("一级指标").select_option(str(second.pk))
    page.get_by_role("button", name="显示").click()
    expect(page.locator(".card-header")).to_contain_text(second.title)
    expect(page.locator("table.compare-table thead")).to_contain_text("西河县")
    shot(page, "workspace-compare-desktop")
    desk.close()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    _login(page, live_server.url, "demo-city")
    page.goto(f"{live_server.url}/review/city/?sort=-ratio")
    expect(page.locator("table.workspace-table tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    shot(page, "workspace-city-phone")
    page.goto(f"{live_server.url}/review/city/compare/?indicator={second.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "workspace-compare-phone")
    phone.close()


def test_province_reviewer_sees_the_citys_recommendation(browser, live_server, demo, shot):
    submissions = _three_counties(demo)
    chosen = submissions["东山县"]
    city = chosen.campaign.region.parent
    decision = Decision.objects.create(
        submission=chosen, campaign=chosen.campaign, level=Level.CITY, outcome="passed", reason="材料齐全"
    )
    Recommendation.objects.create(
        level=Level.CITY,
        region=city,
        kind=chosen.campaign.kind,
        submission=chosen,
        campaign=chosen.campaign,
        decision=decision,
        reason="各项指标全部达标",
    )
    # The demo's province reviewer (its province office is the province of this city).
    assert Membership.objects.filter(user__username="demo-province", unit__region=city.parent).exists()
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    _login(page, live_server.url, "demo-province")
    page.get_by_role("link", name="打开省级工作台").click()
    rows = page.locator("table.workspace-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("东山县")
    expect(rows.first).to_contain_text("待审核")
    expect(rows.first).to_contain_text("各项指标全部达标")  # the city's reason
    shot(page, "workspace-province-desktop")
