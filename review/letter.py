"""The 推荐函 (recommendation letter) as an official document: the same words in the PDF
(WeasyPrint on review/_letter_doc.html with the 通报's official.css) and the editable DOCX
(core.officedoc, as assignments/circular_document.py does for the 通报). Built by report jobs:
review registers the kinds with reports (ReviewConfig.ready), reports never imports review."""

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core import officedoc

from .models import Level, RecommendationLetter


def letter_issuer(letter):
    if letter.level == Level.CITY:
        return _("%(city)s rule-of-law office") % {"city": letter.region.name}
    return _("%(province)s rule-of-law office") % {"province": letter.region.name}


def letter_addressee(letter):
    if letter.level == Level.CITY:
        return _("To the provincial rule-of-law office:")
    return _("To the central rule-of-law office:")


def letter_title(letter):
    return _("Letter recommending the demonstration candidates of batch %(batch)s") % {"batch": letter.batch or "—"}


def letter_context(letter):
    return {
        "letter": letter,
        "issuer": letter_issuer(letter),
        "addressee": letter_addressee(letter),
        "title": letter_title(letter),
        "entries": letter.entries,
        "date_text": f"{letter.issued_on.year}年{letter.issued_on.month}月{letter.issued_on.day}日",
    }


def _intro(c):
    return _(
        "Following the initial review of the applications declared to us, we recommend the following %(n)s candidates:"
    ) % {"n": len(c["entries"])}


def letter_html(letter):
    return render_to_string(
        "review/letter_pdf.html", letter_context(letter) | {"intro": _intro(letter_context(letter))}
    )


def build_letter_pdf(letter_id, out, progress):
    from weasyprint import CSS, HTML

    letter = RecommendationLetter.objects.select_related("region").get(pk=letter_id)
    progress(10, _("Laying out the letter"))
    HTML(string=letter_html(letter)).write_pdf(out, stylesheets=[CSS(filename=finders.find("css/official.css"))])


DOCX_WIDTHS_MM = (12, 40, 24, 80)


def build_letter_docx(letter_id, out, progress):
    letter = RecommendationLetter.objects.select_related("region").get(pk=letter_id)
    c = letter_context(letter)
    progress(10, _("Writing the letter"))
    doc = officedoc.new_document()
    doc.sections[0].different_first_page_header_footer = False
    doc.core_properties.title, doc.core_properties.author = c["title"], c["issuer"]
    officedoc.red_header(doc, c["issuer"], letter.number)
    officedoc.title(doc, c["title"])
    officedoc.paragraph(doc)
    officedoc.paragraph(doc, c["addressee"], indent=False)
    officedoc.paragraph(doc, _intro(c))
    rows = [
        (
            n,
            e["county"],
            e["kind_label"],
            f"{e['campaign']}" + (f"（{e['title']}）" if e.get("title") else "") + f"\n{e['reason']}",
        )
        for n, e in enumerate(c["entries"], start=1)
    ]
    officedoc.table(
        doc,
        (_("No."), _("County"), _("Kind"), _("Campaign and reason")),
        rows,
        DOCX_WIDTHS_MM,
        center=(0, 2),
        size=officedoc.SIZE_5,
    )
    officedoc.paragraph(doc, _("Their application materials are submitted with this letter. Please review them."))
    officedoc.signature(doc, c["issuer"], c["date_text"])
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write(buffer.getvalue())


def letter_file_stem(letter_id):
    letter = RecommendationLetter.objects.get(pk=letter_id)
    return f"{letter.number}-{_('recommendation letter')}"


def letter_link(letter_id):
    return reverse("review:letter", args=[letter_id])
