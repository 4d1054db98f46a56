from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_login_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TASK_TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "task-table.xlsx"


def test_it_admin_imports_the_task_table_previews_and_sees_the_tree(page, live_server, demo, shot):
    _login(page, live_server.url, "demo-admin")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="指标体系").first.click()
    page.get_by_role("link", name="导入指标体系").click()
    page.get_by_label("指标体系名称").fill("2025版示范指标体系")
    page.get_by_label("表格文件").set_input_files(str(TASK_TABLE))
    shot(page, "import-upload")
    page.get_by_role("button", name="读取并预览").click()
    expect(page.get_by_role("heading", name="指标体系导入预览")).to_be_visible()
    expect(page.locator(".stat-card").nth(2)).to_contain_text("100")
    shot(page, "import-preview", full_page=False)
    page.get_by_role("button", name="导入 100 项指标").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入")
    expect(page.get_by_text("一级指标 8 项 · 二级指标 33 项 · 三级指标 100 项")).to_be_visible()
    expect(page.locator("details.tree-l1")).to_have_count(8)
    shot(page, "tree-desktop", full_page=False)
    # Each level-3 indicator in one line; a level-2 indicator's scores and methods on demand, in place.
    first = page.locator("details.tree-l2").first
    expect(first.locator("ul.tree-l3 li").first).to_contain_text("1.1.1")
    first.get_by_role("link", name="分值、评价方式和配合单位").click()
    opened = page.locator("details.tree-l2").first
    expect(opened.locator("ul.tree-l3")).to_have_count(0)
    expect(opened.locator("ul.list-group li").first).to_contain_text("1.1.1")
    expect(page.locator("details.tree-l2").nth(1).locator("ul.tree-l3")).to_have_count(1)  # the others stay folded
    assert "open=" not in page.url  # swapped in by htmx, the page not reloaded
    shot(page, "tree-opened", full_page=False)


def test_office_imports_the_division_and_searches_the_tree_on_a_phone(browser, live_server, demo, shot):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server.url, "demo-office")
    page.goto(f"{live_server.url}/assignments/import/")
    page.get_by_label("表格文件").set_input_files(str(TASK_TABLE))
    page.get_by_role("button", name="读取并预览").click()
    expect(page.get_by_role("heading", name="任务分工导入预览")).to_be_visible()
    shot(page, "assignments-preview-phone", full_page=False)
    page.get_by_label("我已阅读上述提醒，按表格原样导入。").check()  # the table's deadlines have passed
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入 100 项指标的任务分工")
    page.get_by_placeholder("搜索编码、指标内容或单位").fill("双随机")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("details.tree-l1")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "tree-phone")
    context.close()
