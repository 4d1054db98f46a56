import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_login_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ratio(page):
    text = page.locator(".display-6").inner_text()
    return float(re.search(r"([\d.]+)%", text).group(1))


def test_office_records_assessments_and_watches_eligibility_change(page, live_server, demo, shot):
    _login(page, live_server.url, "demo-office")
    page.get_by_role("link", name="总览").click()
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    before = _ratio(page)
    shot(page, "dashboard")
    page.get_by_role("link", name="自查自评", exact=True).first.click()
    page.get_by_label("自评结果").select_option("none")
    page.get_by_role("button", name="筛选").click()
    shot(page, "assessments", full_page=False)
    for _ in range(3):
        page.locator("tbody tr a").first.click()
        # The list's filter has a "自评结果" select too: wait for the edit page first.
        expect(page.get_by_label("主要做法")).to_be_visible()
        page.get_by_label("自评结果").select_option("met")
        page.get_by_label("主要做法").fill("制定方案，明确分工，按期完成。")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".alert-success")).to_contain_text("已保存")
        page.goto(f"{live_server.url}/campaigns/assessments/?result=none")
    page.get_by_role("link", name="总览").click()
    after = _ratio(page)
    assert after > before
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "dashboard-phone")
