"""The office's task list rows, written in Python: fifty rows through the template (a badge
include, a filter and a translation each) were most of the page's rendering at 20x (profiled).
Same markup and escaping (tests/core/test_html_rows.py compares it with the template)."""

from django import template
from django.utils.translation import gettext

from core.html import choice_labels, e, escaped, markup, truncate, url_for_each

from ..models import Assignment

register = template.Library()

S = Assignment.Status

# What task_rows reads of a share: the task list loads its page's rows with only these.
TASK_ROW_FIELDS = (
    "status", "ongoing", "deadline", "escalated_at", "signed_off_at", "role",
    "indicator__code", "indicator__title", "unit__name", "unit__short_name",
)  # fmt: skip


def signoff_badge(a, signed, awaiting):
    """assignments/_signoff_badge.html without the signer (the list does not show it)."""
    if a.status not in (S.SUBMITTED, S.ACCEPTED):
        return ""
    if a.signed_off_at:
        return f'<span class="badge text-bg-success">{signed}</span>'
    if a.status == S.SUBMITTED:
        return f'<span class="badge text-bg-warning">{awaiting}</span>'
    return ""


@register.simple_tag
def task_rows(shares, today):
    """One <tr> per share: its box to select, indicator, unit, role, deadline and status."""
    text = escaped(
        select=gettext("Select"),
        ongoing=gettext("Ongoing"),
        escalated=gettext("Escalated"),
        signed=gettext("Signed off"),
        awaiting=gettext("Awaiting sign-off"),
    )
    overdue_class = ' class="table-overdue"'
    url = url_for_each("assignments:detail")
    roles = choice_labels(Assignment.Role.choices)
    statuses = choice_labels(S.choices)
    rows = []
    for a in shares:
        late = a.is_open and not a.ongoing and a.deadline and a.deadline < today
        deadline = text["ongoing"] if a.ongoing else (a.deadline.strftime("%Y-%m-%d") if a.deadline else "")
        escalated = (
            f' <span class="badge text-bg-danger">{text["escalated"]}</span>' if a.escalated_at and a.is_open else ""
        )
        rows.append(
            f"<tr{overdue_class if late else ''}>"
            f'<td><input class="form-check-input" type="checkbox" name="selected" value="{e(a.pk)}" aria-label="{text["select"]}"></td>'
            f'<td class="text-nowrap"><a href="{e(url(a.pk))}">{e(a.indicator.code)}</a></td>'
            f'<td class="small indicator-title">{e(truncate(a.indicator.title, 48))}</td>'
            f'<td class="text-nowrap">{e(a.unit)}</td>'
            f'<td class="small text-nowrap">{roles.get(a.role) or e(a.role)}</td>'
            f'<td class="text-nowrap small{" text-overdue fw-semibold" if late else ""}">{deadline}</td>'
            f'<td><span class="badge status-{e(a.status)}">{statuses.get(a.status) or e(a.status)}</span> '
            f"{signoff_badge(a, text['signed'], text['awaiting'])}{escalated}</td></tr>"
        )
    return markup(rows)
