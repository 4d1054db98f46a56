"""The formal notice (通报) as an official document: one template for the page, the printout and
the PDF. The look follows GB/T 9704 (党政机关公文格式) as far as a web page can: A4, a red
header with the issuing body's name above a red line, the 文号, a 小标宋-like title, a 仿宋 body
in 三号 (16 pt), the issuing body and date at the end, the page number "— 1 —" at the foot.

Fonts: an office's own machine has 方正小标宋 / 仿宋_GB2312 / 楷体 and the page asks for them first;
the server's PDF falls back to Noto Serif CJK (installed by scripts/sysdeps.sh), which has
no 仿宋 face — the nearest free serif. Installing FandolFang on the server would give a real 仿宋."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


def circular_filename(notice):
    stem = notice.doc_number or notice.title
    return f"{stem}-{notice.title}.pdf" if notice.doc_number else f"{stem}.pdf"


def circular_pdf_bytes(notice):
    from weasyprint import CSS, HTML

    html = render_to_string("assignments/circular_pdf.html", circular_context(notice))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find("css/official.css"))])
