from pathlib import Path

import pytest
from playwright.sync_api import expect

from assignments.models import Assignment
from core.models import Notification
from tests.browser.test_login_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TASK_TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "task-table.xlsx"


def test_office_admin_creates_a_campaign_imports_sets_deadlines_and_reminds(page, live_server, demo, shot):
    _login(page, live_server.url, "demo-office")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="创建活动").click()
    page.get_by_role("link", name="新建创建活动").click()
    page.get_by_label("名称", exact=True).fill("2027年法治政府建设示范创建（综合示范）")
    page.get_by_label("县（市、区）").fill("示范县")
    page.get_by_label("代号").fill("demo-2027")
    page.get_by_label("指标体系", exact=True).select_option(index=1)
    page.get_by_label("申报的市委依法治市办").select_option(index=1)
    shot(page, "campaign-new", full_page=False)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("创建活动已保存")

    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="导入任务分工").click()
    page.get_by_label("创建活动", exact=True).select_option(label="2027年法治政府建设示范创建（综合示范）")
    page.get_by_label("表格文件").set_input_files(str(TASK_TABLE))
    page.get_by_role("button", name="读取并预览").click()
    # The county table's 2025 deadlines have passed: a warning with the count, confirmed explicitly.
    expect(page.locator("#import-warnings")).to_contain_text("完成时限已经过去")
    page.get_by_label("我已阅读上述提醒，按表格原样导入。").check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入 100 项指标的任务分工")

    page.get_by_role("link", name="任务清单").click()
    page.get_by_label("单位", exact=True).select_option(label="城关镇")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tbody tr")).to_have_count(14)
    page.locator("#id_action").select_option("deadline")
    page.locator("#id_deadline").fill("2027-03-31")
    page.locator("#id_all_filtered").check()
    page.get_by_role("button", name="对所选执行").click()
    expect(page.get_by_role("heading", name="为 14 项任务设置时限？")).to_be_visible()  # first how many, which units
    expect(page.locator("#bulk-units")).to_contain_text("城关镇")
    page.get_by_role("button", name="设置时限", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已为 14 项任务设置完成时限")
    page.locator("#id_action").select_option("remind")
    page.locator("#id_all_filtered").check()
    page.get_by_role("button", name="对所选执行").click()
    page.get_by_role("button", name="发送提醒", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已就 14 项任务发送提醒")
    shot(page, "task-list-bulk", full_page=False)
    shares = Assignment.objects.filter(campaign__slug="demo-2027", unit__code="T01")
    assert shares.count() == 14 and {str(a.deadline) for a in shares} == {"2027-03-31"}
    assert (
        Notification.objects.filter(recipient__username="demo-liaison-T01", title__contains="依法治县办提醒").count()
        == 14
    )
