"""The city returns a version with comments on two indicators, the county office works through
the list (the comments show on its assessment pages), resubmits, and the city passes the new
version and recommends it (issue 14's journey, the decision half). The versions are made with the
review tests' helper: compiling and submitting through the pages is the report journey's subject."""

import pytest
from playwright.sync_api import expect

from tests.reports.conftest import county  # noqa: F401  (fixtures of the review tests, reused)
from tests.review.conftest import submit_version, tree  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240), pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _login(browser, base_url, username, phone=False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return context, page


def test_city_returns_two_indicators_county_fixes_resubmits_city_passes_and_recommends(
    browser, live_server, request, shot
):
    w = request.getfixturevalue("tree")
    i1, _i2, i3 = w.indicators
    v1 = submit_version(w.campaign, by=w.office_admin)
    city, page = _login(browser, live_server.url, "city-reviewer")
    page.goto(f"{live_server.url}/review/submissions/{v1.pk}/")
    expect(page.get_by_role("heading", name="甲县")).to_be_visible()
    page.get_by_label("退回补充").check()
    page.get_by_label("理由").fill("两项指标佐证不足，请补充后重新报送。")
    selects, texts = page.locator("select[name=comment_indicator]"), page.locator("input[name=comment_text]")
    selects.nth(0).select_option(str(i1.pk))
    texts.nth(0).fill("补充政府常务会议纪要")
    selects.nth(1).select_option(str(i3.pk))
    texts.nth(1).fill("补充现场照片")
    shot(page, "review-decide")
    page.get_by_role("button", name="登记决定").click()
    expect(page.locator(".alert-success")).to_contain_text("决定已登记")
    expect(page.locator("[data-decision=returned]")).to_contain_text("补充现场照片")

    office, desk = _login(browser, live_server.url, "office-admin")
    desk.goto(f"{live_server.url}/review/comments/")
    expect(desk.locator("[data-comment]")).to_have_count(2)
    shot(desk, "review-comments")
    desk.locator(f"[data-comment='{i1.code}'] a").click()
    expect(desk.locator("[data-indicator-note]")).to_contain_text("补充政府常务会议纪要")
    shot(desk, "review-comment-on-assessment")
    desk.goto(f"{live_server.url}/review/comments/")
    for code in (i1.code, i3.code):
        desk.locator(f"[data-comment='{code}']").get_by_role("button", name="标为已处理").click()
        expect(desk.locator(f"[data-comment='{code}'][data-done]")).to_be_visible()
    desk.goto(f"{live_server.url}/campaigns/assessments/{i3.pk}/")  # the fix: 1.1.3 is now met
    desk.locator("#id_result").select_option("met")
    desk.get_by_role("button", name="保存").click()
    expect(desk.locator(".alert-success")).to_be_visible()
    phone_ctx, phone = _login(browser, live_server.url, "office-admin", phone=True)
    phone.goto(f"{live_server.url}/review/comments/")
    shot(phone, "review-comments-phone")
    phone_ctx.close()
    v2 = submit_version(w.campaign, by=w.office_admin)  # fixed and resubmitted

    page.goto(f"{live_server.url}/review/submissions/{v1.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("不能再对此版本作出决定")
    page.goto(f"{live_server.url}/review/submissions/{v2.pk}/")
    page.get_by_label("通过初审").check()
    page.get_by_label("理由").fill("已按意见补充，材料齐全。")
    page.get_by_role("button", name="登记决定").click()
    expect(page.locator(".alert-success")).to_contain_text("决定已登记")
    page.get_by_label("推荐理由").fill("创新性突出，可复制可推广。")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已推荐")
    shot(page, "review-recommended")
    page.get_by_role("link", name="版本间变化").click()
    expect(page.locator("[data-diff-counts]")).to_contain_text("1 项自评有变化")
    expect(page.locator(f"[data-change='{i3.code}']")).to_contain_text("达标")
    shot(page, "review-versions")
    page.goto(f"{live_server.url}/review/recommendations/")
    expect(page.get_by_text("创新性突出")).to_be_visible()
    shot(page, "review-recommendations")
    office.close()
    city.close()
