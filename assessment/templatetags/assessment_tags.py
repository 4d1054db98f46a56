"""The self-assessment list's rows, written in Python: fifty rows of six cells through the
template (a url tag, two floatformats and up to five translations each) were most of the page's
rendering at 20x (profiled). Same markup and escaping (tests/core/test_html_rows.py compares it
with the template)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from core.html import e, escaped, markup, truncate, url_for_each

register = template.Library()


@register.simple_tag
def assessment_rows_html(rows):
    """One <tr> per row of assessment.selectors.assessment_rows."""
    text = escaped(
        veto=gettext("veto"),
        returned=gettext("returned by the city"),
        none=gettext("Not assessed"),
        todo=gettext("To do"),
        not_met=gettext("Not met"),
    )
    suggestions = escaped(met=gettext("Met"), partial=gettext("Partially met"))  # any other: not met
    url = url_for_each("assessment:edit")
    out = []
    for r in rows:
        i, a = r["indicator"], r["assessment"]
        title = e(truncate(i.title, 60))
        if i.is_veto:
            title += f' <span class="badge text-bg-danger">{text["veto"]}</span>'
        if r["notes"]:
            title += (
                f' <span class="badge text-bg-warning" title="{e(r["notes"][0].text)}" data-indicator-note>'
                f"{text['returned']}</span>"
            )
        result = e(a.get_result_display()) if a and r["result"] else text["none"]
        score = ""
        if a is not None and a.self_score is not None:
            score = e(floatformat(a.self_score, "-2"))
        if i.score is not None:
            score += f" / {e(floatformat(i.score, '-2'))}"
        status = e(a.get_status_display()) if a else text["todo"]
        suggestion = suggestions.get(r["suggestion"], text["not_met"])
        out.append(
            "<tr>"
            f'<td class="text-nowrap"><a href="{e(url(i.pk))}">{e(i.code)}</a></td>'
            f'<td class="small indicator-title">{title}</td>'
            f'<td class="text-nowrap"><span class="badge result-{e(r["result"] or "none")}">{result}</span></td>'
            f'<td class="small text-nowrap">{score}</td>'
            f'<td class="small text-nowrap">{status}</td>'
            f'<td class="small text-nowrap text-secondary">{suggestion}</td>'
            "</tr>"
        )
    return markup(out)
