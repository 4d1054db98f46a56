"""Every URL of the project, requested as every persona. A new view without an
entry in EXPECTED fails test_every_url_has_an_entry: decide who may use it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "liaison_a", "liaison_b", "leader_a", "leader_b",
    "office_staff", "office_admin", "city_reviewer", "superuser", "nobody",
]
LOGIN = "login"  # anonymous is redirected to the login page

# url name -> (path, {persona: expected GET status}); "*" is the default for unnamed personas.
EXPECTED = {
    "healthz": ("/healthz", {"*": 200}),
    "login": ("/accounts/login/", {"anonymous": 200, "*": 302}),  # signed-in users are sent home
    "logout": ("/accounts/logout/", {"*": 405}),  # POST only
    "password_change": ("/accounts/password/", {"anonymous": LOGIN, "*": 200}),
    "password_change_done": ("/accounts/password/done/", {"anonymous": LOGIN, "*": 200}),
    "set_language": ("/i18n/setlang/", {"*": 302}),  # a GET changes nothing and redirects
    "core:home": ("/", {"anonymous": LOGIN, "*": 200}),
    "core:audit": ("/audit/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:list": ("/indicators/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "indicators:tree": (lambda w: f"/indicators/{w.campaign.framework_id}/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "indicators:import": ("/indicators/import/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:import_confirm": ("/indicators/import/confirm/", {"anonymous": LOGIN, "*": 405}),  # POST only
    "assignments:import": ("/assignments/import/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "assignments:import_confirm": ("/assignments/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    "assignments:export": (
        lambda w: f"/assignments/export/?campaign={w.campaign.pk}&format=csv",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
}
# The admin site carries its own is_staff checks; only IT (superuser) gets in.
ADMIN_INDEX = ("/admin/", {"superuser": 200, "*": 302})


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_every_url_has_an_entry():
    missing = sorted(n for n in set(_names()) if not n.startswith("admin:") and n not in EXPECTED)
    assert missing == []


def _expected(table, persona):
    return table.get(persona, table["*"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_persona_as_declared(client, world, name, persona):
    path, table = EXPECTED[name]
    path = path(world) if callable(path) else path
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    response = client.get(path)
    want = _expected(table, persona)
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_is_for_it_only(client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    assert client.get(ADMIN_INDEX[0]).status_code == _expected(ADMIN_INDEX[1], persona)


@pytest.mark.parametrize("name", ["indicators:import_confirm", "assignments:import_confirm"])
@pytest.mark.parametrize("persona", ["liaison_a", "leader_b", "office_staff", "city_reviewer", "nobody"])
def test_confirm_posts_are_forbidden_without_the_import_right(client, world, name, persona):
    client.force_login(getattr(world, persona))
    path = EXPECTED[name][0]
    assert client.post(path, {"token": "x"}).status_code == 403


@pytest.mark.parametrize("name", ["indicators:import", "assignments:import"])
def test_upload_posts_are_forbidden_for_a_liaison(client, world, name):
    client.force_login(world.liaison_a)
    assert client.post(EXPECTED[name][0], {}).status_code == 403
