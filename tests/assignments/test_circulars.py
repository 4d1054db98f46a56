"""The formal notice (通报) as a real document (issue 21, item 6): the office chooses the
units to name (the board's red ones ticked), gives its 文号, issuing body and date; the notice
holds one summary per unit and downloads as a few A4 pages of PDF."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.circular_document import circular_pdf_bytes
from assignments.models import Assignment, Circular
from assignments.services import CIRCULAR_WORST_ITEMS, circular_issue
from core.models import AuditEvent, Notification
from indicators.models import Indicator
from tests.factories import UnitFactory, make_assignment

pytestmark = pytest.mark.django_db
NEW = "/assignments/circulars/new/"


def _red(world):
    """Unit A's overdue share escalated: unit A is red on the board."""
    Assignment.objects.filter(pk=world.shares.a_overdue.pk).update(escalated_at=timezone.now())


def _post(world, **overrides):
    today = timezone.localdate()
    data = {
        "units": [str(world.unit_a.pk)],
        "title": "关于逾期任务的通报",
        "doc_number": f"县法办〔{today.year}〕3号",
        "issuer": "县委全面依法治县委员会办公室",
        "issued_on": today.isoformat(),
        "body": "为压实责任，现将有关情况通报如下。\n请各单位抓紧整改。",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_board_starts_with_the_way_to_the_notice(client, world):
    client.force_login(world.office_staff)
    body = client.get(reverse("assignments:board")).content.decode()
    assert NEW in body
    assert body.index(NEW) < body.index(world.unit_a.name)  # above the first unit, not at the bottom
    assert 'action="/assignments/circulars/"' not in body


def test_the_form_ticks_the_red_units_and_offers_the_others(client, world):
    _red(world)
    Assignment.objects.filter(pk=world.shares.b_lead.pk).update(status=Assignment.Status.RETURNED)
    client.force_login(world.office_admin)
    response = client.get(NEW)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{world.unit_a.pk}" id="unit-{world.unit_a.pk}" checked' in body  # red
    assert f'value="{world.unit_b.pk}" id="unit-{world.unit_b.pk}">' in body  # amber: offered, not ticked
    assert response.context["form"].initial["issuer"] == world.office.name
    assert response.context["form"].initial["issued_on"] == timezone.localdate()


def test_issuing_names_only_the_chosen_units_with_their_summary_and_tells_them(client, world):
    _red(world)
    Assignment.objects.filter(pk=world.shares.b_lead.pk).update(status=Assignment.Status.RETURNED)
    client.force_login(world.office_admin)
    year = timezone.localdate().year
    # Brackets typed the common wrong way are taken for the standard 〔〕.
    response = client.post(NEW, _post(world, doc_number=f"县法办[{year}]3号"))
    notice = Circular.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert notice.doc_number == f"县法办〔{year}〕3号"
    assert notice.issuer == "县委全面依法治县委员会办公室"
    [entry] = notice.entries
    assert entry["unit_code"] == "D16" and entry["overdue"] == 1 and entry["escalated"] == 1
    assert entry["items"][0]["code"] == world.shares.a_overdue.indicator.code
    assert entry["items"][0]["days_overdue"] == 3
    assert Notification.objects.filter(recipient=world.liaison_a, title__contains="通报").exists()
    assert not Notification.objects.filter(recipient=world.liaison_b).exists()
    assert AuditEvent.objects.filter(verb="circular_issued").get().after["doc_number"] == notice.doc_number
    client.force_login(world.liaison_a)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "关于逾期任务的通报" in page and notice.doc_number in page and "县司法局" in page
    assert "已逾期 3 天" in page and "主要逾期事项" in page


@pytest.mark.parametrize(
    "number",
    ["3号", "县法办2026第3号", "县法办〔26〕3号", "县法办〔2026〕0号", "<b>县法办</b>〔2026〕3号", "x" * 49],
)
def test_a_bad_document_number_is_refused_with_the_expected_shape(client, world, number):
    client.force_login(world.office_admin)
    response = client.post(NEW, _post(world, doc_number=number))
    assert response.status_code == 200 and not Circular.objects.exists()
    assert f"县法办〔{timezone.localdate().year}〕1号" in response.content.decode()


def test_a_document_number_of_another_year_is_refused(client, world):
    client.force_login(world.office_admin)
    response = client.post(NEW, _post(world, doc_number="县法办〔2019〕3号"))
    assert "与成文日期" in response.content.decode() and not Circular.objects.exists()


def test_a_document_number_used_before_is_refused(client, world):
    client.force_login(world.office_admin)
    assert client.post(NEW, _post(world)).status_code == 302
    response = client.post(NEW, _post(world, title="第二份通报"))
    assert response.status_code == 200 and "已被另一份通报使用" in response.content.decode()
    assert Circular.objects.count() == 1
    # The next number is proposed.
    assert client.get(NEW).context["form"].initial["doc_number"] == f"县法办〔{timezone.localdate().year}〕4号"


def test_no_unit_chosen_is_refused(client, world):
    client.force_login(world.office_admin)
    response = client.post(NEW, _post(world, units=[]))
    assert response.status_code == 200 and "请至少选择一个" in response.content.decode()
    assert not Circular.objects.exists()


@pytest.mark.parametrize("which", ["on_schedule", "other", "garbage"])
def test_a_unit_with_nothing_to_announce_or_of_nobody_is_refused(client, world, which):
    stray = {
        "on_schedule": str(world.unit_b.pk),  # on the board, but nothing overdue or returned
        "other": str(UnitFactory(code="X99", name="外县单位").pk),  # no share at all
        "garbage": "'; drop table--",
    }[which]
    client.force_login(world.office_admin)
    response = client.post(NEW, _post(world, units=[str(world.unit_a.pk), stray]))
    assert response.status_code == 200 and not Circular.objects.exists()
    assert "没有逾期或退回的任务" in response.content.decode()


def test_a_date_of_issue_in_the_future_is_refused(client, world):
    client.force_login(world.office_admin)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(NEW, _post(world, issued_on=tomorrow.isoformat()))
    assert "不能晚于今天" in response.content.decode() and not Circular.objects.exists()


def test_a_named_unit_without_people_is_reported(client, world):
    lonely = UnitFactory(code="D40", name="县档案馆")
    make_assignment(world.campaign, world.indicators[0], lonely, Assignment.Role.COOPERATING, days=-1)
    client.force_login(world.office_admin)
    response = client.post(NEW, _post(world, units=[str(lonely.pk)]), follow=True)
    assert Circular.objects.get().entries[0]["unit"] == "县档案馆"
    assert "县档案馆" in response.content.decode() and "无人可通知" in response.content.decode()


def test_only_the_office_issues_a_notice(client, world):
    client.force_login(world.liaison_a)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _post(world)).status_code == 403
    assert not Circular.objects.exists()


def _big_county(world, units=20, shares=12):
    """A county at scale: `units` units with `shares` overdue shares each."""
    mid = world.indicators[0].parent
    indicators = [
        Indicator.objects.create(
            framework=world.campaign.framework,
            parent=mid,
            level=3,
            code=f"1.1.{10 + i}",
            position=10 + i,
            title=f"较长的三级指标名称用于检验版面第{i}项，包括制度建设与落实情况",
        )
        for i in range(shares)
    ]
    made = []
    for u in range(units):
        unit = UnitFactory(code=f"B{u:02d}", name=f"县第{u}局")
        for n, ind in enumerate(indicators):
            make_assignment(world.campaign, ind, unit, Assignment.Role.COOPERATING, days=-(n + 1) * 3)
        made.append(unit)
    return made


def test_a_notice_at_county_scale_is_a_few_a4_pages(world):
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    from assignments.circular_document import circular_context

    units = _big_county(world)
    today = timezone.localdate()
    notice, _untold = circular_issue(
        campaign=world.campaign,
        unit_ids=[u.pk for u in units],
        title="关于逾期任务的通报",
        doc_number=f"县法办〔{today.year}〕9号",
        issuer="县委全面依法治县委员会办公室",
        issued_on=today,
        body="现将有关情况通报如下。",
        by=world.office_admin,
        today=today,
    )
    assert len(notice.entries) == 20
    assert all(len(e["items"]) == CIRCULAR_WORST_ITEMS for e in notice.entries)
    # The worst first: the longest overdue item leads each unit's list.
    assert notice.entries[0]["items"][0]["days_overdue"] == 36
    html = render_to_string("assignments/circular_pdf.html", circular_context(notice))
    document = HTML(string=html).render(stylesheets=[CSS(filename=finders.find("css/official.css"))])
    assert 2 <= len(document.pages) <= 4
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (210, 297)  # A4


def test_the_pdf_downloads_for_the_office_and_the_named_unit_only(client, world):
    client.force_login(world.office_admin)
    client.post(NEW, _post(world))
    notice = Circular.objects.get()
    url = reverse("assignments:circular_pdf", args=[notice.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(world.liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(world.liaison_b)
    assert client.get(url).status_code == 404


def test_the_pdf_embeds_a_chinese_font_and_says_what_the_page_says(world, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (scripts/sysdeps.sh test) is not installed")
    _red(world)
    today = timezone.localdate()
    notice, _untold = circular_issue(
        campaign=world.campaign,
        unit_ids=[world.unit_a.pk],
        title="关于逾期任务的通报",
        doc_number=f"县法办〔{today.year}〕5号",
        issuer="县委全面依法治县委员会办公室",
        issued_on=today,
        body="",
        by=world.office_admin,
        today=today,
    )
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(circular_pdf_bytes(notice))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "县委全面依法治县委员会办公室",
        f"县法办〔{today.year}〕5号",
        "关于逾期任务的通报",
        "县司法局",
        "—1—",
    ):
        assert expected in text.replace("\n", "").replace(" ", ""), expected
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "yes" in fonts  # a CJK font, embedded
