"""Shared form pieces in core.forms."""

from django import forms
from django.test.html import parse_html

from core.forms import BootstrapForm, QuickSelect, QuickSelectMultiple

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


def test_quick_select_multiple_writes_the_same_markup_as_djangos():
    for value in ([], ["a", "c&d"], None):
        attrs = {"id": "id_units", "class": "form-select"}
        ours = QuickSelectMultiple(choices=CHOICES).render("units", value, attrs)
        django = forms.SelectMultiple(choices=CHOICES).render("units", value, attrs)
        assert parse_html(ours) == parse_html(django)


def test_bootstrap_forms_use_the_quick_selects_for_plain_selects_only():
    class Form(BootstrapForm):
        one = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)
        radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Form({"one": "a", "many": ["a", "b"], "radio": "a"})
    assert type(form.fields["one"].widget) is QuickSelect
    assert type(form.fields["many"].widget) is QuickSelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert form.is_valid(), form.errors
    assert form.cleaned_data["many"] == ["a", "b"]
    html = str(form["one"])
    assert 'class="form-select"' in html and '<option value="a" selected>' in html
    # The form's own copy changes, not the field's class-level widget of another form.
    assert type(Form.base_fields["one"].widget) is forms.Select


def test_filter_forms_built_on_bootstrap_form_get_the_quick_selects_too():
    import django_filters

    from org.models import Unit

    class UnitFilter(django_filters.FilterSet):
        kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, empty_label="全部")

        class Meta:
            model = Unit
            fields = ["kind"]
            form = BootstrapForm

    assert type(UnitFilter(data={}, queryset=Unit.objects.none()).form.fields["kind"].widget) is QuickSelect


def test_quick_select_of_a_model_choice_field_matches_djangos(world):
    """Model choices (ModelChoiceIteratorValue values, labels from str()), the empty label,
    a chosen value given as the object's pk, and a single select that marks only its first match."""
    from org.models import Unit

    Unit.objects.filter(pk=world.unit_a.pk).update(name='县<司法>局 & "村"')
    county = world.unit_a.region
    field = forms.ModelChoiceField(queryset=Unit.objects.filter(region=county).order_by("code"))
    chosen = world.unit_b.pk
    for value in (None, chosen, str(chosen)):
        ours = QuickSelect(choices=field.choices).render("owner", value, {"id": "id_owner"})
        django = forms.Select(choices=field.choices).render("owner", value, {"id": "id_owner"})
        assert parse_html(ours) == parse_html(django)
    twice = [("a", "一"), ("a", "二"), ("", "空"), (None, "无")]
    for value in ("a", "", None):
        assert parse_html(QuickSelect(choices=twice).render("x", value)) == parse_html(
            forms.Select(choices=twice).render("x", value)
        )
        assert parse_html(QuickSelectMultiple(choices=twice).render("x", [value])) == parse_html(
            forms.SelectMultiple(choices=twice).render("x", [value])
        )
    empty_group = [("", [("a", "一")]), ("组", [("b", "二")])]
    assert parse_html(QuickSelect(choices=empty_group).render("x", "b")) == parse_html(
        forms.Select(choices=empty_group).render("x", "b")
    )


def test_form_renderer_writes_inputs_and_textareas_as_djangos_templates():
    """core.forms.FormRenderer writes plain inputs and textareas in Python: the same string as
    Django's templates for every value and attribute kind, hostile ones included."""
    import datetime
    from pathlib import Path

    import django
    from django.forms.renderers import DjangoTemplates
    from django.utils.safestring import mark_safe

    from core.forms import INPUT_TEMPLATES, FormRenderer

    widgets_dir = Path(django.__file__).parent / "forms" / "templates"
    for name in INPUT_TEMPLATES:  # what the Python writer stands for: Django's templates still only include input.html
        assert (widgets_dir / name).read_text().strip() == '{% include "django/forms/widgets/input.html" %}', name
    hostile = "<script>alert('x')</script> & \"引号\""
    widgets = [
        forms.TextInput(), forms.NumberInput(), forms.EmailInput(), forms.URLInput(), forms.PasswordInput(render_value=True),
        forms.HiddenInput(), forms.DateInput(), forms.DateTimeInput(), forms.TimeInput(), forms.CheckboxInput(),
        forms.FileInput(), forms.Textarea(), forms.SearchInput(), forms.TelInput(), forms.ColorInput(),
    ]  # fmt: skip
    values = [None, "", hostile, 0, 12.5, True, datetime.date(2026, 12, 3), mark_safe("<b>safe</b>"), "第一行\n第二行"]
    attrs = {
        "id": "id_x",
        "class": "form-control",
        "required": True,
        "disabled": False,
        "maxlength": 5,
        "data-x": hostile,
    }
    ours, django_renderer = FormRenderer(), DjangoTemplates()
    for widget in widgets:
        for value in values:
            written = widget.render("f<x>", value, attrs, renderer=ours)
            expected = widget.render("f<x>", value, attrs, renderer=django_renderer)
            assert written == expected, (type(widget).__name__, value)
    assert "<script>" not in forms.Textarea().render("t", hostile, renderer=ours)
