import pytest
from playwright.sync_api import expect

from tests.browser.test_login_journey import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
]


def test_office_compiles_and_submits_city_downloads_other_unit_is_refused(
    browser, live_server, demo, celery_worker, shot
):
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = desk.new_page()
    _login(page, live_server.url, "demo-office")
    page.get_by_role("link", name="报告", exact=True).click()
    expect(page.get_by_role("heading", name="报告与报送")).to_be_visible()
    page.locator("#id_basic_facts").fill("本县辖 12 个镇、3 个乡（街道），县直部门 42 个。")
    page.get_by_role("button", name="保存").last.click()
    page.get_by_role("button", name="生成", exact=True).first.click()  # the PDF report
    expect(page.locator("#jobs")).to_contain_text("下载", timeout=120_000)  # htmx polls while the worker builds it
    shot(page, "reports", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").first.click()
    path = download.value.path()
    assert open(path, "rb").read(4) == b"%PDF"
    page.get_by_role("button", name="生成", exact=True).first.click()  # the DOCX (the PDF card now says 重新生成)
    expect(page.locator("#jobs .card").nth(1)).to_contain_text("下载", timeout=120_000)
    page.get_by_role("button", name="生成", exact=True).first.click()  # the evidence package
    expect(page.locator("#jobs .card").nth(2)).to_contain_text("下载", timeout=120_000)
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已向市委依法治市办报送")
    submission_url = page.url
    desk.close()

    city = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = city.new_page()
    _login(page, live_server.url, "demo-city")
    page.get_by_role("link", name="2026年法治政府建设示范创建（综合示范）", exact=False).first.click()
    page.get_by_role("link", name="核验校验值").click()
    expect(page.locator(".alert-success")).to_contain_text("核验通过")
    expect(page.get_by_role("link", name="下载可编辑的自评报告（DOCX）")).to_be_visible()
    shot(page, "submission-city", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载佐证材料包（ZIP）", exact=False).click()
    assert open(download.value.path(), "rb").read(2) == b"PK"
    city.close()

    other = browser.new_context(locale="zh-CN")
    page = other.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    response = page.goto(submission_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    other.close()
