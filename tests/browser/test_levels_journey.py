"""Issue 14's journey across levels, in a real browser: the city reviewer compares three counties,
returns one with comments on two indicators; that county's office sees the list and resubmits;
the city passes both and recommends one comprehensive and one single-item campaign (a second
comprehensive one is refused); the province reviewer sees the recommendations and downloads the
package; an office admin of another county opening county A's pages gets the 404 page. Versions
are made with the review tests' helper (compiling through the pages is the report journey's)."""

import pytest
from playwright.sync_api import expect

from campaign.models import Campaign
from org.models import Membership, Region, Unit
from org.services import membership_create
from tests.factories import UnitFactory, UserFactory
from tests.reports.conftest import county  # noqa: F401  (the reports world, reused)
from tests.review.conftest import submit_version, tree  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300), pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _login(browser, base_url, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return context, page


def _office_admin(username, region, code):
    office = UnitFactory(code=code, name=f"{region.name}依法治县办", kind=Unit.Kind.OFFICE, region=region)
    user = UserFactory(username=username)
    membership_create(user=user, unit=office, role=Membership.Role.OFFICE_ADMIN)
    return user


def _decide(page, base_url, submission, outcome, reason, comments=()):
    page.goto(f"{base_url}/review/submissions/{submission.pk}/")
    page.get_by_label(outcome).check()
    page.get_by_label("理由").fill(reason)
    selects, texts = page.locator("select[name=comment_indicator]"), page.locator("input[name=comment_text]")
    for n, (indicator, text) in enumerate(comments):
        selects.nth(n).select_option(str(indicator.pk))
        texts.nth(n).fill(text)
    page.get_by_role("button", name="登记决定").click()
    expect(page.locator(".alert-success")).to_contain_text("决定已登记")


def _recommend(page, base_url, submission, reason):
    page.goto(f"{base_url}/review/submissions/{submission.pk}/")
    page.get_by_label("推荐理由").fill(reason)
    page.get_by_role("button", name="推荐", exact=True).click()


def test_three_counties_compared_returned_resubmitted_passed_recommended_and_downloaded(
    browser, live_server, request, shot
):
    w = request.getfixturevalue("tree")
    i1, _i2, i3 = w.indicators
    county_c = Region.objects.create(kind=Region.Kind.COUNTY, code="X3", name="丙县", parent=w.region.city)
    campaign_b = w.other_campaign(w.region.county_b)
    campaign_c = w.other_campaign(county_c)
    single = w.other_campaign(w.region.county_b, kind=Campaign.Kind.SINGLE_ITEM)
    office_c = _office_admin("office-c", county_c, "C-OFF")
    office_b = _office_admin("office-b", w.region.county_b, "B-OFF")
    a1 = submit_version(w.campaign, by=w.office_admin)
    b1 = submit_version(campaign_b, by=office_b)
    c1 = submit_version(campaign_c, by=office_c)
    s1 = submit_version(single, by=office_b)
    base = live_server.url

    city, page = _login(browser, base, "city-reviewer")
    page.goto(f"{base}/review/city/")
    for name in ("甲县", "乙县", "丙县"):
        expect(page.locator("table").get_by_text(name, exact=True).first).to_be_visible()
    shot(page, "levels-city-workspace")
    page.goto(f"{base}/review/city/compare/?indicator={i1.parent.parent_id}")
    expect(page.locator("table").get_by_text("丙县", exact=True).first).to_be_visible()

    _decide(
        page,
        base,
        c1,
        "退回补充",
        "两项指标佐证不足。",
        comments=[(i1, "补充政府常务会议纪要"), (i3, "补充现场照片")],
    )
    office, desk = _login(browser, base, "office-c")
    desk.goto(f"{base}/review/comments/")
    expect(desk.locator("[data-comment]")).to_have_count(2)
    expect(desk.get_by_text("补充现场照片")).to_be_visible()
    office.close()
    c2 = submit_version(campaign_c, by=office_c)  # worked through and resubmitted

    _decide(page, base, a1, "通过初审", "材料齐全。")
    _decide(page, base, c2, "通过初审", "已按意见补充。")
    _decide(page, base, s1, "通过初审", "项目特色鲜明。")
    _recommend(page, base, a1, "创新性突出，可复制可推广。")
    expect(page.locator(".alert-success")).to_contain_text("已推荐")
    _recommend(page, base, c2, "第二个综合示范。")  # one comprehensive per batch: refused
    expect(page.locator(".alert-danger, .alert-warning").first).to_be_visible()
    _recommend(page, base, s1, "单项示范，典型性强。")
    expect(page.locator(".alert-success")).to_contain_text("已推荐")
    assert Campaign.objects.get(pk=campaign_c.pk).stage != Campaign.Stage.RECOMMENDED
    assert b1.campaign.stage != Campaign.Stage.RECOMMENDED
    city.close()

    province, desk = _login(browser, base, "province-reviewer")
    desk.goto(f"{base}/review/recommendations/")
    incoming = desk.locator("[data-incoming]")
    expect(incoming).to_have_count(2)
    expect(desk.get_by_text("创新性突出，可复制可推广。")).to_be_visible()
    shot(desk, "levels-province-recommendations")
    with desk.expect_download() as download:
        incoming.filter(has_text="甲县").get_by_role("link", name="下载佐证材料包（ZIP）").click()
    assert download.value.suggested_filename.endswith(".zip")
    with open(download.value.path(), "rb") as fh:
        assert fh.read(2) == b"PK"
    province.close()

    other, desk = _login(browser, base, "office-b")
    desk.goto(f"{base}{w.shares.a_overdue.get_absolute_url()}")
    expect(desk.get_by_role("heading", name="页面不存在")).to_be_visible()
    desk.goto(f"{base}/reports/submissions/{a1.pk}/")
    expect(desk.get_by_role("heading", name="页面不存在")).to_be_visible()
    shot(desk, "levels-other-county-404")
    other.close()
