"""Single-item campaigns (单项示范创建, issue 14 item 8): project title and area, the 申报 narrative,
readiness that is not the 90 % rule (on the dashboard and the submit check), a report shaped
for a single item, and a header switcher between the county's open campaigns."""

import io
import re

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.readiness import single_item_readiness
from campaign.models import Campaign, SingleItemNarrative
from campaign.selectors import campaign_current, campaign_open_for
from campaign.services import single_item_narrative_update
from core.models import AuditEvent
from evidence.services import evidence_add, evidence_review
from org.models import Region
from reports.builders import build_docx, build_pdf, render_report_html, single_item_context
from tests.evidence import samples
from tests.factories import CampaignFactory, make_assignment

pytestmark = pytest.mark.django_db

SECTIONS = {
    "overview": "县司法局牵头推行行政执法公示、执法全过程记录、重大执法决定法制审核。",
    "innovation": "首创“一案一码”执法全过程记录。",
    "leadership": "经验被省司法厅转发。",
    "typicality": "破解基层执法不规范难题。",
    "replicability": "已在邻县推广。",
}


@pytest.fixture
def single(world):
    """The world's comprehensive campaign and, newer, a single-item one of the same county."""
    campaign = CampaignFactory(
        name="三项制度单项示范",
        kind=Campaign.Kind.SINGLE_ITEM,
        single_item_title="全面推行行政执法“三项制度”",
        single_item_area="行政执法",
        framework=world.campaign.framework,
        region=world.campaign.region,
    )
    world.single = campaign
    world.single_a = make_assignment(campaign, world.indicators[0], world.unit_a, days=20)
    return world


def _accepted_photo(w):
    e = evidence_add(
        assignment=w.single_a,
        kind="document",
        title="执法公示平台截图.pdf",
        upload=SimpleUploadedFile("执法公示平台截图.pdf", samples.pdf("公示")),
        by=w.liaison_a,
    )
    evidence_review(evidence=e, decision="accepted", by=w.office_staff)
    return e


def test_readiness_is_the_narrative_and_accepted_evidence_not_the_ratio(single):
    w = single
    r = single_item_readiness(w.single)
    assert not r.ready and len(r.missing) == 5 and r.accepted == 0
    single_item_narrative_update(campaign=w.single, by=w.office_staff, **SECTIONS)
    r = single_item_readiness(w.single)
    assert r.missing == [] and r.sections_done == 5 and not r.ready  # no accepted evidence yet
    _accepted_photo(w)
    assert single_item_readiness(w.single).ready
    evidence_add(assignment=w.single_a, kind="summary", title="情况说明", text="补充说明", by=w.liaison_a)
    r = single_item_readiness(w.single)
    assert r.pending == 1 and not r.ready


def test_the_narrative_is_saved_through_the_service_and_audited(single):
    w = single
    single_item_narrative_update(campaign=w.single, by=w.office_staff, overview="初稿")
    single_item_narrative_update(campaign=w.single, by=w.office_staff, overview="定稿", innovation="新")
    narrative = SingleItemNarrative.objects.get(campaign=w.single)
    assert narrative.overview == "定稿" and narrative.innovation == "新"
    last = AuditEvent.objects.filter(verb="updated").order_by("-at", "-id").first()
    assert last.before == {"overview": "初稿", "innovation": ""} and last.after["overview"] == "定稿"
    with pytest.raises(ValidationError):
        single_item_narrative_update(campaign=w.campaign, by=w.office_staff, overview="x")
    with pytest.raises(PermissionDenied):
        single_item_narrative_update(campaign=w.single, by=w.liaison_a, overview="x")


def test_the_reports_page_edits_the_narrative_of_a_single_item_campaign(client, single):
    w = single
    client.force_login(w.office_admin)
    client.post(reverse("campaign:switch"), {"campaign": w.single.pk})
    page = client.get(reverse("reports:index"))
    body = page.content.decode()
    assert "单项示范申报材料" in body and 'name="innovation"' in body and 'name="basic_facts"' not in body
    assert "单项示范申报材料（PDF）" in body and "自评报告（PDF）" not in body  # the job cards' names
    response = client.post(reverse("reports:index"), SECTIONS)
    assert response.status_code == 302
    assert SingleItemNarrative.objects.get(campaign=w.single).replicability == "已在邻县推广。"


def test_the_dashboard_and_the_submit_check_show_single_item_readiness(client, single):
    w = single
    client.force_login(w.office_admin)
    client.post(reverse("campaign:switch"), {"campaign": w.single.pk})
    body = client.get(reverse("assessment:dashboard")).content.decode()
    assert "单项示范申报准备" in body and "申报材料：已写 0 部分，共 5 部分" in body and "尚未齐备" in body
    check = client.get(reverse("reports:submit"))
    assert [c.key for c in check.context["checks"].blockers] == [
        "city_office",
        "compiled",
        "narrative",
        "evidence_none",
    ]
    assert "单项申报材料尚未写完：项目概况、创新性、引领性、典型性、可复制可推广" in check.content.decode()
    single_item_narrative_update(campaign=w.single, by=w.office_staff, **SECTIONS)
    _accepted_photo(w)
    body = client.get(reverse("assessment:dashboard")).content.decode()
    assert "可以申报" in body
    client.post(reverse("campaign:switch"), {"campaign": w.campaign.pk})
    assert "单项示范申报准备" not in client.get(reverse("assessment:dashboard")).content.decode()


def test_the_report_has_the_single_items_outline(single):
    w = single
    single_item_narrative_update(campaign=w.single, by=w.office_staff, **SECTIONS)
    evidence = _accepted_photo(w)
    html = render_report_html(single_item_context(w.single))
    for heading in ("一、项目概况", "二、创新性", "三、引领性", "四、典型性", "五、可复制可推广", "六、佐证材料目录"):
        assert heading in html
    assert "全面推行行政执法“三项制度”" in html and "申报领域：行政执法" in html
    assert evidence.title in html and "首创“一案一码”" in html
    assert "主要做法和成效" not in html and "自评结果汇总" not in html  # not the comprehensive outline
    pdf = io.BytesIO()
    build_pdf(w.single, pdf)
    assert pdf.getvalue()[:4] == b"%PDF"
    out = io.BytesIO()
    build_docx(w.single, out)
    document = docx.Document(io.BytesIO(out.getvalue()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == [
        "一、项目概况",
        "二、创新性",
        "三、引领性",
        "四、典型性",
        "五、可复制可推广",
        "六、佐证材料目录",
        "附：申报准备情况",
    ]
    assert any(evidence.title in c.text for t in document.tables for row in t.rows for c in row.cells)


def test_the_switcher_remembers_the_campaign_and_refuses_another_countys(client, single):
    w = single
    assert campaign_current(w.office_admin) == w.single  # the newest open one by default
    client.force_login(w.office_admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert "data-campaign-switcher" in page and w.campaign.name in page and w.single.name in page
    response = client.post(reverse("campaign:switch"), {"campaign": w.campaign.pk, "next": "/reports/"})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert client.get(reverse("reports:index")).context["campaign"] == w.campaign
    assert client.get(reverse("assessment:dashboard")).context["campaign"] == w.campaign
    other = Region.objects.create(kind=Region.Kind.COUNTY, code="X8", name="另一县", parent=w.campaign.region.parent)
    theirs = CampaignFactory(name="另一县综合示范", region=other)
    assert theirs not in campaign_open_for(w.office_admin)
    assert client.post(reverse("campaign:switch"), {"campaign": theirs.pk}).status_code == 404
    assert client.post(reverse("campaign:switch"), {"campaign": "nonsense"}).status_code == 404
    bad = client.post(reverse("campaign:switch"), {"campaign": w.single.pk, "next": "https://evil.example/"})
    assert bad["Location"] == reverse("portal:home")  # never off-site
    assert client.get(reverse("reports:index")).context["campaign"] == w.single


def test_a_concluded_chosen_campaign_falls_back_to_the_newest_open_one(client, single):
    w = single
    client.force_login(w.office_admin)
    client.post(reverse("campaign:switch"), {"campaign": w.campaign.pk})
    Campaign.objects.filter(pk=w.campaign.pk).update(stage=Campaign.Stage.NAMED)
    assert client.get(reverse("reports:index")).context["campaign"] == w.single


def test_one_open_campaign_shows_no_switcher(client, world):
    client.force_login(world.office_admin)
    assert "data-campaign-switcher" not in client.get(reverse("portal:home")).content.decode()


def test_the_readiness_figures_equal_the_lists_they_link_to(client, single):
    w = single
    _accepted_photo(w)
    evidence_add(assignment=w.single_a, kind="summary", title="待审说明", text="说明", by=w.liaison_a)
    back = evidence_add(assignment=w.single_a, kind="summary", title="退回说明", text="说明", by=w.liaison_a)
    evidence_review(evidence=back, decision="returned", comment="请补充。", by=w.office_staff)
    # The comprehensive campaign's own evidence is not the single item's.
    evidence_add(assignment=w.shares.a_soon, kind="summary", title="综合示范材料", text="说明", by=w.liaison_a)
    client.force_login(w.office_admin)
    client.post(reverse("campaign:switch"), {"campaign": w.single.pk})
    body = client.get(reverse("assessment:dashboard")).content.decode()
    links = re.findall(r'<a href="(/evidence/review/\?review=\w+)">\D*(\d+) 份</a>', body)
    assert [int(n) for _url, n in links] == [1, 1, 1]
    for url, n in links:
        assert client.get(url).context["page"].paginator.count == int(n), url
