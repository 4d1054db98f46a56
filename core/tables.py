"""Reading task-division tables (指标体系及任务分工) as counties circulate them.

One reader serves the office's upload page, the Django admin's import and the
management commands. It takes .xlsx, legacy .xls (and WPS's .et, an OLE2 workbook),
OpenDocument .ods (LibreOffice, WPS) and .csv (UTF-8, UTF-8 with BOM, GBK/GB18030) —
the format is detected from the content, not the name; anything else is named in
the message ("这是 Word 文档，不是电子表格") — and
understands title rows, a header row found by its names (also across two rows),
repeated headers, footnotes, merged cells, full-width section rows, Chinese
numbering, and the many ways a deadline is written.

Why our own reader rather than django-import-export's formats: tablib's XLSX
loader reads row 1 as the header and returns None for merged cells, and a
county table has neither property. We hand import-export a clean dataset
instead (see indicators/admin.py).
"""

import csv
import datetime
import functools
import io
import re
import struct
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import defusedxml.ElementTree as SafeET
import olefile
import openpyxl
import python_calamine
import tablib
import xlrd
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 20_000
MAX_COLUMNS = 60
# The longest text each column may hold; the Indicator model takes its limits from here,
# so a longer cell is a row error naming the cell, never a database error.
TITLE_MAX = 1000
EVALUATION_METHOD_MAX = 200
CRITERIA_MAX = 5000
TEXT_LIMITS = {
    "level1": TITLE_MAX,
    "level2": TITLE_MAX,
    "level3": TITLE_MAX,
    "evaluation_method": EVALUATION_METHOD_MAX,
    "criteria": CRITERIA_MAX,
}
HEADER_SEARCH_ROWS = 30

# Column key -> header texts (compared after normalisation, see header_key()).
HEADER_SYNONYMS = {
    "code": ["code", "编码", "指标编码", "指标代码"],
    "level1": ["一级指标", "level1"],
    "level2": ["二级指标", "level2"],
    "level3": ["三级指标", "三级指标(评价内容)", "三级指标(评价标准)", "评价内容", "指标内容", "level3"],
    "serial": ["序号", "serial"],
    "score": ["分值", "分数", "score"],
    "evaluation_method": ["测评方式", "评价方式", "考核方式", "evaluation_method"],
    "criteria": ["评价标准", "评分标准", "criteria"],
    "lead": ["牵头单位", "lead_unit", "lead"],
    "cooperating": ["责任单位", "配合单位", "协办单位", "配合部门", "责任部门", "cooperating_units", "cooperating"],
    "deadline": ["完成时限", "完成时间", "时限", "deadline"],
    "note": ["备注", "note"],
}
COLUMN_LABELS = {
    "code": gettext_lazy("code"),
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "serial": "序号",
    "score": "分值",
    "evaluation_method": "测评方式",
    "criteria": "评价标准",
    "lead": "牵头单位",
    "cooperating": "责任单位",
    "deadline": "完成时限",
    "note": "备注",
}
FOOTNOTE_PREFIXES = ("注:", "注：", "说明:", "说明：", "备注:", "备注：", "附注")
ONGOING_WORDS = ("长期坚持", "持续推进", "长期", "持续", "常态化", "经常性")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "[零〇一二两三四五六七八九十百]+"
_NUMBERING = [
    # （一） (一) （1） (1)
    re.compile(rf"^[（(]\s*(?P<n>{_CN_NUM}|\d+)\s*[)）]\s*"),
    # 一、 一. 一．
    re.compile(rf"^(?P<n>{_CN_NUM})\s*[、.．，,]\s*"),
    # 1.2.3 标题 (a dotted code: the last part is the position)
    re.compile(r"^(?:\d+[.．])+(?P<n>\d+)(?:\s*[、.．]\s*|\s+)"),
    # 1. 1． 1、 (not 1.5 — a decimal belongs to the text)
    re.compile(r"^(?P<n>\d+)\s*(?:[、.．，,](?!\d)|\s+)\s*"),
]
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?\s*(?:前|以前|之前)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*(份|底|末|上旬|中旬|下旬)?\s*(?:前|以前|之前)?$")
_YEAR = re.compile(r"^(\d{4})\s*年?\s*(底|末|年底|年末)?\s*(?:前|以前|之前)?$")


class TableError(Exception):
    """A problem with the whole file (not a spreadsheet, empty, no header...)."""


class Formula(str):
    """A cell that holds a formula rather than a value."""


@dataclass(frozen=True)
class CellError:
    row: int  # the row number as the spreadsheet shows it
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class TaskRow:
    """One level-3 indicator row of a task table, cleaned but not yet resolved."""

    row: int
    level1: str
    level2: str
    level3: str
    level1_no: int | None = None
    level2_no: int | None = None
    level3_no: int | None = None
    code: str = ""
    serial: int | None = None
    score: Decimal | None = None
    evaluation_method: str = ""
    criteria: str = ""
    lead: str = ""
    cooperating: str = ""
    deadline: datetime.date | None = None
    ongoing: bool = False
    note: str = ""


@dataclass
class ParsedTable:
    sheet: str
    sheets: list
    columns: dict  # key -> column index
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # Row numbers whose blank level-1/level-2 cell continued the title above (a CSV, or a
    # sheet saved without its merged cells), and whose 序号 could not be read as a number.
    continued: list = field(default_factory=list)
    unread_serials: list = field(default_factory=list)

    def has(self, key):
        return key in self.columns

    @property
    def notes(self):
        """What the reader assumed, for the preview to say."""
        notes = []
        if self.continued:
            notes.append(
                _(
                    "%(n)s row(s) had an empty level-1 or level-2 cell, which continues the title above (the file keeps no merged cells): rows %(rows)s."
                )
                % {"n": len(self.continued), "rows": _row_ranges(self.continued)}
            )
        if self.unread_serials:
            notes.append(
                _(
                    "The serial number of %(n)s row(s) is not a number; their order is taken from the table: rows %(rows)s."
                )
                % {"n": len(self.unread_serials), "rows": _row_ranges(self.unread_serials)}
            )
        return notes


def _row_ranges(numbers):
    """[3, 4, 5, 9] -> "3–5、9"."""
    parts, start, prev = [], None, None
    for n in sorted(numbers) + [None]:
        if start is not None and (n is None or n != prev + 1):
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return "、".join(parts)


# --- text helpers --------------------------------------------------------------


def clean_text(value):
    """Collapse whitespace (NBSP, ideographic space, line breaks) and drop it beside CJK text."""
    if value is None:
        return ""
    raw = str(value)
    text = _WS.sub(" ", raw).strip()
    quote = raw.find("'")
    if text[:1] == "'" and raw[quote + 1 : quote + 2] in _INJECTION_PREFIXES:
        text = text[1:].strip()  # the apostrophe neutralise() puts before a formula-like text (or a tab)
    return _CJK_SPACE.sub("", text)


def norm_key(value):
    """A comparison key: full-width forms folded (NFKC), whitespace removed, lower case."""
    return _WS.sub("", unicodedata.normalize("NFKC", str(value or ""))).lower()


def norm_key_keep_spaces(value):
    """NFKC-folded text with its whitespace collapsed to single spaces (for splitting lists)."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", str(value or ""))).strip()


def cn_to_int(text):
    """一 -> 1, 十二 -> 12, 二十 -> 20, 一百零三 -> 103; digits pass through."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(text)
    return total + current


def split_numbering(text):
    """'（三）加强监管' -> (3, '加强监管'); text without numbering -> (None, text)."""
    if text is None:
        return None, ""
    return _split_numbering(str(text))


# Level-1 and level-2 titles repeat on every row of a table: remember the answers.
@functools.lru_cache(maxsize=8192)
def _split_numbering(text):
    # Match on whitespace-collapsed text: "1 标题" needs its space to be numbering.
    spaced = _WS.sub(" ", text).strip()
    if spaced[:1] == "'" and spaced[1:2] in ("=", "+", "-", "@"):
        spaced = spaced[1:]
    for pattern in _NUMBERING:
        match = pattern.match(spaced)
        if match and match.end() < len(spaced):
            try:
                return cn_to_int(match.group("n")), clean_text(spaced[match.end() :])
            except ValueError:
                continue
    return None, clean_text(spaced)


_LINE_BREAK = re.compile(r"[ \t\u00a0\u3000]*[\r\n\u2028\u2029\v\f]+[ \t\u00a0\u3000]*")
_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def verbatim_text(value):
    """An indicator's text as written: only the whitespace around it is removed, and a line
    break inside it (a wrapped cell) becomes nothing between Chinese characters, a space
    elsewhere. Everything else — inner spaces, the final 。 — is kept."""
    if value is None:
        return ""
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the apostrophe export_table() puts before a formula-like text

    def join(match):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        return "" if _CJK_CHAR.match(before) or _CJK_CHAR.match(after) else " "

    return _LINE_BREAK.sub(join, text)


def strip_numbering(text):
    """A level-1/level-2 (or level-3) title without its leading numbering, kept verbatim
    otherwise: '一、政府职能依法全面履行。' -> (1, '政府职能依法全面履行。')."""
    text = verbatim_text(text)
    spaced = _WS.sub(" ", text)
    for pattern in _NUMBERING:
        match = pattern.match(spaced)
        if match and match.end() < len(spaced):
            try:
                n = cn_to_int(match.group("n"))
            except ValueError:
                continue
            # The same number of characters off the verbatim text (whitespace runs were collapsed).
            return n, _strip_leading(text, match.group(0))
    return None, text


def _strip_leading(text, prefix):
    """`text` without the leading part that reads `prefix` once whitespace runs are collapsed."""
    i = j = 0
    while i < len(text) and j < len(prefix):
        if text[i].isspace() and prefix[j].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            j += 1
        else:
            i, j = i + 1, j + 1
    return text[i:].lstrip()


def clean_title(text):
    """A title as stored: its leading numbering removed, the rest as written."""
    return strip_numbering(text)[1]


@functools.lru_cache(maxsize=8192)
def title_key(text):
    """What two spellings of the same title share (for matching rows and re-imports):
    no numbering, no whitespace, full-width forms folded, no closing punctuation."""
    return norm_key(clean_title(text)).rstrip("。．.；;，,")


def header_key(value):
    key = norm_key(value)
    for name, synonyms in _HEADER_INDEX.items():
        if key in synonyms:
            return name
    return None


_HEADER_INDEX = {name: {norm_key(s) for s in synonyms} for name, synonyms in HEADER_SYNONYMS.items()}


_SERIAL = re.compile(rf"^第?\(?(?P<n>\d+|{_CN_NUM})\)?[项条个号]?[.、,，]?$")


def parse_serial(value):
    """A 序号 in any style counties number rows: 1, 1., 1、, （1）, (1), ①, 一, 第1项 -> 1.
    None when it is blank or not a number (never an error: the order then comes from the table)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return int(value) if value == int(value) and value > 0 else None
    # NFKC folds full-width digits and brackets, and circled numbers (① -> 1).
    match = _SERIAL.match(norm_key(value))
    if not match:
        return None
    try:
        n = cn_to_int(match.group("n"))
    except ValueError:
        return None
    return n if n > 0 else None


def parse_deadline(value):
    """-> (date or None, ongoing). Blank means ongoing (no fixed deadline). Raises ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date(), False
    if isinstance(value, datetime.date):
        return value, False
    if isinstance(value, Formula):
        raise ValueError(_("formulas are not accepted: paste the value"))
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        raise ValueError(_("a number is not a deadline: write a date such as 2025-09-30"))
    text = norm_key(value)
    if not text:
        return None, True
    if any(word in text for word in ONGOING_WORDS):
        return None, True
    try:
        if match := _DATE.match(text):
            y, m, d = (int(g) for g in match.groups())
            return datetime.date(y, m, d), False
        if match := _MONTH.match(text):
            y, m, part = int(match.group(1)), int(match.group(2)), match.group(3)
            day = {"上旬": 10, "中旬": 20}.get(part)
            return (datetime.date(y, m, day) if day else _month_end(y, m)), False
        if match := _YEAR.match(text):
            return datetime.date(int(match.group(1)), 12, 31), False
    except ValueError:
        raise ValueError(_("%(value)s is not a real date") % {"value": clean_text(value)}) from None
    raise ValueError(_("cannot read the deadline %(value)s") % {"value": clean_text(value)})


def _month_end(year, month):
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


# --- loading a grid --------------------------------------------------------------


@dataclass
class Grid:
    sheet: str
    sheets: list
    rows: list  # list of lists of raw values
    merged: list  # (row1, col1, row2, col2), 0-based, inclusive


# What a file turned out to be, for messages that name it ("这是 Word 文档，不是电子表格").
FOUND_KINDS = {
    "docx": gettext_lazy("a Word document (.docx)"),
    "pptx": gettext_lazy("a PowerPoint presentation (.pptx)"),
    "odt": gettext_lazy("an OpenDocument text document (.odt)"),
    "odp": gettext_lazy("an OpenDocument presentation (.odp)"),
    "odf": gettext_lazy("an OpenDocument file that is not a spreadsheet"),
    "ofd": gettext_lazy("an OFD document"),
    "zip": gettext_lazy("a ZIP archive"),
    "doc": gettext_lazy("a Word or WPS Writer document (.doc/.wps)"),
    "ppt": gettext_lazy("a PowerPoint or WPS Presentation file (.ppt/.dps)"),
    "ole": gettext_lazy("an Office file of an unknown kind"),
    "pdf": gettext_lazy("a PDF file"),
    "image": gettext_lazy("a picture"),
    "html": gettext_lazy("a web page (HTML)"),
    "binary": gettext_lazy("a program or other binary file"),
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_table(kind):
    return TableError(
        _("This is %(kind)s, not a spreadsheet: upload an .xlsx, .xls, .et, .ods or .csv file.")
        % {"kind": FOUND_KINDS[kind]}
    )


def detect_format(data):
    """The table format of `data`, from its content (never its name): "xlsx", "ods", "xls"
    (also a WPS .et, which is an OLE2 workbook) or "csv". Anything else raises a TableError
    that names what the file is."""
    if not data:
        raise TableError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _zip_format(data)
    if data[:8] == _OLE2:
        return _ole_format(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        raise _not_a_table("pdf")
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"GIF8", b"RIFF"):
        raise _not_a_table("image")
    if head[:1] == b"<" and re.search(rb"<(html|table|!doctype)", head[:4096], re.IGNORECASE):
        # Some systems export "xls" files that are web pages.
        raise _not_a_table("html")
    if b"\x00" in data[:8192]:
        raise _not_a_table("binary")
    return "csv"


def _zip_format(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            with archive.open("mimetype") as fh:
                mimetype = fh.read(100).strip()
            if mimetype == ODS_MIMETYPE:
                return "ods"
            kind = {
                b"application/vnd.oasis.opendocument.text": "odt",
                b"application/vnd.oasis.opendocument.presentation": "odp",
            }.get(mimetype, "odf")
            raise _not_a_table(kind)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise TableError(_("This is not a readable .xlsx workbook.")) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        raise _not_a_table("docx")
    if "ppt/presentation.xml" in names:
        raise _not_a_table("pptx")
    if "OFD.xml" in names:
        raise _not_a_table("ofd")
    raise _not_a_table("zip")


def _ole_format(data):
    # olefile reads the compound file's directory (the names of its streams) without
    # loading the streams: a workbook has "Workbook" (or "Book"), a document "WordDocument".
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {entry[0].lower() for entry in ole.listdir(streams=True, storages=False) if entry}
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise TableError(_("This is not a readable .xls workbook.")) from exc
    if streams & {"workbook", "book"}:
        return "xls"
    if "worddocument" in streams:
        raise _not_a_table("doc")
    if "powerpoint document" in streams:
        raise _not_a_table("ppt")
    raise _not_a_table("ole")


def load_grid(data, sheet=None, header_required=False):
    """The cells of one sheet, with its merged ranges. Chooses the first sheet that has a task
    table's header row unless `sheet` names one; `header_required` refuses a file without one
    early (see _choose_sheet)."""
    kind = detect_format(data)
    loader = {"xlsx": _load_xlsx, "xls": _load_xls, "ods": _load_ods, "csv": _load_csv}[kind]
    return loader(data, sheet, header_required)


# Bounds on what a workbook may unpack to, checked on the ZIP directory before any XML is
# parsed (a 4 MB xlsx can hold a 1 GB sheet). A real county table of MAX_ROWS rows unpacks
# to a few tens of MB.
ZIP_UNPACKED_MAX = 64 * 1024 * 1024
ZIP_ENTRIES_MAX = 2000
ZIP_RATIO_MAX = 200  # uncompressed / compressed, for an entry of more than a megabyte


def _check_zip(archive):
    infos = archive.infolist()
    if len(infos) > ZIP_ENTRIES_MAX:
        raise TableError(_("The file holds %(n)s parts; a spreadsheet has far fewer.") % {"n": len(infos)})
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > ZIP_UNPACKED_MAX or (info.file_size > 1024 * 1024 and ratio > ZIP_RATIO_MAX):
            raise TableError(
                _(
                    "The spreadsheet unpacks to more than %(mb)s MB, far more than a task table needs: remove empty rows and columns, or split it."
                )
                % {"mb": ZIP_UNPACKED_MAX // (1024 * 1024)}
            )


def _refused_xml():
    return TableError(
        _(
            "The workbook contains XML that cannot be read safely (entity declarations or a broken part): save it again from the spreadsheet program."
        )
    )


def _col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_sheet_paths(archive):
    """Sheet name -> path inside the archive, from workbook.xml and its relationships."""

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    # defusedxml: a workbook is user data; entity tricks are refused, not expanded.
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    paths = {}
    for sheet in SafeET.fromstring(archive.read("xl/workbook.xml")).iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


def _xlsx_merged(archive, path):
    # Merged ranges follow the cell data at the end of the sheet XML; a regex over
    # the raw bytes finds them without building a second tree of the sheet.
    merged, tail = [], b""
    with archive.open(path) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            for m in _MERGE_REF.finditer(buf):
                c1, r1, c2, r2 = m.groups()
                merged.append((int(r1) - 1, _col_index(c1.decode()), int(r2) - 1, _col_index(c2.decode())))
            tail = buf[-200:] if not buf.endswith(b">") else b""
            # A match that straddles two chunks is found in the next pass; drop duplicates below.
    return sorted(set(merged))


def _load_xlsx(data, sheet, header_required=False):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)
        paths = _xlsx_sheet_paths(archive)
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except TableError:
        raise
    except (ET.ParseError, DefusedXmlException) as exc:
        raise _refused_xml() from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError(_("This is not a readable .xlsx workbook.")) from exc
    try:
        names = wb.sheetnames
        chosen = _choose_sheet(names, sheet, lambda name: _xlsx_rows(wb[name], HEADER_SEARCH_ROWS), header_required)
        rows = _xlsx_rows(wb[chosen], MAX_ROWS + 1)
        merged = _xlsx_merged(archive, paths[chosen]) if chosen in paths else []
    except (ET.ParseError, DefusedXmlException) as exc:
        raise _refused_xml() from exc
    finally:
        wb.close()
    return Grid(chosen, names, _check_size(rows), merged)


def _xlsx_rows(ws, limit):
    rows = []
    for row in ws.iter_rows():
        if len(rows) >= limit:
            break
        values = []
        for cell in row[:MAX_COLUMNS]:
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                value = Formula(value)
            values.append(value)
        rows.append(values)
    return rows


def _load_xls(data, sheet, header_required=False):
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises bare XLRDError/CompDocError/struct.error for junk
        raise TableError(_("This is not a readable .xls workbook.")) from exc
    names = book.sheet_names()

    def rows_of(name, limit):
        sh = book.sheet_by_name(name)
        out = []
        for r in range(min(sh.nrows, limit)):
            values = []
            for c in range(min(sh.ncols, MAX_COLUMNS)):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    values.append(int(cell.value) if float(cell.value).is_integer() else cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                else:
                    values.append(cell.value)
            out.append(values)
        return out

    chosen = _choose_sheet(names, sheet, lambda name: rows_of(name, HEADER_SEARCH_ROWS), header_required)
    rows = rows_of(chosen, MAX_ROWS + 1)
    merged = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in book.sheet_by_name(chosen).merged_cells]
    return Grid(chosen, names, _check_size(rows), merged)


_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _load_ods(data, sheet, header_required=False):
    """An OpenDocument spreadsheet (LibreOffice, WPS on 信创 desktops).

    The values come from python-calamine (Rust's calamine: a kept reader of xlsx/xls/ods
    that gets ODF's numbers, dates and multi-paragraph text right). It reports no merged
    ranges for ODS (merged_cell_ranges is None there) and no formulas, so one streaming
    pass over content.xml (_ods_layout) finds the spanned cells, the formula cells and the
    sheet's size first — bounded, so a bomb of repeated rows is refused before calamine
    builds anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)
        layout = _ods_layout(archive)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
    except TableError:
        raise
    except DefusedXmlException as exc:
        raise _refused_xml() from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ET.ParseError, python_calamine.CalamineError) as exc:
        raise TableError(_("This is not a readable OpenDocument spreadsheet (.ods).")) from exc

    too_big = []

    def rows_of(name, limit):
        merged, formulas, height = layout.get(name, ([], set(), 0))
        if height > MAX_ROWS:
            # Never handed to calamine: a sheet of millions of (repeated) rows is refused when
            # chosen, and passed over while looking for the sheet with the header.
            if limit == HEADER_SEARCH_ROWS:
                too_big.append(name)
                return []
            raise _too_many_rows()
        try:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limit)
        except python_calamine.CalamineError as exc:
            raise TableError(_("This is not a readable OpenDocument spreadsheet (.ods).")) from exc
        rows = []
        for r, row in enumerate(values[:limit]):
            cells = []
            for c, value in enumerate(row[:MAX_COLUMNS]):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)  # as the xls reader gives it: 1, not 1.0
                elif value == "":
                    value = None
                if (r, c) in formulas:
                    value = Formula(value)
                cells.append(value)
            rows.append(cells)
        return rows

    try:
        chosen = _choose_sheet(names, sheet, lambda name: rows_of(name, HEADER_SEARCH_ROWS), header_required)
    except TableError:
        if too_big:  # no header found because the sheet that has it is too large to read
            raise _too_many_rows() from None
        raise
    rows = rows_of(chosen, MAX_ROWS + 1)
    return Grid(chosen, names, _check_size(rows), layout.get(chosen, ([], set(), 0))[0])


def _ods_layout(archive):
    """Per sheet name: (merged ranges, formula cells, number of rows with content), read in
    one streaming pass. Cells are counted with their repeats (number-columns/rows-repeated);
    only the first MAX_COLUMNS columns and MAX_ROWS + 1 rows are kept."""
    layout = {}
    name, merged, formulas, row, height = None, [], set(), 0, 0
    with archive.open("content.xml") as fh:
        for event, elem in SafeET.iterparse(fh, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == f"{_ODF_TABLE}table":
                    name, merged, formulas, row, height = elem.get(f"{_ODF_TABLE}name", ""), [], set(), 0, 0
                continue
            if tag == f"{_ODF_TABLE}table-row":
                repeat = int(elem.get(f"{_ODF_TABLE}number-rows-repeated", "1") or 1)
                filled = False
                if row <= MAX_ROWS:
                    col = 0
                    for cell in elem:
                        if cell.tag not in (f"{_ODF_TABLE}table-cell", f"{_ODF_TABLE}covered-table-cell"):
                            continue
                        span = int(cell.get(f"{_ODF_TABLE}number-columns-repeated", "1") or 1)
                        has_value = cell.get(f"{_ODF_OFFICE}value-type") is not None or any(
                            child.tag == f"{_ODF_TEXT}p" for child in cell
                        )
                        filled = filled or has_value
                        if col < MAX_COLUMNS:
                            rows_spanned = int(cell.get(f"{_ODF_TABLE}number-rows-spanned", "1") or 1)
                            cols_spanned = int(cell.get(f"{_ODF_TABLE}number-columns-spanned", "1") or 1)
                            if rows_spanned > 1 or cols_spanned > 1:
                                merged.append((row, col, row + rows_spanned - 1, col + cols_spanned - 1))
                            if cell.get(f"{_ODF_TABLE}formula"):
                                formulas.update(
                                    (row + k, col + j)
                                    for k in range(min(repeat, 2))
                                    for j in range(min(span, MAX_COLUMNS))
                                )
                        col += span
                row += repeat
                if filled:
                    height = row
                elem.clear()
            elif tag == f"{_ODF_TABLE}table":
                layout[name] = (merged, formulas, height)
                elem.clear()
    return layout


def _load_csv(data, sheet, header_required=False):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise TableError(_("The text encoding of this CSV file is not recognised: save it as UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append([v if v != "" else None for v in row[:MAX_COLUMNS]])
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise TableError(_("This CSV file is malformed: %(error)s") % {"error": exc}) from exc
    return Grid(sheet or "CSV", ["CSV"], _check_size(rows), [])


def _too_many_rows():
    return TableError(_("The table has more than %(max)s rows; split it or remove the empty rows.") % {"max": MAX_ROWS})


def _check_size(rows):
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    if not any(any(v not in (None, "") for v in row) for row in rows):
        raise TableError(_("The file is empty."))
    return rows


def _choose_sheet(names, wanted, first_rows, header_required=False):
    """The sheet to read: `wanted`, or the first with a task table's header row. With
    `header_required` a sheet without one is refused from its first rows, before the rest is
    read (a bomb of 20,000 wide rows of numbers would otherwise be parsed only to be refused)."""
    if wanted:
        if wanted not in names:
            raise TableError(_("There is no sheet named %(name)s.") % {"name": wanted})
        if header_required and _find_header(first_rows(wanted)) is None:
            raise _no_header()
        return wanted
    for name in names:
        if _find_header(first_rows(name)) is not None:
            return name
    if header_required:
        raise _no_header()
    return names[0]


def _no_header():
    return TableError(
        _(
            "No header row found: the table needs a column named %(column)s (or %(alternative)s) and the other column names."
        )
        % {"column": HEADER_SYNONYMS["level3"][0], "alternative": HEADER_SYNONYMS["level3"][3]}
    )


# --- parsing ------------------------------------------------------------------------


def _fill_merged(rows, merged):
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    for r1, c1, r2, c2 in merged:
        if r1 >= len(rows) or c1 >= width:
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                rows[r][c] = value
    return rows


def _header_map(row):
    found = {}
    for index, value in enumerate(row):
        key = header_key(value) if isinstance(value, str) else None
        if key and key not in found:
            found[key] = index
    return found


def _find_header(rows):
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _header_map(row)
        if "level3" in found and len(found) >= 2:
            return index
    return None


def _combine_two_row_header(rows, index):
    """Headers spanning two rows (责任单位 over 牵头单位 / 配合单位): the lower row names win."""
    upper = _header_map(rows[index])
    if index + 1 >= len(rows):
        return upper, index + 1
    lower_row = rows[index + 1]
    lower = _header_map(lower_row)
    if not lower or "level3" in lower and lower.get("level3") != upper.get("level3"):
        return upper, index + 1
    # Every non-empty cell of the lower row is a header name or repeats the upper one (a vertical merge).
    for c, value in enumerate(lower_row):
        if value in (None, "") or header_key(value) or (c < len(rows[index]) and value == rows[index][c]):
            continue
        return upper, index + 1
    columns = {k: v for k, v in upper.items() if v not in lower.values()}
    columns.update(lower)
    return columns, index + 2


def parse_grid(grid, required=("level3",)):
    """Turn a grid into TaskRows plus cell errors. Whole-file problems raise TableError."""
    rows = _fill_merged([list(r) for r in grid.rows], grid.merged)
    header_index = _find_header(rows)
    if header_index is None:
        raise _no_header()
    columns, first = _combine_two_row_header(rows, header_index)
    missing = [COLUMN_LABELS[k] for k in required if k not in columns]
    if missing:
        raise TableError(_("Column missing: %(columns)s") % {"columns": "、".join(str(m) for m in missing)})
    table = ParsedTable(sheet=grid.sheet, sheets=grid.sheets, columns=columns)
    # An empty header cell (a CSV keeps no merge to fill it) must not make blank cells look like a repeated header.
    header_keys = {norm_key(rows[header_index][i]) for i in columns.values()} - {""}
    section1 = section2 = (None, "")  # (number, title) from the last section row
    # A file that keeps no merged ranges (a CSV, a sheet saved without them) leaves the
    # level-1/level-2 cells of a block blank under its first row: they continue the title above.
    # Where a sheet does keep merges, a blank parent stays an error (it may mean something).
    above = {} if not grid.merged else None
    for r in range(first, len(rows)):
        row = rows[r]
        number = r + 1
        texts = [clean_text(v) for v in row if v not in (None, "") and not isinstance(v, Formula)]
        if not texts and not any(isinstance(v, Formula) for v in row):
            continue
        if sum(1 for i in columns.values() if norm_key(row[i]) in header_keys) >= 2:
            continue  # a header repeated at a page break
        if texts and texts[0].startswith(FOOTNOTE_PREFIXES) and len(set(texts)) == 1:
            continue  # a footnote (注：/说明：)
        level3_raw = row[columns["level3"]]
        if len(set(texts)) == 1 and (level3_raw in (None, "") or clean_text(level3_raw) == texts[0]):
            raw = next(v for v in row if v not in (None, "") and not isinstance(v, Formula))
            n, title = strip_numbering(raw)
            if _is_level2_numbering(texts[0]):
                section2 = (n, title)
            else:
                section1, section2 = (n, title), (None, "")
            if above is not None:
                above.clear()  # a section row starts a new block
            continue  # a full-width section row: a level-1 (or level-2) title
        table_row = _parse_row(row, number, columns, section1, section2, table, above)
        if table_row:
            table.rows.append(table_row)
    if not table.rows and not table.errors:
        raise TableError(_("The table has a header but no indicator rows."))
    return table


def _is_level2_numbering(text):
    return bool(re.match(rf"^[（(]\s*(?:{_CN_NUM})\s*[)）]", clean_text(text)))


def _cell(row, columns, key):
    index = columns.get(key)
    return row[index] if index is not None and index < len(row) else None


def _parse_row(row, number, columns, section1, section2, table, above):
    def err(key, message):
        table.errors.append(CellError(number, str(COLUMN_LABELS.get(key, key)), message))

    for key, index in columns.items():
        if isinstance(row[index], Formula):
            err(key, _("formulas are not accepted: paste the value"))
            return None

    def text(key):
        return verbatim_text(_cell(row, columns, key))

    level3 = text("level3")
    if not level3:
        err("level3", _("the indicator text is empty"))
        return None
    levels, continued = {}, False
    for key, section in (("level1", section1), ("level2", section2)):
        raw = text(key)
        n, title = strip_numbering(raw) if raw else section
        same_block = key == "level1" or continued or (above or {}).get("level1") == levels["level1"]
        if not title and above is not None and key in above and same_block:
            (n, title), continued = above[key], True
        if not title:
            err(key, _("empty, and no section row above names it"))
            return None
        levels[key] = (n, title)
    if above is not None:
        above.update(levels)
    if continued:
        table.continued.append(number)
    n3, title3 = strip_numbering(level3)
    result = TaskRow(
        row=number,
        level1=levels["level1"][1],
        level1_no=levels["level1"][0],
        level2=levels["level2"][1],
        level2_no=levels["level2"][0],
        level3=title3,
        level3_no=n3,
        evaluation_method=text("evaluation_method"),
        criteria=text("criteria"),
        # Unit lists keep their line breaks and spaces as separators.
        lead=norm_key_keep_spaces(_cell(row, columns, "lead")),
        cooperating=norm_key_keep_spaces(_cell(row, columns, "cooperating")),
        note=text("note"),
    )
    ok = True
    for key, limit in TEXT_LIMITS.items():
        value = getattr(result, key)
        if len(value) > limit:
            err(key, _("%(n)s characters; at most %(max)s") % {"n": len(value), "max": limit})
            ok = False
    code = _cell(row, columns, "code")
    if code not in (None, ""):
        if not isinstance(code, str) or not re.fullmatch(r"\d+\.\d+\.\d+", norm_key(code)):
            err("code", _("%(value)s is not a level-3 code such as 1.2.3") % {"value": code})
            ok = False
        else:
            result.code = norm_key(code)
    serial = _cell(row, columns, "serial")
    if serial not in (None, ""):
        result.serial = parse_serial(serial)
        if result.serial is None:
            table.unread_serials.append(number)  # never an error: the order comes from the table
    score = _cell(row, columns, "score")
    if score not in (None, ""):
        try:
            value = Decimal(norm_key(score))
            if value < 0 or not value.is_finite():
                raise InvalidOperation
            result.score = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            err("score", _("%(value)s is not a score") % {"value": score})
            ok = False
    if "deadline" in columns:
        try:
            result.deadline, result.ongoing = parse_deadline(_cell(row, columns, "deadline"))
        except ValueError as exc:
            err("deadline", str(exc))
            ok = False
    else:
        result.ongoing = True
    return result if ok else None


def read_table(data, sheet=None, required=("level3",)):
    """Read an uploaded file's bytes into a ParsedTable. Raises TableError for whole-file problems."""
    return parse_grid(load_grid(data, sheet=sheet, header_required=True), required=required)


# --- positions -------------------------------------------------------------------


def _rank(items):
    """Positions 1..n for sibling keys: by their own numbers when every sibling has a
    distinct one, else by order of appearance."""
    numbers = [n for _key, n in items]
    if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
        ordered = sorted(items, key=lambda item: item[1])
    else:
        ordered = items
    return {key: position for position, (key, _n) in enumerate(ordered, start=1)}


def table_codes(table):
    """The "1.2.3" code of every row, from a code column or from the tree's order.

    Returns (codes, errors): codes[i] belongs to table.rows[i] (None for a row in error).
    """
    errors = []
    if table.has("code"):
        codes = []
        for row in table.rows:
            if not row.code:
                errors.append(CellError(row.row, str(COLUMN_LABELS["code"]), _("the code is empty")))
            codes.append(row.code or None)
        return codes, errors
    level1, level2, level3 = {}, {}, {}
    for row in table.rows:
        k1 = title_key(row.level1)
        k2 = (k1, title_key(row.level2))
        level1.setdefault(k1, row.level1_no)
        level2.setdefault(k1, {}).setdefault(k2, row.level2_no)
        level3.setdefault(k2, []).append((row.row, row.level3_no if row.level3_no is not None else row.serial))
    pos1 = _rank(list(level1.items()))
    pos2 = {}
    for children in level2.values():
        pos2.update(_rank(list(children.items())))
    pos3 = {}
    for children in level3.values():
        pos3.update(_rank(children))
    codes = []
    for row in table.rows:
        k1 = title_key(row.level1)
        k2 = (k1, title_key(row.level2))
        codes.append(f"{pos1[k1]}.{pos2[k2]}.{pos3[row.row]}")
    return codes, errors


def code_sort_key(code):
    return tuple(int(part) for part in code.split("."))


# --- export --------------------------------------------------------------------------

_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Defuse spreadsheet formulas in exported text (CSV/formula injection): a cell
    that starts with = + - @, a tab or a carriage return gets a leading apostrophe, which
    spreadsheets show as text (and clean_text drops again when the table comes back).
    Anything else, numbers and dates included, is returned as it is; neutralising twice
    changes nothing. Every CSV or XLSX the product writes goes through here: export_table(),
    neutralised() for tablib datasets, core.export_formats for the admin's exports."""
    if isinstance(value, str) and value.startswith(_INJECTION_PREFIXES):
        return "'" + value
    return value


def neutralised(dataset):
    """A copy of a tablib Dataset (a resource's export) with every cell neutralise()d."""
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([neutralise(v) for v in row])
    return escaped


def export_table(headers, rows, fmt):
    """Bytes of a CSV (UTF-8 with BOM, which Excel on Chinese Windows opens correctly) or
    XLSX file, every cell formula-escaped (neutralise)."""

    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([neutralise(v) for v in row])
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    if fmt == "xlsx":
        return dataset.export("xlsx")
    raise ValueError(fmt)


class ImportRejected(Exception):
    """The table has errors; nothing was written. `errors` are CellErrors or strings."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors
