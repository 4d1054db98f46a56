"""The self-assessment list's rows, written in Python: fifty rows of six cells through the
template (a url tag, two floatformats and up to five translations each) were most of the page's
rendering at 20x (profiled). Same markup and escaping (tests/core/test_html_rows.py compares it
with the template)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from core.html import choice_labels, e, escaped, markup, truncate, url_for_each
from evidence.models import Evidence

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


REVIEW_BADGE = {"accepted": "text-bg-success", "returned": "text-bg-danger"}  # any other: pending


@register.simple_tag
def evidence_item_rows(items):
    """One <li> per piece of an indicator's self-assessment page (assessment.selectors
    indicator_evidence: thirty rows of pk, title, kind, review_status and unit_name)."""
    url = url_for_each("evidence:detail")
    kinds = choice_labels(Evidence.Kind.choices)
    statuses = choice_labels(Evidence.Review.choices)
    return markup(
        '<li class="list-group-item d-flex justify-content-between gap-2">'
        f'<span><a href="{e(url(i.pk))}">{e(i.title)}</a> <span class="text-secondary">'
        f"· {e(i.unit_name)} · {kinds.get(i.kind) or e(i.kind)}</span></span>"
        f' <span class="badge flex-shrink-0 align-self-start {REVIEW_BADGE.get(i.review_status, "text-bg-warning")}">'
        f"{statuses.get(i.review_status) or e(i.review_status)}</span></li>"
        for i in items
    )


def _bar_colour(pct):
    return "#198754" if pct >= 90 else "#0d6efd" if pct >= 50 else "#b3261e"


@register.simple_tag
def bar_rows(bars):
    """The dashboard's bars (assessment.dashboard._bars: sixty units' rows on a county's page),
    one labelled line and SVG bar each."""
    out = []
    for bar in bars:
        # A row is a dict (the dashboards) or an object (迎检's Rate), as the template's lookup took either.
        b = (
            bar
            if isinstance(bar, dict)
            else {k: getattr(bar, k, "") for k in ("label", "link", "done", "total", "pct")}
        )
        label = f'<a href="{e(b["link"])}">{e(b["label"])}</a>' if b.get("link") else e(b["label"])
        pct = e(b["pct"])
        out.append(
            '<div class="mb-2"><div class="d-flex justify-content-between gap-2 small">'
            f'<span class="text-truncate">{label}</span>'
            f'<span class="text-nowrap">{e(b["done"])}/{e(b["total"])} · {pct}%</span></div>'
            '<svg width="100%" height="10" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            '<rect x="0" y="1" width="100" height="8" rx="2" fill="#e9ecef"></rect>'
            f'<rect x="0" y="1" width="{pct}" height="8" rx="2" fill="{_bar_colour(b["pct"])}"></rect></svg></div>'
        )
    return markup(out)
