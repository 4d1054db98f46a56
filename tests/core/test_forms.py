"""Shared form pieces in core.forms."""

from django import forms
from django.test.html import parse_html

from core.forms import QuickSelect

CHOICES = [("", "全部"), ("a", "县司法局"), ("b", '<script>alert("x")</script>'), ("c&d", "城关镇")]


def test_quick_select_writes_the_same_markup_as_djangos_select():
    for value in ("", "b", "c&d", None):
        attrs = {"id": "id_unit", "class": "form-select"}
        ours = QuickSelect(choices=CHOICES).render("unit", value, attrs)
        django = forms.Select(choices=CHOICES).render("unit", value, attrs)
        assert parse_html(ours) == parse_html(django)
    assert "<script>" not in QuickSelect(choices=CHOICES).render("unit", "a")


def test_quick_select_keeps_option_groups():
    grouped = [("部门", [("a", "县司法局")]), ("乡镇", [("b", "城关镇")])]
    ours = QuickSelect(choices=grouped).render("unit", "b")
    assert parse_html(ours) == parse_html(forms.Select(choices=grouped).render("unit", "b"))
