from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.html import e, markup

# Django's password fields have no length limit; a megabyte "password" would still be
# hashed. 128 characters is more than any passphrase people type.
PASSWORD_MAX = 128


def limit_length(field, n):
    """Give an already declared field (one of Django's forms) a length limit: the
    validator, so the server refuses more, and maxlength, so the browser stops at it."""
    field.max_length = n
    field.validators.append(MaxLengthValidator(n))
    field.widget.attrs["maxlength"] = str(n)


# The widget templates that are only `{% include "django/forms/widgets/input.html" %}`
# (tests/core/test_forms.py checks Django's files still say so).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "checkbox",
                 "search", "tel", "color", "file")
)  # fmt: skip


def _attrs(attrs):
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    return "".join(
        f" {e(name)}" if value is True else f' {e(name)}="{e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{e(widget["value"])}"'
    return f'<input type="{e(widget["type"])}" name="{e(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget):
    """django/forms/widgets/textarea.html."""
    value = e(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{e(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


WIDGET_WRITERS = {**dict.fromkeys(INPUT_TEMPLATES, _input), "django/forms/widgets/textarea.html": _textarea}


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with the plain inputs and textareas written in Python: each went
    through the template engine (two templates and an attribute loop, some 0.3 ms), and a form
    page's ten fields were a fifth of its rendering (profiled). The same markup and escaping as
    Django's templates, compared in tests/core/test_forms.py; every other widget as Django's.
    Widget.render marks the result safe, as it does the template's."""

    def render(self, template_name, context, request=None):
        write = WIDGET_WRITERS.get(template_name)
        if write is not None and "widget" in context:
            return write(context["widget"])
        return super().render(template_name, context, request)


class QuickSelect(forms.Select):
    """A <select> written out in Python. Django renders every <option> through a template;
    for the unit lists (about 60 units) that was some 10 ms of a 24 ms audit page
    (profiled). Then its option dicts (create_option, one per choice: 210 for a task list's
    filters) were most of what was left, so the options are written straight from the choices,
    with ChoiceWidget.optgroups' rules (a single select marks only the first match). Same
    markup as Django's, compared in tests/core/test_forms.py; every value and label escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), self._options(widget["value"])
        )

    def get_context(self, name, value, attrs):
        # forms.Widget's context (name, formatted value, attrs) without ChoiceWidget's optgroups.
        context = forms.Widget.get_context(self, name, value, attrs)
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["multiple"] = True
        return context

    def _options(self, value):
        chosen = set(value)
        several = self.allow_multiple_selected
        has_selected = False
        parts = []
        for option_value, option_label in self._choices_read():
            if isinstance(option_label, (list, tuple)):
                group, choices = option_value, option_label
            else:
                group, choices = None, ((option_value, option_label),)
            options = []
            for subvalue, sublabel in choices:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or several) and str(subvalue) in chosen
                has_selected |= selected
                options.append(f'<option value="{e(subvalue)}"{" selected" if selected else ""}>{e(sublabel)}</option>')
            html = "".join(options)
            parts.append(f'<optgroup label="{e(group)}">{html}</optgroup>' if group else html)
        return markup(parts, sep="")

    def _choices_read(self):
        """The choices; a model field's read in one go. ModelChoiceIterator reads its queryset
        through .iterator(), on PostgreSQL a server-side cursor of three round trips (1.0 ms
        for sixty units, 0.6 ms read at once); a select shows all its options anyway."""
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator) or choices.queryset._prefetch_related_lookups:
            yield from choices
            return
        if choices.field.empty_label is not None:
            yield ("", choices.field.empty_label)
        for obj in choices.queryset.all():
            yield choices.choice(obj)


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """The same for a multiple choice (SelectMultiple's context adds `multiple`)."""


# Plain selects become the quick ones: same state and markup, options written in Python. The
# form pages with a unit's tasks or pieces to choose from spent a third of their time on the
# options' templates (a fix report at 100x: 44 pieces and 75 tasks, 256 template includes).
_QUICK = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if type(widget) in _QUICK:  # exactly these: a subclass may render its options its own way
                widget.__class__ = _QUICK[type(widget)]
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapForm(BootstrapFormMixin, forms.Form):
    pass


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password. Both are case-sensitive."),
        "inactive": _("This account is disabled. Ask the rule-of-law office."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        limit_length(self.fields["password"], PASSWORD_MAX)
        # AuthenticationForm sets max_length after the field exists, which adds no validator:
        # a 5,000-character name reached authenticate() and django-axes' 255-character column
        # (a 500 on PostgreSQL).
        limit_length(self.fields["username"], self.fields["username"].max_length or 150)

    def get_invalid_login_error(self):
        # The directory (LDAP) accepted the password but no active account matches: say so
        # (core.sso) rather than "wrong password".
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal:
            return forms.ValidationError(refusal, code="sso_refused")
        return super().get_invalid_login_error()


class LimitedPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            limit_length(self.fields[name], PASSWORD_MAX)

    def save(self, commit=True):
        # A password of one's own ends the temporary one's restrictions.
        self.user.must_change_password = False
        return super().save(commit)


class LimitedUserCreationForm(AdminUserCreationForm):
    """The admin's "add user" form, with the same password limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):
            limit_length(self.fields[name], PASSWORD_MAX)


class TableUploadForm(BootstrapForm):
    file = forms.FileField(
        label=_("Table file"), help_text=_(".xlsx, .xls, .et (WPS), .ods or .csv, as the county circulates it")
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the first sheet with a header row"),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The upload handler stops at the evidence limit and drops the file: without this the
        # form would say "this field is required" about a file that was simply too large.
        self.cut_off = bool(request is not None and getattr(request, "upload_too_large", False))
        if self.cut_off:
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TABLE_MAX_UPLOAD_MB * 1024 * 1024
        if self.cut_off:
            raise forms.ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class OTPTokenForm(BootstrapForm):
    """The second step: a 6-digit code from the authenticator app, or a recovery code."""

    token = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")
