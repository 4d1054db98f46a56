"""The accountability board's unit cards, written in Python: through the template each card
(its counts, three items and their plural forms) took some 1.5 ms, 60 units 90 of the page's
150 ms at 20x (profiled). Every value is escaped as the template escapes it (core.html.e is
Django's escape without its SafeString per call); the markup is the one the template wrote
(tests/core/test_html_rows.py)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from core.html import e, escaped, markup, truncate

register = template.Library()


def _item(i, overdue):
    late = ""
    if i["days_overdue"]:
        late = f' · <span class="text-overdue">{e(overdue(i["days_overdue"]))}</span>'
    return (
        f'<li><a href="{e(i["url"])}">{e(i["code"])}</a> {e(truncate(i["title"], 40))}'
        f" · {e(i['status_label'])}{late}</li>"
    )


def _card(r, labels, all_url, overdue):
    rating = e(r["rating"])
    counts = (
        f'<span class="badge rating-{rating}">{labels[r["rating"]]}</span>'
        f'<span class="{"text-overdue fw-semibold" if r["overdue"] else ""}">{labels["overdue"]} {r["overdue"]}</span>'
        f"<span>{labels['returned']} {r['returned']}</span>"
    )
    if r["escalated"]:
        counts += f'<span class="text-danger">{labels["escalated"]} {r["escalated"]}</span>'
    counts += f'<span class="text-secondary">{labels["submitted"]} {r["submitted"]}</span>'
    details = ""
    if r["items"]:
        n = r["open"]
        more = ""
        if n > len(r["items"]):
            text = e(gettext("All %(n)s open items") % {"n": n})
            more = f'<a class="ms-3" href="{all_url}?unit={e(r["unit"].pk)}&amp;open=true">{text}</a>'
        summary = e(ngettext("%(n)s open item", "%(n)s open items", n) % {"n": n})
        items = "".join(_item(i, overdue) for i in r["items"])
        details = (
            f'<details class="small mt-1"{" open" if r["rating"] == "red" else ""}>'
            f'<summary class="text-secondary">{summary}</summary><ul class="mb-0">{items}</ul>{more}</details>'
        )
    return (
        f'<div class="card mb-2 rating-{rating}"><div class="card-body py-2">'
        f'<div class="d-flex flex-wrap justify-content-between gap-2"><span class="fw-semibold">{e(r["unit"].name)}</span>'
        f'<span class="small d-flex flex-wrap gap-2">{counts}</span></div>{details}</div></div>'
    )


@register.simple_tag
def board_cards(rows):
    """One card per unit of the board: its rating, counts and its most overdue open items."""
    labels = escaped(
        red=gettext("Red"),
        amber=gettext("Amber"),
        green=gettext("Green"),
        overdue=gettext("Overdue"),
        returned=gettext("Returned"),
        escalated=gettext("Escalated"),
        submitted=gettext("Tasks waiting for review"),
    )
    all_url = e(reverse("assignments:list"))

    def overdue(days):
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}

    return markup(_card(r, labels, all_url, overdue) for r in rows)
