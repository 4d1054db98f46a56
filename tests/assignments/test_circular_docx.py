"""The formal notice (通报) as an editable Word document in the official layout (issue 17, item 4):
read back with python-docx, converted by LibreOffice, downloaded by the people who may read the PDF."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from assignments.circular_document import circular_docx_bytes
from assignments.services import circular_issue
from core import officedoc
from core.downloads import DOCX_TYPE
from tests import office
from tests.assignments.test_circulars import NEW, _big_county, _post, _red

pytestmark = pytest.mark.django_db

TITLE = "关于逾期任务的通报"
ISSUER = "县委全面依法治县委员会办公室"


def _notice(world, units, number=7, body="现将有关情况通报如下。\n请各单位抓紧整改。"):
    today = timezone.localdate()
    notice, _untold = circular_issue(
        campaign=world.campaign,
        unit_ids=[u.pk for u in units],
        title=TITLE,
        doc_number=f"县法办〔{today.year}〕{number}号",
        issuer=ISSUER,
        issued_on=today,
        body=body,
        by=world.office_admin,
        today=today,
    )
    return notice


def _east_asia(run_or_style):
    fonts = run_or_style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_the_docx_reads_back_as_the_official_document(world):
    _red(world)
    notice = _notice(world, [world.unit_a])
    doc = Document(io.BytesIO(circular_docx_bytes(notice)))
    texts = [p.text for p in doc.paragraphs]
    today = timezone.localdate()
    # The 版头: the issuing body in red 小标宋, the 文号, the red rule under it.
    head = doc.paragraphs[0]
    assert head.text == ISSUER
    assert head.runs[0].font.color.rgb == officedoc.RED and _east_asia(head.runs[0]) == "方正小标宋简体"
    number = doc.paragraphs[1]
    assert number.text == f"县法办〔{today.year}〕7号"
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == str(officedoc.RED) and rule.get(qn("w:val")) == "single"
    # Title (the Title style: 2号 小标宋), addressee, body lines, the closing demand, signature.
    title = next(p for p in doc.paragraphs[1:] if p.style.name == "Title")
    assert title.text == TITLE
    assert title.style.font.size == Pt(22) and _east_asia(title.style) == "方正小标宋简体"
    assert _east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert doc.styles["Normal"].font.size == Pt(16)
    assert "各有关单位：" in texts
    assert "现将有关情况通报如下。" in texts and "请各单位抓紧整改。" in texts
    assert any(t.startswith("截至") and "下列1个单位" in t for t in texts)
    assert texts[-2:] == [ISSUER, f"{today.year}年{today.month}月{today.day}日"]  # as the PDF (GB/T 9704-2012)
    # The table: a header row repeated on every page, one row per named unit with its counts.
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "单位", "未完成"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert {c.paragraphs[0].alignment for c in table.rows[0].cells} == {WD_ALIGN_PARAGRAPH.CENTER}
    assert {r.font.size for c in table.rows[1].cells for r in c.paragraphs[0].runs} == {Pt(10.5)}  # 5号
    body_rows = table.rows[1:]
    assert [r.cells[1].text.splitlines()[0] for r in body_rows] == [world.unit_a.name]
    entry = notice.entries[0]
    assert [c.text for c in body_rows[0].cells[2:5]] == [str(entry["open"]), str(entry["overdue"]), "0"]
    assert "已督办" in body_rows[0].cells[1].text  # the escalation note, as on the page
    assert entry["items"][0]["code"] in body_rows[0].cells[5].text
    # "— n —" on every page, the first one included (a 公文 has no cover).
    section = doc.sections[0]
    assert not section.different_first_page_header_footer
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert [i.text.strip() for i in footer._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert {_east_asia(r) for r in footer.runs} == {"宋体"}


def test_the_docx_of_a_county_names_every_unit_and_libreoffice_converts_it(world, tmp_path):
    office.require_soffice()
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (scripts/sysdeps.sh test) is not installed")
    units = _big_county(world)
    notice = _notice(world, units, number=9, body="")
    data = circular_docx_bytes(notice)
    doc = Document(io.BytesIO(data))
    assert [r.cells[1].text.splitlines()[0] for r in doc.tables[0].rows[1:]] == [u.name for u in units]
    source = tmp_path / "notice.docx"
    source.write_bytes(data)
    pdf = tmp_path / "out" / "notice.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(office.convert(source, "pdf", tmp_path / "out", fonts=officedoc.FONTS_CONF))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for expected in (ISSUER, f"县法办〔{timezone.localdate().year}〕9号", TITLE, *(u.name for u in units)):
        assert expected in flat, expected
    assert "—1—" in flat and "—2—" in flat  # the footer's page field on every page
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in pages
    assert f"Title:           {TITLE}" in pages and f"Author:          {ISSUER}" in pages


def test_the_docx_downloads_for_the_office_and_the_named_unit_only(client, world):
    client.force_login(world.office_admin)
    client.post(NEW, _post(world))
    from assignments.models import Circular

    notice = Circular.objects.get()
    page = client.get(notice.get_absolute_url()).content.decode()
    url = reverse("assignments:circular_docx", args=[notice.pk])
    assert f'href="{url}"' in page  # the button beside the PDF's
    assert page.index(reverse("assignments:circular_pdf", args=[notice.pk])) < page.index(url)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    assert Document(io.BytesIO(response.content)).tables[0].rows[1].cells[1].text.startswith(world.unit_a.name)
    client.force_login(world.liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(world.liaison_b)
    assert client.get(url).status_code == 404
