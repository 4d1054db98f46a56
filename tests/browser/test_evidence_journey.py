import pytest
from playwright.sync_api import expect

from evidence.models import Evidence
from org.models import Unit
from tests.browser.test_login_journey import _login
from tests.evidence import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _files(tmp_path):
    paths = []
    for name, data in (
        ("现场照片1.jpg", samples.jpeg(color=(10, 100, 200))),
        ("现场照片2.jpg", samples.jpeg(color=(200, 100, 10))),
        ("工作方案.pdf", samples.pdf("journey")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def test_liaison_uploads_on_a_phone_office_reviews_liaison_answers(browser, live_server, demo, shot, tmp_path):
    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    overdue = page.locator("section", has=page.get_by_role("heading", name="已逾期")).locator("a.task-card").first
    overdue.click()
    expect(page.get_by_text("添加佐证材料")).to_be_visible()
    page.locator("#file_kind").select_option("image")
    page.locator("input[type=file][name=files]").set_input_files(_files(tmp_path))
    page.get_by_role("button", name="上传", exact=True).click()
    # Each file gets its own progress bar; one is refused (a PDF is not a photo), the page stays to show why.
    expect(page.locator("[data-progress] .progress")).to_have_count(3)
    expect(page.locator("[data-progress]")).to_contain_text("图片须为 JPG 或 PNG")
    shot(page, "upload-progress-phone", full_page=False)
    page.locator("#file_kind").select_option("document")
    page.locator("input[type=file][name=files]").set_input_files(_files(tmp_path)[2:])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".list-group-item", has_text="工作方案.pdf")).to_be_visible()
    page.get_by_role("tab", name="新闻链接").click()
    page.locator("#link_url").fill("https://www.example.gov.cn/news/2026/fazhi.html")
    page.locator("#link_title").fill("我镇召开法治政府建设推进会")
    page.locator("#link_issued_on").fill("2026-11-20")
    page.get_by_role("button", name="保存链接").click()
    expect(page.locator(".list-group-item", has_text="我镇召开法治政府建设推进会")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "share-evidence-phone")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    share_url = page.url
    phone.close()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    office = desk.new_page()
    _login(office, live_server.url, "demo-staff")
    # The queue is oldest first and the demo county has more waiting than a page: the office
    # works 城关镇's items, as it would after the township's message.
    town = Unit.objects.get(code="T01")
    office.goto(f"{live_server.url}/evidence/review/?unit={town.pk}")
    expect(office.get_by_role("heading", name="材料审核")).to_be_visible()
    shot(office, "review-queue", full_page=False)
    office.get_by_role("link", name="现场照片1.jpg").click()
    expect(office.locator("img.preview-image")).to_be_visible()
    office.get_by_label("意见").fill("照片请补充拍摄时间和地点。")
    office.get_by_role("button", name="退回并说明原因").click()
    expect(office.locator(".alert-success")).to_contain_text("审核意见已保存")
    shot(office, "evidence-review", full_page=False)
    desk.close()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server.url, "demo-liaison-T01")
    expect(page.locator("body")).to_contain_text("照片请补充拍摄时间和地点。")
    page.goto(share_url)
    page.get_by_role("link", name="现场照片1.jpg").click()
    new_photo = tmp_path / "现场照片1（补充）.jpg"
    new_photo.write_bytes(samples.jpeg(color=(1, 2, 3)))
    page.locator("input[type=file][name=file]").set_input_files(str(new_photo))
    page.get_by_role("button", name="保存新版本").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存新版本")
    assert Evidence.objects.get(title="现场照片1.jpg").revisions.count() == 2
    phone.close()
