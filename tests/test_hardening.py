"""Project-wide rules the issue asks for, checked over the whole code base rather than
view by view: every text field length-limited, no user content marked safe, no raw
SQL built from strings, no CSRF exemptions, every audit verb labelled."""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver

from tests.test_architecture import OUR_APPS

ROOT = Path(__file__).resolve().parents[1]
APPS = tuple(OUR_APPS)  # every app of ours (tests/test_architecture.py checks the list is whole)
SOURCES = [p for d in (*APPS, "config") for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
TEMPLATES = list((ROOT / "templates").rglob("*.html")) + [
    p for d in APPS for p in (ROOT / d).rglob("templates/**/*.html")
]


def _unlimited(form_class_or_fields):
    """Names of free-text fields without max_length (choices, dates, numbers and files are bounded otherwise).
    A form class is instantiated: Django's auth forms set their fields up in __init__."""
    fields = form_class_or_fields
    if not isinstance(fields, dict):
        fields = _instance(form_class_or_fields).fields
    return sorted(
        name
        for name, f in fields.items()
        if isinstance(f, forms.CharField)
        and not isinstance(f, forms.JSONField)
        and f.max_length is None
        and not f.disabled
    )


def _instance(form_class):
    """The form built with stand-ins for what its __init__ requires by keyword (forms narrow
    their choices to the person's county, a campaign, a unit's shares); a new keyword fails
    here by name until it gets a stand-in."""
    import inspect
    from types import SimpleNamespace

    from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
    from django.contrib.auth.models import AnonymousUser

    from campaign.models import Campaign
    from core.models import User
    from indicators.models import Indicator
    from org.models import Unit

    if issubclass(form_class, (PasswordChangeForm, SetPasswordForm)):
        return form_class(User(username="x"))
    no_item = SimpleNamespace(campaign_id=None, owner_id=None, indicator_id=None)
    stand_ins = {
        "campaign": Campaign(),
        "item": no_item,
        "part": SimpleNamespace(
            request=SimpleNamespace(campaign_id=None, indicators=Indicator.objects.none()), unit_id=None
        ),
        "units": Unit.objects.none(),
        "indicators": Indicator.objects.none(),
        "user": AnonymousUser(),
        "moves": (),
        "queryset": None,
    }
    required = [
        p.name
        for p in inspect.signature(form_class.__init__).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    ]
    missing = [name for name in required if name not in stand_ins]
    assert not missing, f"{form_class}: no stand-in for {missing}"
    return form_class(**{name: stand_ins[name] for name in required})


def _project_forms():
    """Every form class our apps define or the project's views use."""
    from django.contrib.auth.forms import PasswordChangeForm

    found = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found[f"{app}.forms.{name}"] = value
    # Django's own views with our forms: the login page and the password change page.
    for pattern in get_resolver().url_patterns:
        view_class = getattr(getattr(pattern, "callback", None), "view_class", None)
        initkwargs = getattr(getattr(pattern, "callback", None), "view_initkwargs", {})
        form_class = (
            initkwargs.get("authentication_form")
            or getattr(view_class, "authentication_form", None)
            or initkwargs.get("form_class")
            or getattr(view_class, "form_class", None)
        )
        if form_class is not None:
            found[f"view {pattern.pattern}"] = form_class
    assert any(issubclass(f, PasswordChangeForm) for f in found.values())
    return found


@pytest.mark.django_db
def test_every_form_field_of_ours_is_length_limited():
    problems = {name: _unlimited(form) for name, form in _project_forms().items()}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.django_db
def test_every_filter_field_is_length_limited():
    from assignments.filters import AssignmentFilter
    from assignments.models import Assignment
    from evidence.filters import ReviewQueueFilter
    from org.filters import AuditEventFilter

    filtersets = [
        AuditEventFilter(),
        ReviewQueueFilter(),
        AssignmentFilter(queryset=Assignment.objects.none(), campaign=None),
    ]
    assert {type(f).__name__: _unlimited(f.form.fields) for f in filtersets if _unlimited(f.form.fields)} == {}


@pytest.mark.django_db
def test_every_admin_form_field_is_length_limited(world):
    """Add and change forms of our models in the admin (IT's tool). django-celery-beat's
    own admin (schedules, JSON arguments) is that project's form, not ours."""
    request = RequestFactory().get("/admin/")
    request.user = world.superuser
    problems = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in (*APPS, "auth"):
            continue
        instance = model._default_manager.first()
        for obj in [None] + ([instance] if instance is not None else []):
            allowed = (
                model_admin.has_add_permission(request)
                if obj is None
                else model_admin.has_change_permission(request, obj)
            )
            if not allowed:
                continue
            readonly = set(model_admin.get_readonly_fields(request, obj))
            bad = [n for n in _unlimited(model_admin.get_form(request, obj)) if n not in readonly]
            if bad:
                problems[f"{model._meta.label} {'change' if obj else 'add'}"] = bad
    assert problems == {}


def test_over_long_input_is_a_form_error_not_a_500(client, world):
    """The limits are real: 5,001 characters of summary get a message and nothing is stored."""
    from evidence.models import Evidence

    client.force_login(world.liaison_a)
    response = client.post(
        f"/evidence/add/{world.shares.a_soon.pk}/summary/",
        {"title": "总结", "text": "字" * 5001},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 400 and "5000" in response.json()["message"]
    assert not Evidence.objects.exists()


SAFE_MARKERS = re.compile(r"\|\s*safe\b|\|\s*safeseq\b|{%\s*autoescape\s+off")


def test_templates_never_mark_content_safe():
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in TEMPLATES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if SAFE_MARKERS.search(line)
    ]
    assert hits == []


def test_python_never_marks_strings_safe_by_hand():
    """format_html escapes its arguments; mark_safe / SafeString on built strings would not."""
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SOURCES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"\bmark_safe\(|\bSafeString\(|\bSafeText\(", line)
    ]
    # The one audited exception: core.html.markup joins what the row writers escaped value by
    # value (each writer is compared with the template it replaced in tests/core/test_html_rows.py).
    assert [h for h in hits if not h.startswith("core/html.py:")] == []
    assert len(hits) == 1


def test_no_csrf_exemption_anywhere_but_the_cas_single_logout():
    """The one exemption: the CAS server posts its logoutRequest without our cookie or token (the
    matrix checks that view changes nothing but the session its ticket opened)."""
    hits = [
        (str(p.relative_to(ROOT)), line.strip())
        for p in SOURCES
        for line in p.read_text().splitlines()
        if line.lstrip().startswith("@csrf_exempt")
    ]
    assert [path for path, _line in hits] == ["core/views.py"] and len(hits) == 1


RAW_SQL = re.compile(r"\.raw\(|\.extra\(|RawSQL\(|\.execute\(")


def test_no_raw_sql_built_from_strings():
    """The ORM everywhere; the statements we write by hand are constants with parameters: the
    health check's, and the audit chain's lock and purge (the ORM refuses to delete the trail)."""
    hits = [
        f"{p.relative_to(ROOT)}:{line.strip()}"
        for p in SOURCES
        for line in p.read_text().splitlines()
        if RAW_SQL.search(line)
    ]
    assert sorted(hits) == sorted(
        [
            'core/health.py:cursor.execute("SELECT 1")',
            'core/audit.py:cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])',
            "core/audit.py:cursor.execute(\"SELECT set_config(%s, 'on', true)\", [PURGE_SETTING])",
            'core/audit.py:cursor.execute("DELETE FROM core_auditevent WHERE at < %s", [before])',
        ]
    )


def test_every_audit_verb_has_a_label():
    """The audit page shows verbs in the reader's language: a new verb needs its label."""
    from core.models import VERB_LABELS

    # Every quoted verb in an audit_record call, "a" if x else "b" included.
    calls = (m for p in SOURCES for m in re.findall(r"verb=([^,)\n]+)", p.read_text()))
    used = {v for call in calls for v in re.findall(r'"([a-z_]+)"', call)}
    assert used and used - set(VERB_LABELS) == set()


@pytest.mark.django_db
def test_user_text_is_escaped_on_the_pages_that_show_it(client, world):
    """A title with markup is shown as text on the share page, the evidence page and the review queue."""
    from evidence.models import Evidence
    from evidence.services import evidence_add

    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    evidence_add(
        assignment=world.shares.a_soon, kind=Evidence.Kind.SUMMARY, title=hostile, text=hostile, by=world.liaison_a
    )
    evidence = Evidence.objects.get()
    client.force_login(world.office_staff)
    for path in (world.shares.a_soon.get_absolute_url(), evidence.get_absolute_url(), "/evidence/review/", "/audit/"):
        body = client.get(path).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;" in body or path == "/audit/", path


def test_ids_in_urls_are_uuids():
    """No URL of ours takes a counter as an id: every object id is a UUID (the one
    string parameter names which file of a submission, from a fixed pair)."""
    from django.urls import URLPattern, URLResolver
    from django.urls.converters import UUIDConverter

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.pattern.converters

    found = {
        path: {name: type(c).__name__ for name, c in converters.items() if not isinstance(c, UUIDConverter)}
        for path, converters in walk(get_resolver())
    }
    assert {k: v for k, v in found.items() if v} == {
        "reports/submissions/<uuid:pk>/<str:part>/": {"part": "StringConverter"}
    }
    assert sum(1 for _p, c in walk(get_resolver()) if c) >= 15
