"""Evidence once (最多报一次) and the single-item campaign in a real browser: a liaison links a piece
of the comprehensive campaign into the county's single-item campaign without uploading it again;
the office switches to that campaign in the header, accepts the link, writes the narrative and
compiles the package, which holds the file once; the evidence page shows where it is used."""

import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from campaign.models import Campaign
from evidence.models import Evidence
from evidence.services import evidence_add, evidence_link_to_campaign, evidence_review
from tests.evidence import samples
from tests.factories import CampaignFactory, make_assignment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _upload(share, by, name, data):
    e = evidence_add(assignment=share, kind="document", title=name, upload=SimpleUploadedFile(name, data), by=by)
    return e


def test_liaison_links_evidence_into_the_single_item_campaign_and_the_package_holds_it_once(
    browser, live_server, world, celery_worker, shot
):
    w = world
    data = samples.pdf("执法公示制度文件")
    last_year = CampaignFactory(name="2025年综合示范", framework=w.campaign.framework, region=w.campaign.region)
    single = CampaignFactory(
        name="三项制度单项示范",
        kind=Campaign.Kind.SINGLE_ITEM,
        single_item_title="全面推行行政执法“三项制度”",
        single_item_area="全面推行行政执法“三项制度”",
        framework=w.campaign.framework,
        region=w.campaign.region,
    )
    target = make_assignment(single, w.indicators[0], w.unit_a, days=20)
    other = make_assignment(single, w.indicators[1], w.unit_a, days=20)
    origin = _upload(w.shares.a_overdue, w.liaison_a, "行政执法公示制度.pdf", data)
    evidence_review(evidence=origin, decision="accepted", by=w.office_staff)
    # Last year the unit uploaded the same file; it was linked into the single item already.
    old = _upload(make_assignment(last_year, w.indicators[0], w.unit_a), w.liaison_a, "公示制度（上年）.pdf", data)
    evidence_review(
        evidence=evidence_link_to_campaign(evidence=old, assignment=other, by=w.liaison_a),
        decision="accepted",
        by=w.office_staff,
    )
    Campaign.objects.filter(pk=last_year.pk).update(stage=Campaign.Stage.NAMED)

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = desk.new_page()
    _login(page, live_server.url, w.liaison_a.username)
    page.goto(f"{live_server.url}{origin.get_absolute_url()}")
    uses = page.locator("#uses")
    expect(uses).to_contain_text("首次上传于此")
    uses.locator("select[name=share]").select_option(str(target.pk))
    uses.get_by_role("button", name="引用到该创建活动").click()
    expect(page.locator(".alert-success")).to_contain_text("未重复上传")
    expect(page.locator("#uses")).to_contain_text(w.campaign.name)
    expect(page.locator("#uses")).to_contain_text(single.name)
    expect(page.locator("#uses")).to_contain_text("引用，未重复上传")
    shot(page, "evidence-used-in", full_page=False)
    link = Evidence.objects.get(origin=origin)
    assert link.current_revision.file.name == origin.current_revision.file.name
    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    small = phone.new_page()
    _login(small, live_server.url, w.liaison_a.username)
    small.goto(f"{live_server.url}{origin.get_absolute_url()}")
    expect(small.locator("#uses")).to_contain_text(single.name)
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    small.locator("#uses").scroll_into_view_if_needed()
    shot(small, "evidence-used-in-phone", full_page=False)
    phone.close()
    desk.close()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = desk.new_page()
    _login(page, live_server.url, w.office_admin.username)
    switcher = page.locator("[data-campaign-switcher]")
    switcher.locator(".dropdown-toggle").click()
    shot(page, "campaign-switcher", full_page=False)
    switcher.locator("button.dropdown-item", has_text=single.name).click()
    expect(page.locator(".alert-success")).to_contain_text("已切换到")
    expect(switcher).to_contain_text("单项示范")
    page.goto(f"{live_server.url}/campaigns/dashboard/")
    expect(page.locator("[data-readiness]")).to_contain_text("尚未齐备")
    page.goto(f"{live_server.url}{link.get_absolute_url()}")
    page.get_by_role("button", name="通过", exact=True).click()
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="单项示范申报材料", exact=True)).to_be_visible()
    for field, text in (
        ("overview", "县司法局牵头全面推行行政执法公示、执法全过程记录、重大执法决定法制审核制度。"),
        ("innovation", "首创“一案一码”执法全过程记录。"),
        ("leadership", "经验被省司法厅转发推广。"),
        ("typicality", "破解基层执法不规范的共性难题。"),
        ("replicability", "制度文本和平台已在两个邻县复制使用。"),
    ):
        page.locator(f"#id_{field}").fill(text)
    page.get_by_role("button", name="保存").last.click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    shot(page, "single-item-narrative")
    page.locator("#jobs form", has=page.locator("button[value=package]")).get_by_role("button").click()
    package_card = page.locator("#jobs .card", has=page.locator("button[value=package]"))
    expect(package_card).to_contain_text("下载", timeout=120_000)
    with page.expect_download() as download:
        package_card.get_by_role("link", name="下载").first.click()
    with zipfile.ZipFile(download.value.path()) as zf:
        pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
        manifest = json.loads(zf.read("manifest.json"))
        assert len(pdfs) == 1 and zf.read(pdfs[0]) == data  # one file for the two pieces that hold it
    assert sorted(m["title"] for m in manifest) == ["公示制度（上年）.pdf", "行政执法公示制度.pdf"]
    assert {m["path"] for m in manifest} == {pdfs[0]}
    page.goto(f"{live_server.url}/campaigns/dashboard/")
    expect(page.locator("[data-readiness]")).to_contain_text("可以申报")
    shot(page, "single-item-dashboard")
    page.goto(f"{live_server.url}/reports/submit/")
    expect(page.locator("#blockers")).to_contain_text("尚未生成")  # the report itself is not compiled yet
    shot(page, "single-item-submit-check")
    desk.close()
