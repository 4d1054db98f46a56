import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, username):
    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_liaison_logs_in_and_sees_chinese_home_with_overdue_work(page, live_server, demo, shot):
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "login")
    _login(page, live_server.url, "demo-liaison-D16")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    expect(page.locator("body")).to_contain_text("县司法局")
    expect(page.get_by_role("heading", name="已逾期", exact=False).first).to_be_visible()
    expect(page.locator(".text-overdue").first).to_contain_text("已逾期")
    shot(page, "home-liaison-desktop")


def test_liaison_home_fits_a_phone_screen(browser, live_server, demo, shot):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    # No horizontal scrolling on a 375-px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "home-liaison-phone")
    context.close()


def test_office_admin_sees_overview_and_switches_language(page, live_server, demo, shot):
    _login(page, live_server.url, "demo-office")
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    expect(page.locator("body")).to_contain_text("有逾期任务的单位")
    shot(page, "home-office")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_role("heading", name="操作日志")).to_be_visible()
    expect(page.locator("table")).to_contain_text("登录")
    shot(page, "audit")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="操作日志")).to_be_visible()
