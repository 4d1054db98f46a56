"""The assessors' requests and the readiness dashboard in a real browser: the office records a
request and gives a township its share, the township's liaison answers from a phone with a file,
the office sees it answered on the request and on the 迎检 dashboard. Screenshots desktop and
phone under var/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_inspection_journey import DESKTOP, PHONE, _both
from tests.browser.test_login_journey import _login
from tests.evidence import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_is_split_answered_from_a_phone_and_counted_on_the_dashboard(page, live_server, demo, shot, tmp_path):
    from inspection.models import RequestPart

    pdf = tmp_path / "复议决定书汇编.pdf"
    pdf.write_bytes(samples.pdf("answers"))
    page.set_viewport_size(DESKTOP)
    _login(page, live_server.url, "demo-office")
    page.goto(f"{live_server.url}/inspection/requests/")
    page.get_by_role("link", name="登记补充材料要求").click()
    page.get_by_label("材料要求").fill("提供2025年行政复议决定书各5份")
    page.get_by_label("提交时限").fill("2030-01-31")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("请分解到单位")
    page.get_by_label("单位", exact=True).select_option(label="城关镇")
    page.get_by_label("时限", exact=True).fill("2030-01-20")
    page.get_by_label("本单位提供的材料").fill("本镇行政复议决定书")
    page.get_by_role("button", name="添加").click()
    expect(page.locator(".alert-success")).to_contain_text("已分解到该单位")
    _both(page, shot, "requests-detail")

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    _login(page, live_server.url, "demo-liaison-T01")
    page.goto(f"{live_server.url}/inspection/requests/")
    page.get_by_role("link", name="提供2025年行政复议决定书").click()
    page.get_by_label("答复", exact=True).fill("已整理 5 份")
    page.get_by_label("或上传文件").set_input_files(str(pdf))
    page.get_by_label("文件所属任务").select_option(index=1)  # the request names no indicator: the liaison picks a task
    _both(page, shot, "requests-answer")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".alert-success")).to_contain_text("答复已收到")
    part = RequestPart.objects.get()
    assert part.answered_at is not None and part.evidence.get().title == "复议决定书汇编.pdf"

    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    _login(page, live_server.url, "demo-office")
    page.goto(f"{live_server.url}/inspection/")
    expect(page.get_by_role("heading", name="迎检准备情况")).to_be_visible()
    answered = page.locator("a", has_text="已答复").first
    expect(answered.locator(".fs-4")).to_have_text("1")
    _both(page, shot, "inspection-dashboard")
    answered.click()
    expect(page.get_by_text("提供2025年行政复议决定书各5份")).to_be_visible()
