"""The indicator tree's one-line rows, written in Python: through the template each row took
some 130 µs (150 rows: 20 of the page's 26 ms of rendering, profiled), and through format_html
(a SafeString per part) still 16 ms of a 60 ms profile; escaped with core.html.e as autoescape
does (tests/core/test_html_rows.py compares it with the format_html version it replaced)."""

from django import template
from django.utils.translation import gettext, ngettext

from core.html import e, markup

register = template.Library()


def _line(node, with_deadline, veto, lead):
    indicator = node.indicator
    line = f'<span class="fw-semibold">{e(indicator.code)}</span> {e(indicator.title)}'
    if indicator.is_veto:
        line += f' <span class="badge text-bg-danger">{veto}</span>'
    if node.lead is not None:
        more = ""
        if node.cooperating_count:
            n = node.cooperating_count
            more = " " + e(ngettext("+%(n)s cooperating", "+%(n)s cooperating", n) % {"n": n})
        line += f' <span class="text-secondary">· {lead}：{e(node.lead)}{more}</span>'
    if with_deadline and node.deadline and not node.ongoing:
        line += f' <span class="text-secondary">· {node.deadline.isoformat()}</span>'
    return line


@register.simple_tag
def tree_lines(level2, campaign=None):
    """The `<li>` of each level-3 indicator under `level2`: code, title, veto, lead and the number
    of cooperating units, and the deadline when the tree shows a campaign's division of work."""
    veto, lead = e(gettext("veto")), e(gettext("Lead"))
    return markup(f"<li>{_line(node, bool(campaign), veto, lead)}</li>" for node in level2.children)
