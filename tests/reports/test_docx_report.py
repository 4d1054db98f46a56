"""The editable report (DOCX): read back with python-docx, converted by LibreOffice, packed
beside the PDF and frozen into the submission."""

import datetime
import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core import officedoc
from evidence.models import Evidence
from evidence.thumbnails import thumbnail_make
from reports.models import ReportJob
from reports.services import submission_verify
from tests import office
from tests.reports.submitting import submit_confirmed
from tests.reports.test_reports import _run

pytestmark = pytest.mark.django_db

SECTIONS = [
    "一、基本情况",
    "二、主要做法和成效",
    "三、特色亮点",
    "四、存在问题",
    "五、下一步打算",
    "附表：自评结果汇总",
]


@pytest.fixture
def docx_county(county):
    """The reports' county with its accepted photo's thumbnail made (the worker's job) and a
    rectification item, so the report has a picture and both tables."""
    from assessment.services import assessment_save

    photo = Evidence.objects.get(kind="image")
    thumbnail_make(photo.current_revision_id)
    assessment_save(
        campaign=county.campaign,
        indicator=county.indicators[1],
        by=None,
        result="partial",
        shortfall="制度尚未出台",
        rectification={"measure": "出台制度", "owner": county.unit_a, "deadline": datetime.date(2026, 12, 20)},
    )
    return county


def _docx(job):
    with job.file.open("rb") as fh:
        data = fh.read()
    return Document(io.BytesIO(data)), data


def _fonts(style):
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii")), fonts.get(qn("w:asciiTheme"))


def test_docx_has_the_outline_as_word_headings_and_a_toc_field(docx_county):
    job = _run(docx_county.campaign, "docx", docx_county.office_admin)
    doc, data = _docx(job)
    assert job.file_name.endswith(".docx") and job.sha256 == hashlib.sha256(data).hexdigest()
    by_style = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    # Built-in heading styles (ids Heading1…3): Word's and WPS's navigation pane shows them.
    assert by_style["Heading 1"] == SECTIONS
    assert by_style["Heading 2"] == ["（一）政府职能依法全面履行"]
    assert by_style["Heading 3"] == ["1.1 加大简政放权力度"]
    assert doc.styles["Heading 1"].style_id == "Heading1"
    texts = "\n".join(p.text for p in doc.paragraphs)
    for ind in docx_county.indicators:
        assert f"{ind.code} {ind.title}" in texts
    assert "做法0" in texts and "测试县" in by_style["Title"][0]
    instructions = [i.text for i in doc.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith('TOC \\o "1-2"') for i in instructions)
    assert doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_docx_tables_repeat_their_header_row_and_keep_their_widths(docx_county):
    doc, _data = _docx(_run(docx_county.campaign, "docx", docx_county.office_admin))
    rectification, summary = doc.tables
    for table, header in (
        (rectification, ["指标", "整改措施", "责任单位", "完成时限"]),
        (summary, ["一级指标", "达标", "基本达标", "未达标", "不适用", "未自评"]),
    ):
        first = table.rows[0]
        assert [c.text for c in first.cells] == header
        assert first._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert [c.text for c in rectification.rows[1].cells] == ["1.1.2", "出台制度", "县司法局", "2026年12月20日"]
    assert rectification.rows[1].cells[3]._tc.tcPr.find(qn("w:noWrap")) is not None
    widths = [int(c.get(qn("w:w"))) for c in rectification._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - Mm(156).twips) < 5  # the text width: 210 − 28 − 26 mm
    assert [c.text for c in summary.rows[-1].cells] == ["合计", "1", "1", "0", "1", "0"]


def test_docx_embeds_accepted_photos_at_a_readable_size(docx_county):
    doc, _data = _docx(_run(docx_county.campaign, "docx", docx_county.office_admin))
    shapes = doc.inline_shapes
    assert len(shapes) == 1
    assert abs(shapes[0].width - Mm(74)) < Mm(1) and Mm(30) < shapes[0].height < Mm(80)
    holder = next(p for p in doc.paragraphs if p._p.findall(".//" + qn("w:drawing")))
    # A fixed 28 pt line would clip the picture: its paragraph has single spacing.
    assert holder.style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE


def test_docx_is_laid_out_as_an_official_document(docx_county):
    doc, _data = _docx(_run(docx_county.campaign, "docx", docx_county.office_admin))
    section = doc.sections[0]
    assert [round(m.mm) for m in (section.page_width, section.page_height)] == [210, 297]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin)] == [37, 35]
    assert [round(m.mm) for m in (section.left_margin, section.right_margin)] == [28, 26]
    styles = doc.styles
    assert _fonts(styles["Title"]) == ("方正小标宋简体", "Times New Roman", None)
    assert styles["Title"].font.size == Pt(22)
    assert _fonts(styles["Normal"]) == ("仿宋_GB2312", "Times New Roman", None)
    normal = styles["Normal"].paragraph_format
    assert styles["Normal"].font.size == Pt(16)
    assert (normal.line_spacing_rule, normal.line_spacing) == (WD_LINE_SPACING.EXACTLY, Pt(28))
    for level, font in ((1, "黑体"), (2, "楷体_GB2312"), (3, "仿宋_GB2312")):
        style = styles[f"Heading {level}"]
        assert _fonts(style) == (font, "Times New Roman", None)  # no theme font overriding the name
        assert style.font.size == Pt(16) and style.font.color.rgb == officedoc.RGBColor(0, 0, 0)


def test_docx_footer_numbers_pages_with_dashes_and_the_page_field(docx_county):
    doc, _data = _docx(_run(docx_county.campaign, "docx", docx_county.office_admin))
    section = doc.sections[0]
    assert section.different_first_page_header_footer  # the cover has no number
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"  # the PAGE field's shown value between the dashes
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert {r.font.size for r in footer.runs} == {Pt(14)}


def test_libreoffice_converts_the_docx_and_its_pdf_has_every_level1_title(docx_county, tmp_path):
    office.require_soffice()
    job = _run(docx_county.campaign, "docx", docx_county.office_admin)
    source = tmp_path / "report.docx"
    with job.file.open("rb") as fh:
        source.write_bytes(fh.read())
    pdf = tmp_path / "out" / "report.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(office.convert(source, "pdf", tmp_path / "out", fonts=officedoc.FONTS_CONF))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for heading in ["目录", *SECTIONS, "（一）政府职能依法全面履行"]:
        assert heading in flat, heading
    assert "—2—" in flat  # the footer's page field, updated by the converter


def test_package_holds_the_docx_beside_the_pdf(docx_county):
    _run(docx_county.campaign, "pdf", docx_county.office_admin)
    _run(docx_county.campaign, "docx", docx_county.office_admin)
    job = _run(docx_county.campaign, "package", docx_county.office_admin)
    with job.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        reports = [m for m in manifest if m["kind"] == "report"]
        assert [m["path"] for m in reports] == ["自评报告.pdf", "自评报告.docx"]
        data = zf.read("自评报告.docx")
    assert hashlib.sha256(data).hexdigest() == reports[1]["sha256"]
    Document(io.BytesIO(data))  # opens as a Word document


def test_submission_freezes_the_docx_with_its_checksum(client, docx_county):
    for kind in ("pdf", "docx", "package"):
        _run(docx_county.campaign, kind, docx_county.office_admin)
    submission = submit_confirmed(docx_county.campaign, docx_county.office_admin)
    frozen = submission.document.open("rb").read()
    assert submission.document_sha256 == hashlib.sha256(frozen).hexdigest()
    assert submission.document_sha256 == ReportJob.objects.get(kind="docx").sha256
    _run(docx_county.campaign, "docx", docx_county.office_admin)  # a later compilation changes nothing sent
    submission.refresh_from_db()
    assert submission.document.open("rb").read() == frozen and submission_verify(submission) == []
    client.force_login(docx_county.office_admin)
    response = client.get(f"{submission.get_absolute_url()}document/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == frozen
    with open(submission.document.path, "r+b") as fh:
        fh.truncate(10)
    assert len(submission_verify(submission)) == 1


def test_submission_without_a_docx_has_none_to_download(client, docx_county):
    for kind in ("pdf", "package"):
        _run(docx_county.campaign, kind, docx_county.office_admin)
    submission = submit_confirmed(docx_county.campaign, docx_county.office_admin)
    assert not submission.document and submission_verify(submission) == []
    client.force_login(docx_county.office_admin)
    assert client.get(f"{submission.get_absolute_url()}document/").status_code == 404


def test_chinese_numerals_for_headings_and_dates():
    assert [officedoc.chinese_number(n) for n in (1, 8, 10, 12, 20, 35)] == ["一", "八", "十", "十二", "二十", "三十五"]
    assert officedoc.chinese_date(datetime.date(2026, 12, 2)) == "二〇二六年十二月"
    assert officedoc.chinese_date(datetime.date(2026, 1, 20), with_day=True) == "二〇二六年一月二十日"
