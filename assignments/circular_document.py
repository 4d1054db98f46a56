"""The formal notice (通报) as an official document: one template for the page, the printout and
the PDF. The look follows GB/T 9704 (党政机关公文格式) as far as a web page can: A4, a red
header with the issuing body's name above a red line, the 文号, a 小标宋-like title, a 仿宋 body
in 三号 (16 pt), the issuing body and date at the end, the page number "— 1 —" at the foot.

Fonts: an office's own machine has 方正小标宋 / 仿宋_GB2312 / 楷体 and the page asks for them first;
the server's PDF falls back to Noto Serif CJK (installed by scripts/sysdeps.sh), which has
no 仿宋 face — the nearest free serif. Installing FandolFang on the server would give a real 仿宋."""

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core import officedoc

from .models import Assignment

CHINESE_NUMERALS = "一二三四五六七八九十"


def _ordinal(n):
    """1 → 一, 12 → 十二, 20 → 二十 (the 序数 of a document's headings)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def document_date(value):
    return pgettext("official document date", "%(month)s/%(day)s/%(year)s") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def circular_context(notice):
    entries = []
    for n, e in enumerate(notice.entries, start=1):
        items = [
            {**i, "returned": i.get("status") == Assignment.Status.RETURNED, "deadline": i.get("deadline") or ""}
            for i in e.get("items", [])
        ]
        entries.append({**e, "ordinal": f"（{_ordinal(n)}）", "items": items, "open": e.get("open", e["overdue"])})
    return {
        "notice": notice,
        "entries": entries,
        "total_overdue": sum(e["overdue"] for e in notice.entries),
        "total_returned": sum(e.get("returned", 0) for e in notice.entries),
        "issuer": notice.issuer or _("County rule-of-law office"),
        "date_text": document_date(notice.issued_on or notice.created_at.date()),
        "as_of_text": document_date(notice.as_of),
    }


def circular_filename(notice, ext="pdf"):
    stem = notice.doc_number or notice.title
    return f"{stem}-{notice.title}.{ext}" if notice.doc_number else f"{stem}.{ext}"


def circular_pdf_bytes(notice):
    from weasyprint import CSS, HTML

    html = render_to_string("assignments/circular_pdf.html", circular_context(notice))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find("css/official.css"))])


# The table's columns (mm, 156 mm of text width, 5号 type): a number, a unit's name on one or
# two lines, three counts as wide as their 3-character headings, and the chief items.
DOCX_WIDTHS_MM = (12, 35, 15, 15, 15, 64)


def _items_text(entry):
    lines = []
    for i in entry["items"]:
        if i.get("days_overdue"):
            days = i["days_overdue"]
            why = ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
        else:
            why = _("returned for more evidence")
        lines.append(f"{i['code']} {Truncator(i['title']).chars(15)}（{why}）")
    return "\n".join(lines)


def circular_docx_bytes(notice):
    """The notice as an editable Word document in the official layout (core.officedoc on the
    office's template): the same words as the page and the PDF (_circular_doc.html), in the
    order a 公文 has them — 版头 with the 文号 and the red rule, title, addressee, body, the
    table of the units named (its header row repeated on every page), the issuing body and
    the date in Chinese numerals, "— n —" at the foot of every page."""
    c = circular_context(notice)
    doc = officedoc.new_document()
    doc.sections[0].different_first_page_header_footer = False  # a 公文 numbers its first page too
    doc.core_properties.title, doc.core_properties.author = notice.title, c["issuer"]
    officedoc.red_header(doc, c["issuer"], notice.doc_number)
    officedoc.title(doc, notice.title)
    officedoc.paragraph(doc)
    officedoc.paragraph(doc, _("To the units concerned:"), indent=False)
    for para in notice.body.splitlines():
        if para.strip():
            officedoc.paragraph(doc, para)
    entries = c["entries"]
    officedoc.paragraph(
        doc,
        ngettext(
            "As of %(date)s, the following unit has %(overdue)s overdue and %(returned)s returned tasks in total:",
            "As of %(date)s, the following %(n)s units have %(overdue)s overdue and %(returned)s returned tasks in "
            "total:",
            len(entries),
        )
        % {"date": c["as_of_text"], "n": len(entries), "overdue": c["total_overdue"], "returned": c["total_returned"]},
    )
    rows = []
    for n, e in enumerate(entries, start=1):
        unit = e["unit"]
        if e.get("escalated"):
            unit += "\n" + _("%(n)s escalated") % {"n": e["escalated"]}
        rows.append((n, unit, e["open"], e["overdue"], e.get("returned", 0), _items_text(e)))
    officedoc.table(
        doc,
        (_("No."), _("Unit"), _("Open tasks"), _("Overdue"), _("Returned"), _("Chief items")),
        rows,
        DOCX_WIDTHS_MM,
        center=(0, 2, 3, 4),
        size=officedoc.SIZE_5,
    )
    officedoc.paragraph(
        doc,
        _(
            "The units named above are to complete their tasks within the time set, report the progress to the "
            "office, and their principal leaders are to attend to it in person."
        ),
    )
    # 成文日期 in Arabic numerals, as GB/T 9704-2012 (7.3.5.1) has it and as the PDF prints it.
    officedoc.signature(doc, c["issuer"], c["date_text"])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
