"""Tables as a real office suite writes them: LibreOffice (what 信创 desktops run beside WPS)
turns one county table (tests/fixtures/county-table.html: merged titles, a two-row header,
序号 in several styles) into .xlsx, .xls, .ods and CSV in UTF-8 and GBK; each reads to the
same rows and imports to the same tree and division. LibreOffice also opens what we export.

soffice comes from tests/office.py (required in CI, skipped elsewhere without it).
"""

import csv
import io
import shutil
from pathlib import Path

import pytest

from assignments.services import assignment_export, assignment_import
from campaign.services import campaign_create
from core.tables import TableError, read_table
from indicators.services import framework_import
from portal.demo import load_units
from tests.office import convert, require_soffice

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORMATS = {  # name -> soffice --convert-to argument
    "xlsx": "xlsx",
    "xls": "xls",
    "ods": "ods",
    "csv-utf8": "csv:Text - txt - csv (StarCalc):44,34,76",  # 76: UTF-8
    "csv-gbk": "csv:Text - txt - csv (StarCalc):44,34,85",  # 85: GBK
}
REQUIRED = ("level3", "lead")


@pytest.fixture(scope="session")
def county_tables(tmp_path_factory):
    """The county table in every format LibreOffice writes, converted once per test session."""
    require_soffice()
    base = tmp_path_factory.mktemp("office")
    source = base / "county-table.html"
    shutil.copy(FIXTURES / "county-table.html", source)
    # The HTML is read as a Calc web query so that rowspan/colspan become merged cells.
    ods = convert(source, "ods", base / "ods", infilter="calc_HTML_WebQuery")
    (base / "county-table.ods").write_bytes(ods)
    files = {"ods": ods}
    for name, target in FORMATS.items():
        if name != "ods":
            files[name] = convert(base / "county-table.ods", target, base / name)
    return files


def _rows(table):
    return [
        (r.serial, r.level1, r.level2, r.level3, r.lead, r.cooperating, r.deadline, r.ongoing, r.note)
        for r in table.rows
    ]


def test_every_format_reads_to_the_same_rows(county_tables):
    expected = _rows(read_table(county_tables["xlsx"], required=REQUIRED))
    assert len(expected) == 5
    assert expected[0][:4] == (
        1,
        "政府职能依法全面履行",
        "加大简政放权力度",
        "全面推行审批服务“马上办、网上办、就近办、一次办、自助办”。",
    )
    assert [r[0] for r in expected] == [1, 2, 3, 4, 5]  # 1 / （2） / ③ / 第4项 / 五
    assert expected[4][3] == "建立行政规范性文件备案审查制度，备案审查率达到 100%。"  # inner space and 。 kept
    for name, data in county_tables.items():
        assert _rows(read_table(data, required=REQUIRED)) == expected, name


def test_only_the_csv_continues_blank_titles_and_says_so(county_tables):
    for name in ("xlsx", "xls", "ods"):
        assert read_table(county_tables[name]).continued == [], name  # the merged ranges say it
    for name in ("csv-utf8", "csv-gbk"):
        table = read_table(county_tables[name])
        assert table.continued == [5, 6, 8], name  # the rows under the first row of each merged block
        assert "沿用上方的标题" in " ".join(str(n) for n in table.notes)


@pytest.mark.django_db
def test_every_format_imports_to_the_same_tree_and_division(county_tables):
    load_units()
    results = {}
    for name, data in county_tables.items():
        framework = framework_import(table=read_table(data), name=f"体系-{name}")
        campaign = campaign_create(by=None, slug=f"c-{name}", name=name, county="示范县", framework=framework)
        assignment_import(campaign=campaign, table=read_table(data, required=REQUIRED), accept_warnings=True)
        tree = sorted(framework.indicators.values_list("code", "level", "parent__code", "title", "serial"))
        division = sorted(
            campaign.assignments.values_list("indicator__code", "unit__code", "role", "deadline", "ongoing")
        )
        results[name] = (tree, division)
    first = results["xlsx"]
    assert len(first[0]) == 2 + 3 + 5 and len(first[1]) > 5  # 2 level-1, 3 level-2, 5 level-3 indicators
    for name, result in results.items():
        assert result == first, name


@pytest.mark.django_db
def test_libreoffice_opens_what_we_export_and_reads_what_we_read(county_tables, tmp_path):
    load_units()
    framework = framework_import(table=read_table(county_tables["ods"]), name="体系")
    campaign = campaign_create(by=None, slug="c", name="c", county="示范县", framework=framework)
    assignment_import(
        campaign=campaign, table=read_table(county_tables["ods"], required=REQUIRED), accept_warnings=True
    )
    ours_csv = assignment_export(campaign=campaign, fmt="csv").decode("utf-8-sig")
    source = tmp_path / "export.xlsx"
    source.write_bytes(assignment_export(campaign=campaign, fmt="xlsx"))
    theirs_csv = convert(source, FORMATS["csv-utf8"], tmp_path / "out").decode("utf-8")
    assert list(csv.reader(io.StringIO(theirs_csv))) == list(csv.reader(io.StringIO(ours_csv)))


def test_a_wps_et_workbook_is_read_by_its_content(county_tables):
    # WPS saves .et as an OLE2 workbook like .xls: the name does not matter, the content does.
    assert _rows(read_table(county_tables["xls"])) == _rows(read_table(county_tables["xlsx"]))


@pytest.fixture(scope="session")
def documents(tmp_path_factory):
    """Files that are not tables, as LibreOffice writes them."""
    require_soffice()
    base = tmp_path_factory.mktemp("documents")
    source = base / "note.txt"
    source.write_text("关于报送材料的通知\n", encoding="utf-8")
    return {ext: convert(source, ext, base / ext) for ext in ("docx", "odt", "doc", "pdf")}


@pytest.mark.parametrize(
    "ext, named",
    [
        ("docx", "Word 文档（.docx）"),
        ("odt", "OpenDocument 文本文档（.odt）"),
        ("doc", "Word 或 WPS 文字文档"),
        ("pdf", "PDF 文件"),
    ],
)
def test_a_document_is_named_not_mistaken_for_a_workbook(documents, ext, named):
    with pytest.raises(TableError) as exc:
        read_table(documents[ext])
    assert f"这是{named}" in str(exc.value) and "不是电子表格" in str(exc.value)
