"""Markup written in Python for rows a page repeats many times (the board's cards, the tree's
lines, list rows). Django's template engine costs some 20-50 µs per variable and tag; a list of
50-100 rows spent most of its page's time there (profiled). These helpers escape exactly as the
template's autoescape does."""

import html

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def e(value):
    """conditional_escape without the SafeString it wraps each result in: a value that is
    already safe (has __html__) is kept as is, anything else goes through html.escape, as
    django.utils.html.escape does. The caller marks the finished markup safe once."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def shown(value):
    """A value as {{ value }} shows it: dates in local time, numbers and dates localized, escaped
    (django.template.base.render_value_in_context with autoescape on)."""
    return e(localize(template_localtime(value)))


def escaped(**texts):
    """The labels a row writer repeats, escaped once: escaped(veto=gettext("veto"), …). The
    callers pass gettext("…") with the literal text, so makemessages finds it."""
    return {key: e(text) for key, text in texts.items()}


def choice_labels(choices):
    """{value: escaped label} of a field's choices, once per list: get_FOO_display() builds its
    field's choices dict on every call. A writer falls back to the value itself for one not
    among them, as get_FOO_display() does."""
    return {value: e(label) for value, label in choices}


def truncate(text, length):
    """The truncatechars filter, which builds a lazy Truncator for every call: only a text
    longer than `length` can be cut (Truncator counts combining marks as nothing), so the
    others are kept without it."""
    return text if len(text) <= length else truncatechars(text, length)


def url_for_each(viewname):
    """One reverse() for a list, not one per row: the URL of `viewname` (one uuid argument)
    for each pk given to the returned function."""
    pattern = reverse(viewname, args=[_PLACEHOLDER])
    return lambda pk: pattern.replace(_PLACEHOLDER, str(pk))


def markup(parts, sep="\n"):
    """The one place our Python marks a string safe (tests/test_hardening.py holds it to this
    one): the row writers join here what they built from e(...) of every value and escaped(...)
    labels; each writer is compared with the template text it replaced, hostile values and
    both languages, in tests/core/test_html_rows.py."""
    return mark_safe(sep.join(parts))  # noqa: S308 (every part escaped by its writer)
