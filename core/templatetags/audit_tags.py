"""The audit trail's rows, written in Python: fifty events through the template (a date filter,
two defaults, a translation and a loop over each event's changes) were most of the page's
rendering (profiled: 21 of 25 ms at 20x). Same markup and escaping (tests/core/test_html_rows.py
compares it with the template)."""

from django import template
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext

from core.html import e, escaped, markup, shown

register = template.Library()


@register.simple_tag
def audit_rows(events):
    """One <tr> per event (labelled by core.audit.audit_label_events): time, actor, action,
    object, unit, each changed field's before and after, IP address."""
    text = escaped(system=gettext("system"), colon=pgettext("label colon", ":"))
    out = []
    for ev in events:
        actor = e(ev.actor_name) if ev.actor_name else f'<span class="text-secondary">{text["system"]}</span>'
        changes = []
        for field, old, new in ev.change_rows():
            before = (shown(old) + (" → " if new != "" else "")) if old != "" else ""
            changes.append(
                f'<div><span class="text-secondary">{shown(field)}{text["colon"]}</span> {before}{shown(new)}</div>'
            )
        out.append(
            f'<tr><td class="text-nowrap small">{localtime(ev.at):%Y-%m-%d %H:%M:%S}</td>'
            f'<td class="text-nowrap">{actor}</td>'
            f'<td class="text-nowrap">{shown(ev.verb_label)}</td>'
            f'<td class="small">{e(ev.object_repr)}</td>'
            f'<td class="small text-nowrap">{shown(ev.unit) if ev.unit else ""}</td>'
            f'<td class="small">{"".join(changes)}</td>'
            f'<td class="small text-secondary">{e(ev.ip_address) if ev.ip_address else ""}</td></tr>'
        )
    return markup(out)
