import pytest
from playwright.sync_api import expect

from tests.browser.test_login_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser):
    return browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)


def test_liaison_submits_office_returns_liaison_sees_why(browser, live_server, demo, shot):
    phone = _phone(browser)
    page = phone.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    expect(page.get_by_role("heading", name="被退回的任务 · 1")).to_be_visible()
    page.locator("section", has=page.get_by_role("heading", name="已逾期")).locator("a.task-card").first.click()
    expect(page.get_by_role("heading", name="下一步")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "share-phone")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    share_url = page.url
    phone.close()

    # The township's leader is told, checks the evidence and signs the submission off.
    phone = _phone(browser)
    leader = phone.new_page()
    _login(leader, live_server.url, "demo-leader-T01")
    expect(leader.locator("body")).to_contain_text("待负责人审签")
    leader.goto(share_url)
    leader.get_by_role("button", name="审签", exact=True).click()
    expect(leader.locator(".alert-success")).to_contain_text("已审签")
    shot(leader, "share-signed-off-phone", full_page=False)
    phone.close()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    office = desk.new_page()
    _login(office, live_server.url, "demo-staff")
    office.goto(share_url)
    expect(office.locator("body")).to_contain_text("已审签")
    office.get_by_label("意见").fill("请补充会议纪要的盖章扫描件。")
    office.get_by_role("button", name="退回并说明原因").click()
    expect(office.locator(".alert-success")).to_contain_text("已退回")
    office.goto(f"{live_server.url}/assignments/board/")
    expect(office.get_by_role("heading", name="督办看板")).to_be_visible()
    shot(office, "board", full_page=False)
    office.goto(f"{live_server.url}/assignments/?overdue=true")
    shot(office, "task-list", full_page=False)
    desk.close()

    phone = _phone(browser)
    page = phone.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    expect(page.locator("body")).to_contain_text("请补充会议纪要的盖章扫描件。")
    expect(page.locator(".nav-unread, .navbar-toggler").first).to_be_visible()
    shot(page, "home-liaison-phone-returned")
    phone.close()


def test_office_admin_moves_the_campaign_stage(page, live_server, demo, shot):
    _login(page, live_server.url, "demo-office")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="创建活动").click()
    page.get_by_role("link", name="2026年法治政府建设示范创建（综合示范）").click()
    page.get_by_label("新阶段").select_option(label="已向市申报")
    page.get_by_label("备注").fill("经县政府常务会议研究同意申报")
    page.get_by_role("button", name="登记阶段变更").click()
    expect(page.locator(".alert-success")).to_contain_text("已向市申报")
    expect(page.locator(".timeline")).to_contain_text("经县政府常务会议研究同意申报")
    shot(page, "campaign", full_page=False)
