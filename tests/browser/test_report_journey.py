import pytest
from playwright.sync_api import expect

from tests.browser.test_login_journey import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
]


def test_office_is_stopped_under_the_threshold_with_the_list_then_submits_city_downloads(
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
    # Under the threshold (the demo's self-assessment is unfinished): stopped with the list.
    page.get_by_role("link", name="检查并报送…").click()
    blockers = page.locator("#blockers")
    expect(blockers).to_contain_text("暂不能报送")
    expect(blockers).to_contain_text("低于申报要求 90%")
    expect(page.locator("#warnings")).to_contain_text("项指标尚未自评")
    expect(page.locator("#warnings")).to_contain_text("项任务尚未通过")
    expect(page.get_by_role("button", name="向市委依法治市办报送")).to_have_count(0)
    shot(page, "submit-check-blocked")
    check_url = page.url
    blockers.get_by_role("link", name="查看清单").click()
    expect(page.get_by_role("heading", name="自评", exact=False).first).to_be_visible()
    _finish_self_assessment()  # the office assesses what was left: the threshold is reached
    page.goto(check_url)
    expect(page.locator("#blockers")).to_have_count(0)
    page.get_by_role("button", name="向市委依法治市办报送").click()
    expect(page.locator(".alert-danger")).to_contain_text("请逐项确认")  # nothing ticked: nothing sent
    for box in page.locator("#warnings input[type=checkbox]").all():
        box.check()
    shot(page, "submit-check-warnings")
    page.get_by_role("button", name="向市委依法治市办报送").click()
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


def _finish_self_assessment():
    """What the office does on the self-assessment page for each indicator left: met."""
    from django.contrib.auth import get_user_model

    from assessment.services import assessment_save
    from campaign.models import Campaign

    office = get_user_model().objects.get(username="demo-office")
    campaign = Campaign.objects.get(slug="demo-2026")
    done = campaign.assessments.filter(result__in=["met", "not_applicable"]).values_list("indicator_id", flat=True)
    for indicator in campaign.framework.indicators.filter(level=3).exclude(pk__in=list(done)):
        assessment_save(campaign=campaign, indicator=indicator, by=office, result="met", practice="已补齐")
