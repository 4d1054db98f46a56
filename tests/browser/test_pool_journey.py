"""The problem pool (问题池) in a real browser: the office turns the pre-survey's weakest point
into a pool item for the township, the township's liaison reports the fix with a photo from a
phone, the office closes it (销号). Screenshots desktop and phone under var/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_inspection_journey import DESKTOP, PHONE, _both
from tests.browser.test_login_journey import _login
from tests.evidence import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _survey_file(tmp_path):
    """A pre-survey export in which 城关镇 is weak on the first question and another township is not."""
    from org.models import Unit

    other = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).exclude(code="T01").order_by("code").first().name
    lines = ["乡镇,对县政府依法行政总体评价,是否知晓法治政府建设示范创建"]
    lines += [f"城关镇,{2 if n % 4 else 5},是" for n in range(20)]
    lines += [f"{other},5,是" for _n in range(20)]
    path = tmp_path / "满意度模拟测评.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_weak_point_becomes_a_pool_item_the_township_fixes_and_the_office_closes(
    page, live_server, demo, shot, tmp_path
):
    from django.contrib.auth import get_user_model

    from assessment.models import Rectification
    from assignments.models import Assignment
    from campaign.selectors import campaign_current
    from inspection.models import SurveyRound

    campaign = campaign_current(get_user_model().objects.get(username="demo-office"))
    task = (
        Assignment.objects.filter(unit__code="T01", status__in=Assignment.OPEN_STATUSES, campaign=campaign)
        .select_related("indicator")
        .order_by("indicator__code")
        .first()
    )
    photo = tmp_path / "宣讲现场.jpg"
    photo.write_bytes(samples.jpeg(size=(640, 480)))

    page.set_viewport_size(DESKTOP)
    _login(page, live_server.url, "demo-office")
    # The office imports its pre-survey export through the pages: preview first, then confirm.
    page.goto(f"{live_server.url}/inspection/survey/import/")
    page.get_by_label("标题").fill("2026年11月满意度模拟测评")
    page.locator("input[name=file]").set_input_files(str(_survey_file(tmp_path)))
    page.get_by_role("button", name="读取并预览").click()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_be_visible()
    survey = SurveyRound.objects.get(campaign=campaign)
    page.goto(f"{live_server.url}{survey.get_absolute_url()}")
    weakest = page.locator("li", has_text="城关镇 · 对县政府依法行政总体评价").first
    weakest.locator("summary").click()
    weakest.get_by_label("整改措施").fill("在城关镇各村（社区）开展依法行政宣讲")
    weakest.get_by_label("整改时限").fill("2030-01-31")
    weakest.get_by_label("指标").select_option(str(task.indicator_id))
    _both(page, shot, "pool-weak-point")
    weakest.get_by_role("button", name="加入问题池").click()
    expect(page.locator(".alert-success")).to_contain_text("薄弱项已加入问题池")
    expect(page.locator("#item-status")).to_have_text("整改中")
    item = Rectification.objects.get(source="survey")
    assert item.owner.code == "T01"

    context = page.context
    context.clear_cookies()
    page.set_viewport_size(PHONE)
    _login(page, live_server.url, "demo-liaison-T01")
    page.goto(f"{live_server.url}/campaigns/rectifications/?source=survey")
    page.get_by_role("link", name="在城关镇各村").click()
    page.get_by_label("整改情况").fill("已在 12 个村（社区）开展宣讲，发放资料 3000 份")
    page.get_by_label("或上传文件").set_input_files(str(photo))
    page.get_by_label("类型").select_option("image")
    expect(page.get_by_label("文件所属任务")).to_have_value(str(task.pk))
    _both(page, shot, "pool-report-fix")
    page.get_by_role("button", name="报送整改情况").last.click()
    expect(page.locator(".alert-success")).to_contain_text("整改情况已报送")
    expect(page.locator("#item-status")).to_have_text("已报整改")
    expect(page.get_by_role("button", name="销号")).to_have_count(0)

    context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    _login(page, live_server.url, "demo-office")
    page.goto(f"{live_server.url}/campaigns/rectifications/?status=reported")
    page.get_by_role("link", name="在城关镇各村").click()
    expect(page.get_by_role("link", name="宣讲现场.jpg")).to_be_visible()
    page.get_by_label("核验意见").fill("经核验，宣讲已开展")
    _both(page, shot, "pool-verify")
    page.get_by_role("button", name="销号").click()
    expect(page.locator(".alert-success")).to_contain_text("销号")
    expect(page.locator("#item-status")).to_have_text("已销号")
    item.refresh_from_db()
    assert item.status == "closed" and item.closing_evidence.title == "宣讲现场.jpg"
    page.goto(f"{live_server.url}/campaigns/rectifications/")
    _both(page, shot, "pool-list")
    # The readiness dashboard counts it among the closed items, and the number leads to it.
    page.goto(f"{live_server.url}/inspection/")
    closed = page.locator("a", has_text="已销号").filter(has_text="1").first
    expect(closed).to_be_visible()
    closed.click()
    expect(page.get_by_role("link", name="在城关镇各村")).to_be_visible()
