"""The indicator tree's one-line rows, written in Python: through the template each row took
some 130 µs (150 rows: 20 of the page's 26 ms of rendering, profiled); format_html escapes every
value as the template did, and the markup is the one the template wrote."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

register = template.Library()


def _line(node, with_deadline, veto, lead):
    indicator = node.indicator
    parts = [format_html('<span class="fw-semibold">{}</span> {}', indicator.code, indicator.title)]
    if indicator.is_veto:
        parts.append(format_html(' <span class="badge text-bg-danger">{}</span>', veto))
    if node.lead is not None:
        more = ""
        if node.cooperating_count:
            n = node.cooperating_count
            more = " " + ngettext("+%(n)s cooperating", "+%(n)s cooperating", n) % {"n": n}
        parts.append(format_html(' <span class="text-secondary">· {}：{}{}</span>', lead, node.lead, more))
    if with_deadline and node.deadline and not node.ongoing:
        parts.append(format_html(' <span class="text-secondary">· {}</span>', node.deadline.isoformat()))
    return format_html_join("", "{}", ((p,) for p in parts))


@register.simple_tag
def tree_lines(level2, campaign=None):
    """The `<li>` of each level-3 indicator under `level2`: code, title, veto, lead and the number
    of cooperating units, and the deadline when the tree shows a campaign's division of work."""
    veto, lead = gettext("veto"), gettext("Lead")
    return format_html_join(
        "\n", "<li>{}</li>", ((_line(node, bool(campaign), veto, lead),) for node in level2.children)
    )
