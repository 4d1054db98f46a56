"""Word documents in official-document layout (GB/T 9704 practice), for every document the
office issues: the 自评报告 (reports), the 通报 (assignments), the 推荐函 next. Domain-free,
so that it lives on the lowest floor and every app above may build its documents with it.

python-docx writes and reads real .docx (styles, fields, tables, pictures) without an
office suite; docxtpl would add Jinja templating on top, which a report built from a tree
of indicators does not need. What an office may restyle lives in a template, not in code:
core/officedoc/template.docx holds the page (A4, margins 37/35/28/26 mm), the styles
(Title 2号 方正小标宋简体; Normal 3号 仿宋_GB2312 at a fixed 28 pt; Heading 1 黑体,
Heading 2 楷体_GB2312, Heading 3 仿宋_GB2312 bold; table text) and the footer "— n —".
An office opens it in WPS or Word, changes a style, saves it, and every document follows.
`write_template()` writes it afresh from the values below (`manage.py` shell, or the test
that checks the committed copy still carries the official layout).

The small API: `new_document()`, `title()`, `heading(level)`, `paragraph()`, `toc()`,
`table()` (a header row repeated on every page), `image()`, `page_break()`,
`page_number_footer()`; for a 公文 with a 版头: `red_header()` (the issuing body in red, the
文号, the red rule) and `signature()` (the issuing body and the date at the end).
"""

import io
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

TEMPLATE = Path(__file__).resolve().parent / "officedoc" / "template.docx"
# The office fonts mapped to Noto CJK for LibreOffice on a machine without them (tests, screenshots).
FONTS_CONF = TEMPLATE.parent / "fonts.conf"

# Chinese type sizes (字号) in points.
SIZE_2 = Pt(22)  # 2号: the title
SIZE_3 = Pt(16)  # 3号: body and headings
SIZE_4 = Pt(14)  # 4号: page numbers
SIZE_SMALL_4 = Pt(12)  # 小4号: table text
SIZE_5 = Pt(10.5)  # 5号: a dense table (the 通报's list of units)
LINE = Pt(28)  # the fixed line pitch: 22 lines of 28 characters on a page of 3号 text

# The fonts as offices have them installed; WPS and Word read w:eastAsia for Chinese text
# (w:ascii / w:hAnsi only for Latin letters and digits), and fall back to an installed font
# of the same kind when one is missing (LibreOffice through fontconfig).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312"}
LATIN_FONT = "Times New Roman"
FOOTER_FONT = "宋体"

TABLE_STYLE = "Table Text"
RED = RGBColor(0xD0, 0x00, 0x00)  # the 版头 and its rule: red as offices print it
SIZE_HEADER = Pt(30)  # the issuing body's name in the 版头 (GB/T 9704: no wider than the text)


def set_fonts(target, east_asia, latin=LATIN_FONT):
    """Name the fonts of a style or run, east-Asian included, and drop theme fonts (a theme
    font attribute wins over a named font in Word)."""
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _style(doc, name, *, font, size, bold=False, align=None, indent=True, exact=True, before=0, after=0, base=None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base is not None:
        style.base_style = styles[base]
    set_fonts(style, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    # Two characters of first-line indent, as Chinese body text has it.
    pf.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    if align is not None:
        pf.alignment = align
    return style


def apply_styles(doc):
    """The official layout on `doc`: page, styles, footer."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
        section.header_distance = Mm(15)
    # The document defaults: 仿宋 everywhere a style names nothing else.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                rpr.remove(fonts)
            fonts = OxmlElement("w:rFonts")
            for attr, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", BODY_FONT)):
                fonts.set(qn(attr), name)
            rpr.insert(0, fonts)
    _style(doc, "Normal", font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "Title", font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False)
    doc.styles["Title"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    doc.styles["Title"].paragraph_format.line_spacing = Pt(36)
    _title_without_border(doc.styles["Title"])
    for level, font in HEADING_FONTS.items():
        style = _style(doc, f"Heading {level}", font=font, size=SIZE_3, bold=level == 3, indent=True, before=0)
        style.paragraph_format.keep_with_next = True
    _style(doc, "TOC Heading", font=HEADING_FONTS[1], size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for level in (1, 2, 3):
        style = _style(doc, f"toc {level}", font=BODY_FONT, size=SIZE_3, indent=False)
        style.paragraph_format.left_indent = Pt(32 * (level - 1))
    _style(
        doc,
        TABLE_STYLE,
        font=BODY_FONT,
        size=SIZE_SMALL_4,
        indent=False,
        exact=False,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _style(doc, "Picture", font=BODY_FONT, size=SIZE_3, indent=False, exact=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.sections[0].different_first_page_header_footer = True  # no number on the cover
    page_number_footer(doc)
    _update_fields_on_open(doc)
    return doc


def _title_without_border(style):
    # python-docx's default Title style underlines itself with a paragraph border.
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def _update_fields_on_open(doc):
    """Ask Word and WPS to update the fields (the table of contents gets its page numbers)
    when the document is opened."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def write_template(path=TEMPLATE):
    """Write the restylable template from python-docx's blank document and the values above."""
    doc = apply_styles(Document())
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def new_document(template=TEMPLATE):
    """A blank document on the office's template (written afresh when there is none)."""
    if not Path(template).exists():
        return apply_styles(Document())
    doc = Document(str(template))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _add_p(doc, style=None):
    """A new paragraph at the end of the body. python-docx's add_paragraph looks for the
    closing w:sectPr among all the body's children on every call (quadratic: a 10,000-line
    report took minutes); the end mark is found once and each paragraph goes before it."""
    end = getattr(doc, "_officedoc_end", None)
    if end is None or end.getparent() is not doc.element.body:
        end = doc.element.body.find(qn("w:sectPr"))
        doc._officedoc_end = end
    p = OxmlElement("w:p")
    if end is None:
        doc.element.body.append(p)
    else:
        end.addprevious(p)
    paragraph = Paragraph(p, doc._body)
    if style is not None:
        _set_style(doc, paragraph, style)
    return paragraph


def _set_style(doc, paragraph, name):
    """Paragraph.style = name, with the style's id looked up once per document (python-docx
    searches the styles part on every assignment: 10 ms each)."""
    ids = getattr(doc, "_officedoc_style_ids", None)
    if ids is None:
        ids = doc._officedoc_style_ids = {}
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    paragraph._p.style = ids[name]


def title(doc, text):
    """The document's title (2号 小标宋), centred; lines split at "\\n"."""
    p = _add_p(doc, "Title")
    for n, line in enumerate(text.split("\n")):
        run = p.add_run()
        if n:
            run.add_break()
        run.add_text(line)
    return p


def heading(doc, text, level):
    """A heading the navigation pane shows (the built-in Heading 1–3 with their outline level)."""
    p = _add_p(doc, f"Heading {level}")
    p.add_run(text)
    return p


def paragraph(doc, text="", *, style=None, align=None, indent=None, bold_lead=None):
    """A body paragraph (3号 仿宋, fixed 28 pt). `bold_lead` is printed first in bold (a lead-in
    such as "主要做法："); `indent` False drops the first-line indent."""
    p = _add_p(doc, style)
    if bold_lead:
        p.add_run(bold_lead).bold = True
    if text:
        p.add_run(text)
    if align is not None:
        p.alignment = align
    if indent is False:
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def page_break(doc):
    _add_p(doc).add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph, instruction, placeholder=""):
    """A complex field (begin, instruction, separate, shown result, end): Word and WPS update it."""

    def char(kind):
        run = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fld.set(qn("w:dirty"), "true")
        run.append(fld)
        return run

    p = paragraph._p
    p.append(char("begin"))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    p.append(run)
    p.append(char("separate"))
    shown = paragraph.add_run(placeholder)
    p.append(char("end"))
    return shown


def toc(doc, heading_text, entries=(), levels="1-3"):
    """A 目录: a TOC field over the headings. Until Word or WPS updates it (they are asked to on
    opening), it shows `entries` — (level, text) — without page numbers."""
    p = _add_p(doc, "TOC Heading")
    p.add_run(heading_text)
    p.paragraph_format.space_after = Pt(14)
    first = _add_p(doc, "toc 1")
    _field(first, f'TOC \\o "{levels}" \\h \\z \\u')
    end = first._p[-1]  # the field's end mark goes after the last shown entry
    first._p.remove(end)
    last = first
    for n, (level, text) in enumerate(entries):
        if n == 0:
            first.add_run(text)
            first.style = doc.styles[f"toc {level}"]
            continue
        last = _add_p(doc, f"toc {level}")
        last.add_run(text)
    last._p.append(end)
    return p


def page_number_footer(doc):
    """ "— n —" centred at the foot of every page but the first (4号 宋体, the PAGE field)."""
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for child in list(p._p):
        if child.tag != qn("w:pPr"):
            p._p.remove(child)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")
    for run in p.runs:
        set_fonts(run, FOOTER_FONT)
        run.font.size = SIZE_4
    return footer


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _cant_split(row):
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def table(doc, header, rows, widths_mm, *, bold_last=False, center=(), nowrap=(), size=None):
    """A grid table: `header` repeated at the top of every page it runs over, columns of the
    given widths (mm, a fixed layout: choose them so that a date or a two-character word
    fits), rows kept whole on a page. `center`: indexes of columns centred (figures);
    `nowrap`: columns whose cells never wrap (dates); `size`: a type size other than the
    table style's (小4号), e.g. SIZE_5 for a dense table."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # a fixed layout: the widths below hold whatever the text
    widths = [Mm(w) for w in widths_mm]

    def fill(row, values, bold=False, is_header=False):
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[i]
            if i in nowrap:
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            p = cell.paragraphs[0]
            _set_style(doc, p, TABLE_STYLE)
            # (`row is t.rows[0]` was always false: python-docx hands out a new proxy each time.)
            if i in center or is_header:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(str(value))
            run.bold = bold
            if size is not None:
                run.font.size = size

    _repeat_header(t.rows[0])
    fill(t.rows[0], header, bold=True, is_header=True)
    rows = list(rows)
    for n, values in enumerate(rows):
        row = t.add_row()
        _cant_split(row)
        fill(row, values, bold=bold_last and n == len(rows) - 1)
    # The grid's own widths too: LibreOffice and WPS read w:tblGrid before the cells.
    for col, width in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))
    return t


def image(doc, data, width_mm=74, paragraph=None):
    """A picture (bytes of a JPEG or PNG), `width_mm` wide, in a centred paragraph of single
    line spacing (a fixed 28 pt line would clip it). Pictures added to the same paragraph
    stand side by side."""
    if paragraph is None:
        paragraph = _add_p(doc, "Picture")
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(data), width=Mm(width_mm))
    run.add_text(" ")
    return paragraph


_DIGITS = "〇一二三四五六七八九"


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99: headings and months)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("" if tens == 1 else _DIGITS[tens]) + "十") + (_DIGITS[ones] if ones else "")


def chinese_date(day, with_day=False):
    """二〇二六年十二月 (with_day: 二〇二六年十二月二日): the date as a cover or a seal line writes it."""
    text = "".join(_DIGITS[int(d)] for d in str(day.year)) + "年" + chinese_number(day.month) + "月"
    return text + chinese_number(day.day) + "日" if with_day else text


def _bottom_border(paragraph, color=RED, eighths=12, space=1):
    """A rule under a paragraph, across the text width: `eighths` of a point thick."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", str(space)), ("w:color", str(color))):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    ppr.append(borders)


def red_header(doc, issuer, number=""):
    """The 版头 of a 公文: the issuing body's name centred in red 小标宋, the 文号 (if any)
    centred below it, and the red rule across the page under both."""
    head = _add_p(doc, "Title")
    run = head.add_run(issuer)
    set_fonts(run, TITLE_FONT)
    run.font.size = SIZE_HEADER
    run.font.color.rgb = RED
    head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    head.paragraph_format.space_after = Pt(18)
    last = head
    if number:
        last = paragraph(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _bottom_border(last, space=8)
    paragraph(doc)
    return head


def signature(doc, issuer, date_text):
    """The 发文机关署名 and the 成文日期 at the end, to the right: the date four characters in
    from the right margin, the issuing body's name centred over it (GB/T 9704 practice)."""
    paragraph(doc)
    lines = []
    name_in = max(0.0, 4 + (len(date_text) - len(issuer)) / 2)
    for text, chars_in in ((issuer, name_in), (date_text, 4)):
        p = paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(SIZE_3.pt * chars_in)
        lines.append(p)
    return lines
