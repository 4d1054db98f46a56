"""The task-table reader against every layout feature counties use."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest

from core import tables
from core.tables import TableError, read_table
from tests.core import table_builders as builders

SHARED = Path(__file__).resolve().parents[1] / "fixtures"
REPO_DATA = Path(__file__).resolve().parents[2] / "portal" / "demo_data"


def _summary(table):
    return [(r.level1, r.level2, r.level3, r.lead, r.cooperating, r.deadline, r.ongoing) for r in table.rows]


EXPECTED = [
    (
        "政府职能依法全面履行",
        "加大简政放权力度",
        "全面推行审批服务“马上办、网上办”。",  # kept as written, final 。 included
        "县审批局",
        "县数据局、县直各行政执法部门",
        datetime.date(2025, 9, 30),
        False,
    ),
    (
        "政府职能依法全面履行",
        "加大简政放权力度",
        "依法实施行政许可。",  # kept as written, final 。 included
        "县司法局",
        "县审批局 县财政局",
        datetime.date(2025, 10, 31),
        False,
    ),
    (
        "政府职能依法全面履行",
        "加强事中事后监管",
        "全面推行“双随机、一公开”监管。",  # kept as written, final 。 included
        "县市场监管局",
        "各乡镇(街道)",
        None,
        True,
    ),
    (
        "依法行政制度体系完善",
        "加强行政规范性文件监督管理",
        "严格落实合法性审核机制。",  # kept as written, final 。 included
        "县司法局",
        "",
        datetime.date(2025, 12, 31),
        False,
    ),
]


def test_shared_task_table_reads_100_rows_without_errors():
    table = read_table((SHARED / "task-table.xlsx").read_bytes())
    assert len(table.rows) == 100 and table.errors == []
    assert table.rows[0].serial == 1 and table.rows[-1].serial == 100
    codes, errors = tables.table_codes(table)
    assert errors == [] and codes[0] == "1.1.1" and codes[-1] == "8.4.3"


def test_shared_xlsx_and_csv_give_the_same_tree():
    xlsx = read_table((SHARED / "task-table.xlsx").read_bytes())
    csv = read_table((REPO_DATA / "indicators.csv").read_bytes())
    xcodes, _ = tables.table_codes(xlsx)
    ccodes, _ = tables.table_codes(csv)
    assert xcodes == ccodes
    assert [tables.title_key(r.level3) for r in xlsx.rows] == [tables.title_key(r.level3) for r in csv.rows]
    assert [r.level2 for r in xlsx.rows] == [r.level2 for r in csv.rows]


def test_title_rows_merged_cells_and_footnote():
    table = read_table(builders.xlsx_bytes(builders.standard))
    assert table.errors == []
    assert _summary(table) == EXPECTED
    assert table.sheet == "任务分工"


def test_header_repeated_at_a_page_break_is_skipped():
    table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, repeat_header_at=2)))
    assert _summary(table) == EXPECTED


def test_two_row_header_under_a_merged_parent():
    table = read_table(builders.xlsx_bytes(builders.two_row_header))
    assert table.columns["lead"] == 3 and table.columns["cooperating"] == 4
    assert table.errors == []
    assert _summary(table) == EXPECTED


def test_full_width_section_rows_supply_level1():
    table = read_table(builders.xlsx_bytes(builders.section_rows))
    assert table.errors == []
    assert _summary(table) == EXPECTED
    assert [r.level1_no for r in table.rows] == [1, 1, 1, 2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_chinese_encoding(encoding):
    table = read_table(builders.csv_bytes(encoding=encoding))
    assert table.errors == []
    assert [r.level3 for r in table.rows] == [e[2] for e in EXPECTED]


def test_legacy_xls_with_merged_cells_and_excel_dates():
    table = read_table(builders.xls_bytes())
    assert table.errors == []
    assert _summary(table) == EXPECTED


def test_other_sheets_are_ignored_unless_chosen():
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表说明文字"])
    ws = wb.create_sheet("任务分工")
    builders.standard(ws)
    other = wb.create_sheet("另一张表")
    builders.standard(other, rows=builders.ROWS[:1])
    buf = io.BytesIO()
    wb.save(buf)
    assert len(read_table(buf.getvalue()).rows) == 4
    assert len(read_table(buf.getvalue(), sheet="另一张表").rows) == 1
    with pytest.raises(TableError, match="没有名为"):
        read_table(buf.getvalue(), sheet="不存在")


def test_texts_are_kept_verbatim_but_for_surrounding_whitespace_and_numbering():
    rows = [
        (
            "一、\u3000政府职能  依法全面履行",
            "（一）加大简政放权力度\u00a0",
            " 全面推行审批服务。\n",
            "县审批局",
            "县数据局 ， 县财政局",
            "2025/9/30",
        )
    ]
    table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))
    row = table.rows[0]
    assert (row.level1, row.level2, row.level3) == ("政府职能  依法全面履行", "加大简政放权力度", "全面推行审批服务。")
    assert row.deadline == datetime.date(2025, 9, 30)


def test_numbering_in_a_code_column_and_numbers_as_text():
    header = ["code", "level1", "level2", "level3", "lead_unit", "cooperating_units", "deadline"]
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerow(["1.10.2", "甲", "乙", "丙", "县司法局", "", ""])
    table = read_table(out.getvalue().encode())
    assert table.rows[0].code == "1.10.2" and table.rows[0].ongoing


# --- hostile files -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件是空的"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "不是电子表格"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是电子表格"),
        (b"PK\x03\x04 this is not really a zip", "不是可读取的 .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不是可读取的 .xls"),
        ("名称,地址\n张三,北京\n".encode(), "未找到表头"),
        ("三级指标,备注\n".encode(), "没有指标行"),
    ],
)
def test_hostile_whole_files_are_refused_with_a_clear_message(data, message):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(TableError, match=message):
        read_table(data)


def test_missing_required_column_is_named():
    from django.utils import translation

    data = builders.csv_bytes(header=("一级指标", "二级指标", "三级指标", "责任单位", "完成时限", "备注"))
    with translation.override("zh-hans"), pytest.raises(TableError, match="牵头单位"):
        read_table(data, required=("level3", "lead"))


def test_blank_title_impossible_date_and_formula_are_row_errors():
    from django.utils import translation

    rows = [
        ("一、甲", "（一）乙", "", "县司法局", "", "2025-09-30"),
        ("一、甲", "（一）乙", "正常的指标", "县司法局", "", "2025-02-30"),
        ("一、甲", "（一）乙", '=HYPERLINK("http://evil")', "县司法局", "", "2025-09-30"),
        ("一、甲", "（一）乙", "另一条指标", "县司法局", "", "下个月吧"),
    ]
    with translation.override("zh-hans"):
        table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))
        messages = [str(e) for e in table.errors]
    assert messages == [
        "第 4 行，“三级指标”列：指标内容为空",
        "第 5 行，“完成时限”列：2025-02-30 不是真实存在的日期",
        "第 6 行，“三级指标”列：不接受公式，请粘贴数值",
        "第 7 行，“完成时限”列：无法识别完成时限“下个月吧”",
    ]


def test_over_long_cells_are_row_errors_not_database_errors():
    from django.utils import translation

    rows = [
        ("一、甲", "（一）乙", "很长" * 501, "县司法局", "", "2025-09-30"),
        ("一、甲", "（一）乙", "正常的指标", "县司法局", "", "2025-09-30"),
    ]
    with translation.override("zh-hans"):
        table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))
        messages = [str(e) for e in table.errors]
    assert messages == ["第 4 行，“三级指标”列：1002 个字符，最多 1000 个"]
    assert [r.level3 for r in table.rows] == ["正常的指标"]


def test_blank_level1_without_merge_or_section_is_an_error():
    data = "一级指标,二级指标,三级指标,牵头单位\n,乙,丙,县司法局\n".encode()
    table = read_table(data)
    assert table.rows == [] and "一级指标" in str(table.errors[0])


def test_too_many_rows_is_refused_without_reading_them_all():
    from django.utils import translation

    lines = ["一级指标,二级指标,三级指标,牵头单位"] + [f"甲,乙,指标{i},县司法局" for i in range(100_000)]
    with translation.override("zh-hans"), pytest.raises(TableError, match="超过 20000 行"):
        read_table("\n".join(lines).encode())


def test_too_many_rows_in_xlsx_is_refused():
    import io

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("表")
    ws.append(["一级指标", "二级指标", "三级指标", "牵头单位"])
    for i in range(tables.MAX_ROWS + 5):
        ws.append(["甲", "乙", f"指标{i}", "县司法局"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TableError):
        read_table(buf.getvalue())


def test_export_neutralises_formula_like_cells():
    data = tables.export_table(["a", "b"], [["=1+1", "+86 123"], ["@SUM(A1)", "-2"], ["正常", "ok"]], "csv")
    text = data.decode("utf-8-sig")
    assert "'=1+1" in text and "'+86 123" in text and "'@SUM(A1)" in text and "'-2" in text
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(tables.export_table(["a"], [["=cmd|' /C calc'!A0"]], "xlsx")))
    cell = wb.active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


# --- numbering, verbatim text, CSV without merges, formats named ---------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, 1),
        ("1", 1),
        ("1.", 1),
        ("1、", 1),
        ("（1）", 1),
        ("(1)", 1),
        ("①", 1),
        ("⑳", 20),
        ("一", 1),
        ("十二", 12),
        ("第1项", 1),
        ("第十二条", 12),
        ("（98）", 98),
        ("１２", 12),
        (3.0, 3),
        ("", None),
        ("甲", None),
        (1.5, None),
        (0, None),
    ],
)
def test_serial_numbers_in_every_style_counties_use(value, expected):
    from core.tables import parse_serial

    assert parse_serial(value) == expected


def test_an_unreadable_serial_never_fails_the_file_and_the_order_comes_from_the_table():
    rows = [("一、甲", "（一）乙", f"丙{i}。", "县司法局", "", "2025-09-30") for i in range(3)]

    def build(ws):
        builders.standard(ws, rows=rows)
        for r, serial in ((4, "（98）"), (5, "甲"), (6, None)):
            ws.cell(row=r, column=3).value = serial

    table = read_table(builders.xlsx_bytes(build))
    assert table.errors == [] and [r.serial for r in table.rows] == [98, None, None]
    assert table.unread_serials == [5] and "序号无法识别" in " ".join(str(n) for n in table.notes)


def test_a_csv_saved_from_merged_cells_continues_blank_titles():
    rows = list(builders.ROWS)
    blanked = [rows[0]] + [("", "", *r[2:]) if r[0] == rows[0][0] and r[1] == rows[0][1] else r for r in rows[1:]]
    table = read_table(builders.csv_bytes(rows=blanked))
    assert table.errors == [] and table.continued == [3]
    assert _summary(table) == EXPECTED


def test_a_blank_level2_under_a_new_level1_is_still_an_error():
    rows = [
        builders.ROWS[0],
        ("二、依法行政制度体系完善", "", "严格落实合法性审核机制。", "县司法局", "", "2025.12.31"),
    ]
    table = read_table(builders.csv_bytes(rows=rows))
    assert [e.column for e in table.errors] == ["二级指标"]


def test_a_sheet_with_merged_ranges_does_not_guess_a_blank_parent():
    def build(ws):
        builders.standard(ws)  # merges level-1/level-2 down each block
        ws.cell(row=ws.max_row - 1, column=1).value = None  # the last block's level-1 (a single row), blanked

    table = read_table(builders.xlsx_bytes(build))
    assert table.continued == [] and [e.column for e in table.errors] == ["一级指标"]


@pytest.mark.django_db
def test_export_and_reimport_is_byte_identical():
    from assignments.services import assignment_export, assignment_import
    from campaign.services import campaign_create
    from indicators.services import framework_import
    from portal.demo import load_units

    load_units()
    rows = [
        *builders.ROWS,
        (
            "二、依法行政制度体系完善",
            "（二）健全决策机制",
            "重大决策 经合法性审查；率达 100%。",
            "县司法局",
            "",
            "2026-06-30",
        ),
    ]
    data = builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows))
    exports = []
    for n in range(2):
        framework = framework_import(table=read_table(data), name=f"体系{n}")
        campaign = campaign_create(by=None, slug=f"c{n}", name=f"c{n}", county="示范县", framework=framework)
        assignment_import(campaign=campaign, table=read_table(data, required=("level3", "lead")), accept_warnings=True)
        exports.append(assignment_export(campaign=campaign, fmt="csv"))
        data = exports[-1]
    assert exports[0] == exports[1]
    assert "重大决策 经合法性审查；率达 100%。" in exports[0].decode("utf-8-sig")


def _zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, named",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文件"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>", "网页文件"),
        (_zip({"word/document.xml": "<w/>", "[Content_Types].xml": "<t/>"}), "Word 文档"),
        (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "OpenDocument 文本文档"),
        (_zip({"notes.txt": "x"}), "压缩包"),
    ],
)
def test_a_file_that_is_not_a_table_is_named(data, named):
    with pytest.raises(TableError) as exc:
        read_table(data)
    assert f"这是{named}" in str(exc.value)


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    '<table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>'
)


def test_an_ods_of_repeated_rows_is_refused_before_it_is_built():
    row = '<table:table-row table:number-rows-repeated="5000000"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    data = _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": _ODS_CONTENT.format(rows=row),
            "META-INF/manifest.xml": "<manifest/>",
        }
    )
    with pytest.raises(TableError, match="20000 行"):
        read_table(data)


def test_an_ods_whose_content_is_huge_is_refused_unread(monkeypatch):
    monkeypatch.setattr(tables, "ZIP_UNPACKED_MAX", 1000)
    content = _ODS_CONTENT.format(rows="x" * 2000)
    data = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": content})
    with pytest.raises(TableError, match="解压后超过"):
        read_table(data)


def test_a_broken_ods_is_named_as_one():
    data = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<not xml"})
    with pytest.raises(TableError, match="OpenDocument 表格"):
        read_table(data)


def test_the_shared_task_table_saved_as_ods_by_libreoffice_reads_like_the_xlsx():
    # tests/fixtures/task-table.ods: the shared .xlsx saved by LibreOffice Calc 7.4 (merged cells as covered cells).
    xlsx = read_table((SHARED / "task-table.xlsx").read_bytes())
    ods = read_table((SHARED / "task-table.ods").read_bytes())
    assert len(ods.rows) == 100 and ods.rows == xlsx.rows and ods.errors == [] and ods.continued == []


# --- spreadsheet bombs: refused on the ZIP directory or by the safe XML parser -------------


def _xlsx_with(replace):
    """The standard table as .xlsx with some of its parts replaced (name -> bytes)."""
    original = zipfile.ZipFile(io.BytesIO(builders.xlsx_bytes(builders.standard)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in original.infolist():
            zf.writestr(info.filename, replace.get(info.filename, original.read(info.filename)))
        for name in set(replace) - set(original.namelist()):
            zf.writestr(name, replace[name])
    return buf.getvalue()


def test_a_sheet_that_unpacks_to_far_more_than_a_table_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(tables, "ZIP_UNPACKED_MAX", 4 * 1024 * 1024)
    # 8 MB of one repeated cell compresses to a few KB: the ratio and the total give it away.
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * 8000
        + b"</sheetData></worksheet>"
    )
    data = _xlsx_with({"xl/worksheets/sheet1.xml": sheet})
    assert len(data) < 200_000
    with pytest.raises(TableError, match="解压后超过"):
        read_table(data)


def test_giant_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "ZIP_RATIO_MAX", 50)
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>"
        + b"x" * 3_000_000
        + b"</t></si></sst>"
    )
    with pytest.raises(TableError, match="解压后超过"):
        read_table(_xlsx_with({"xl/sharedStrings.xml": strings}))


@pytest.mark.parametrize(
    "part",
    [
        # billion laughs
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets><sheet name='&c;' sheetId='1'/></sheets></workbook>",
        # an external entity
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="&x;" sheetId="1"/></sheets></workbook>',
    ],
)
def test_entity_tricks_in_a_workbook_are_refused_with_a_message(part):
    with pytest.raises(TableError, match="无法安全读取"):
        read_table(_xlsx_with({"xl/workbook.xml": part}))


def test_a_sheet_without_a_header_is_refused_from_its_first_rows_unread(monkeypatch):
    requested = []
    original = tables._xlsx_rows
    monkeypatch.setattr(tables, "_xlsx_rows", lambda ws, limit: requested.append(limit) or original(ws, limit))

    def build(ws):
        for n in range(200):
            ws.append([n, n * 2, n * 3])

    with pytest.raises(TableError, match="未找到表头"):
        read_table(builders.xlsx_bytes(build))
    assert requested == [tables.HEADER_SEARCH_ROWS]  # never the whole sheet
