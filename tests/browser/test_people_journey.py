"""Journey: a township's liaison changes. The office admin adds the new one with a
temporary password and switches the old account off; the new liaison signs in on a
phone, sees the township's tasks and sets a password of their own."""

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Chengguan-2026-ok"


def _login(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_office_admin_hands_a_township_to_a_new_liaison(page, browser, live_server, demo, shot):
    _login(page, live_server.url, "demo-office", DEMO_PASSWORD)
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="人员管理").click()
    expect(page.get_by_role("heading", name="人员管理")).to_be_visible()
    page.get_by_label("单位").select_option(label="城关镇")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table")).to_contain_text("demo-liaison-T01")
    shot(page, "people")
    page.get_by_role("link", name="新增人员").click()
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("用户名").fill("zhaoliu-ccz")
    page.get_by_label("单位").select_option(label="城关镇")
    page.get_by_label("角色").select_option(label="联络员")
    page.get_by_label("电话").fill("13800000000")
    page.get_by_role("button", name="创建账号").click()
    expect(page.get_by_role("heading", name="账号已创建")).to_be_visible()
    password = page.locator("#temporary-password").inner_text().strip()
    assert len(password) == 12
    shot(page, "people-password")

    # The old liaison's account is switched off; its history stays.
    page.goto(f"{live_server.url}/people/?q=demo-liaison-T01")
    page.locator("tr", has_text="demo-liaison-T01").get_by_role("link").click()
    page.get_by_role("button", name="停用账号").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("账号已停用")
    expect(page.locator(".badge", has_text="已停用")).to_be_visible()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    new = phone.new_page()
    _login(new, live_server.url, "zhaoliu-ccz", password)
    # A temporary password leads straight to choosing one's own.
    expect(new.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(new.locator("body")).to_contain_text("临时密码")
    new.get_by_label("旧密码").fill(password)
    new.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    new.get_by_label("新密码确认").fill(NEW_PASSWORD)
    new.get_by_role("button", name="修改密码").click()
    expect(new.locator("body")).to_contain_text("密码已修改")
    new.goto(f"{live_server.url}/")
    expect(new.get_by_role("heading", name="我的任务")).to_be_visible()
    expect(new.locator("body")).to_contain_text("城关镇")
    assert new.evaluate("document.documentElement.scrollWidth") <= 375
    shot(new, "people-new-liaison-phone")
    phone.close()

    old = browser.new_page(locale="zh-CN")
    _login(old, live_server.url, "demo-liaison-T01", DEMO_PASSWORD)
    expect(old.locator("body")).to_contain_text("用户名或密码错误")
    old.close()
