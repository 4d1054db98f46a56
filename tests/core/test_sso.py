"""Single sign-on (core/sso.py) against real servers on loopback: LDAP against Debian's slapd with a
small directory, CAS through django-cas-ng's own views against a CAS endpoint served from a thread
(tests/sso_servers.py says how real each is). The OpenID Connect journey is in
tests/browser/test_sso_journey.py (a real provider process and a real browser)."""

import ldap
import pytest
from django.urls import reverse
from django_auth_ldap.config import LDAPSearch

from core.models import AuditEvent
from core.models import User as UserModel
from org.models import Membership
from tests import sso_servers
from tests.sso_servers import DIRECTORY_PASSWORD

pytestmark = pytest.mark.django_db
AXES, MODEL, GUARDIAN = (
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
)


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    proc, uri = sso_servers.start_slapd(tmp_path_factory.mktemp("slapd"))
    yield uri
    sso_servers.stop(proc)


@pytest.fixture
def ldap_on(settings, slapd):
    settings.AUTH_LDAP_SERVER_URI = slapd
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        f"ou=people,{sso_servers.LDAP_BASE}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
    )
    settings.AUTHENTICATION_BACKENDS = [AXES, "core.sso_ldap.LDAPBackend", MODEL, GUARDIAN]
    return settings


@pytest.fixture
def cas(settings):
    with sso_servers.CASServer() as server:
        settings.CAS_SERVER_URL = server.url
        settings.AUTHENTICATION_BACKENDS = [AXES, "core.sso.CASBackend", MODEL, GUARDIAN]
        yield server


def _counts():
    return UserModel.objects.count(), Membership.objects.count()


# --- the login page ------------------------------------------------------------------------------


def test_login_page_offers_no_single_sign_on_when_none_is_configured(client):
    body = client.get(reverse("login")).content.decode()
    assert "data-sso" not in body


def test_login_page_offers_exactly_the_configured_ways_in(client, settings):
    settings.CAS_SERVER_URL = "https://ids.example.gov.cn/cas/"
    settings.SSO_BUTTON_LABEL_CAS = "省统一身份认证平台"
    body = client.get(reverse("login") + "?next=/campaigns/").content.decode()
    assert 'data-sso="cas"' in body and "使用省统一身份认证平台登录" in body
    assert "/accounts/sso/cas/?next=/campaigns/" in body
    assert 'data-sso="oidc"' not in body and 'data-sso="ldap"' not in body


def test_sso_urls_answer_404_when_that_way_in_is_off(client, world):
    for name in ("core:sso_oidc", "core:sso_oidc_callback", "core:sso_cas"):
        assert client.get(reverse(name)).status_code == 404


# --- LDAP against slapd ------------------------------------------------------------------------


def test_ldap_directory_password_logs_into_the_existing_account_and_is_audited(client, world, ldap_on):
    world.liaison_a.set_unusable_password()  # only the directory knows a password now
    world.liaison_a.save()
    before = _counts()
    response = client.post(reverse("login"), {"username": "liaison-a", "password": DIRECTORY_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).context["user"] == world.liaison_a
    event = AuditEvent.objects.get(verb="login", actor=world.liaison_a)
    assert event.after == {"via": "ldap"}
    assert _counts() == before


def test_ldap_wrong_directory_password_is_refused_like_a_wrong_password(client, world, ldap_on):
    response = client.post(reverse("login"), {"username": "liaison-a", "password": "not-the-directory-one"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(verb="login_failed", object_repr="liaison-a").count() == 1


def test_ldap_person_without_an_account_is_told_to_ask_the_office_and_nothing_is_created(client, world, ldap_on):
    before = _counts()
    response = client.post(reverse("login"), {"username": "stranger", "password": DIRECTORY_PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200 and "请县依法治县办为您创建账号" in body
    assert _counts() == before and not UserModel.objects.filter(username="stranger").exists()
    event = AuditEvent.objects.get(verb="login_failed", object_repr="stranger")  # one event, not two
    assert event.after == {"via": "ldap", "reason": "unknown"}


def test_ldap_switched_off_account_cannot_log_in(client, world, ldap_on):
    UserModel.objects.filter(pk=world.liaison_a.pk).update(is_active=False)
    response = client.post(reverse("login"), {"username": "liaison-a", "password": DIRECTORY_PASSWORD})
    assert response.status_code == 200 and "账号已停用" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(verb="login_failed", object_repr="liaison-a").after["reason"] == "inactive"


def test_with_ldap_on_a_local_password_still_works(client, world, ldap_on):
    # IT's own account and people outside the directory keep their local password.
    response = client.post(reverse("login"), {"username": "liaison-a", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(verb="login", actor=world.liaison_a).after == {}


def test_ldap_login_page_says_the_directory_password_works(client, ldap_on):
    body = client.get(reverse("login")).content.decode()
    assert 'data-sso="ldap"' in body and 'data-sso="cas"' not in body


# --- CAS through django-cas-ng's views ---------------------------------------------------------


def _cas_round_trip(client, cas, user, next_url=""):
    """Our login URL -> the CAS server's /login (real HTTP) -> back to us with a ticket."""
    import requests

    start = client.get(reverse("core:sso_cas") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302 and start["Location"].startswith(cas.url + "login?service=")
    cas.signed_in = user
    at_cas = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_cas.status_code == 302
    back = at_cas.headers["Location"]
    assert back.startswith("http://testserver/accounts/sso/cas/")
    return client.get(back.removeprefix("http://testserver"))


def test_cas_ticket_validated_at_the_server_logs_into_the_existing_account(client, world, cas):
    before = _counts()
    response = _cas_round_trip(client, cas, "office-admin", next_url="/campaigns/")
    assert response.status_code == 302 and response["Location"] == "/campaigns/"
    assert [accepted for _t, _s, accepted in cas.validations] == [True]
    assert client.get(reverse("portal:home")).context["user"] == world.office_admin
    assert AuditEvent.objects.get(verb="login", actor=world.office_admin).after == {"via": "cas"}
    assert _counts() == before


def test_cas_person_without_an_account_is_told_to_ask_the_office(client, world, cas):
    before = _counts()
    response = _cas_round_trip(client, cas, "stranger")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    body = client.get(response["Location"]).content.decode()
    assert "请县依法治县办为您创建账号" in body
    assert _counts() == before
    event = AuditEvent.objects.get(verb="login_failed", object_repr="stranger")
    assert event.after == {"via": "cas", "reason": "unknown"}


def test_cas_switched_off_account_cannot_log_in(client, world, cas):
    UserModel.objects.filter(pk=world.office_admin.pk).update(is_active=False)
    response = _cas_round_trip(client, cas, "office-admin")
    assert response["Location"] == reverse("login") and "_auth_user_id" not in client.session
    assert "账号已停用" in client.get(reverse("login")).content.decode()
    assert AuditEvent.objects.get(verb="login_failed", object_repr="office-admin").after["reason"] == "inactive"


def test_cas_ticket_the_server_does_not_know_is_refused_with_a_message(client, world, cas):
    response = client.get(reverse("core:sso_cas") + "?ticket=ST-made-up")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert [accepted for _t, _s, accepted in cas.validations] == [False]
    assert "_auth_user_id" not in client.session
    assert "统一身份认证登录失败" in client.get(reverse("login")).content.decode()
    assert AuditEvent.objects.filter(verb="login_failed").count() == 1


def test_cas_ticket_is_good_once(client, world, cas):
    import requests

    start = client.get(reverse("core:sso_cas"))
    cas.signed_in = "office-admin"
    back = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    path = back.removeprefix("http://testserver")
    assert client.get(path).status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    client.get(path)
    assert "_auth_user_id" not in client.session


def test_cas_logout_ends_the_session_here_and_at_the_cas_server(client, world, cas):
    _cas_round_trip(client, cas, "office-admin")
    home = client.get(reverse("portal:home")).content.decode()
    assert 'action="/accounts/sso/cas/logout/"' in home  # the menu's logout goes through CAS
    response = client.post(reverse("core:sso_cas_logout"))
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "logout?service=")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb="logout", actor=world.office_admin).count() == 1


def _logout_request(ticket):
    """What a CAS server posts to each service when the person logs out there (CAS protocol 3,
    section 2.3.3: SAML 1.1 LogoutRequest with the service ticket as SessionIndex)."""
    return (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="LR-1" Version="2.0" '
        'IssueInstant="2026-12-02T08:00:00Z"><saml:NameID>@NOT_USED@</saml:NameID>'
        f"<samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>"
    )


def test_cas_server_initiated_logout_ends_the_session_that_ticket_opened(client, world, cas):
    from django.contrib.sessions.models import Session
    from django.test import Client

    _cas_round_trip(client, cas, "office-admin")
    other = Client()
    _cas_round_trip(other, cas, "liaison-a")
    (ticket, _service, _ok), _second = cas.validations
    assert client.get(reverse("portal:home")).status_code == 200
    sessions = Session.objects.count()
    # The CAS server posts without our cookie or CSRF token.
    server = Client(enforce_csrf_checks=True)
    response = server.post(reverse("core:sso_cas"), {"logoutRequest": _logout_request(ticket)})
    assert response.status_code == 200
    assert Session.objects.count() == sessions - 1
    assert client.get(reverse("portal:home"))["Location"].startswith(reverse("login"))
    assert other.get(reverse("portal:home")).status_code == 200  # the other person's session stays
    event = AuditEvent.objects.get(verb="logout")
    assert (event.actor, event.after) == (world.office_admin, {"via": "cas_slo"})


def test_cas_logout_request_that_is_not_one_is_refused_and_ends_nothing(client, world, cas):
    from django.contrib.sessions.models import Session
    from django.test import Client

    _cas_round_trip(client, cas, "office-admin")
    ((ticket, _service, _ok),) = cas.validations
    sessions = Session.objects.count()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        "<samlp:SessionIndex>&lol2;</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        "<samlp:SessionIndex>&x;</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    for body in (
        "",
        "not xml <",
        bomb,
        external,
        f"<LogoutRequest><SessionIndex>{ticket}</SessionIndex></LogoutRequest>",
    ):
        response = Client().post(reverse("core:sso_cas"), {"logoutRequest": body})
        assert response.status_code == 400, body
    # A well-formed request naming a ticket nobody holds ends nothing either.
    assert Client().post(reverse("core:sso_cas"), {"logoutRequest": _logout_request("ST-unknown")}).status_code == 200
    assert Session.objects.count() == sessions
    assert client.get(reverse("portal:home")).status_code == 200
    assert not AuditEvent.objects.filter(verb="logout").exists()


def test_a_locked_out_account_cannot_sign_in_through_cas_either(client, world, cas, settings):
    from django.test import Client

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "office-admin", "password": "wrong"})
    response = _cas_round_trip(client, cas, "office-admin")
    assert response["Location"] == reverse("login") and "_auth_user_id" not in client.session
    assert [accepted for _t, _s, accepted in cas.validations] == [True]  # CAS vouched; the lock here holds
    assert "该账号已被暂时锁定" in client.get(reverse("login")).content.decode()
    assert AuditEvent.objects.get(verb="login_failed", after__reason="locked").object_repr == "office-admin"
    # A colleague signing in through CAS from the same address is not locked out.
    colleague = Client()
    _cas_round_trip(colleague, cas, "liaison-a")
    assert colleague.get(reverse("portal:home")).context["user"] == world.liaison_a


def test_a_locked_out_account_cannot_sign_in_through_ldap_either(client, world, ldap_on, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "office-admin", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "office-admin", "password": DIRECTORY_PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_cas_attribute_can_name_the_account(client, world, cas, settings):
    settings.CAS_USERNAME_ATTRIBUTE = "employeeNumber"
    cas.attributes = {"employeeNumber": "liaison-a"}
    _cas_round_trip(client, cas, "zhang.san@ids")
    assert client.get(reverse("portal:home")).context["user"] == world.liaison_a


def test_cas_server_down_is_a_failed_sign_in_not_a_server_error(client, world, settings):
    settings.CAS_SERVER_URL = f"http://127.0.0.1:{sso_servers.free_port()}/"  # nothing listens
    settings.AUTHENTICATION_BACKENDS = [AXES, "core.sso.CASBackend", MODEL, GUARDIAN]
    response = client.get(reverse("core:sso_cas") + "?ticket=ST-1")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "统一身份认证登录失败" in client.get(reverse("login")).content.decode()


def test_cas_next_off_this_site_is_dropped_not_followed(client, world, cas):
    for query in ("?next=https://evil.example/", "?next=//evil.example/&ticket=ST-1"):
        response = client.get(reverse("core:sso_cas") + query)
        assert response.status_code == 302 and response["Location"] == reverse("core:sso_cas")
    assert cas.validations == []  # the ticket was never used


# --- OpenID Connect, the failures a browser journey cannot easily provoke -------------------------


def test_oidc_provider_down_at_the_token_step_is_a_failed_sign_in(client, world, settings):
    from urllib.parse import parse_qs, urlparse

    for name, value in sso_servers.oidc_settings(f"http://127.0.0.1:{sso_servers.free_port()}").items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [AXES, "core.sso.OIDCBackend", MODEL, GUARDIAN]
    start = client.get(reverse("core:sso_oidc"))
    assert start.status_code == 302
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(reverse("core:sso_oidc_callback") + f"?code=abc&state={state}")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "统一身份认证登录失败" in client.get(reverse("login")).content.decode()


def test_oidc_callback_with_a_state_never_issued_is_refused(client, world, settings):
    for name, value in sso_servers.oidc_settings("http://127.0.0.1:9").items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [AXES, "core.sso.OIDCBackend", MODEL, GUARDIAN]
    response = client.get(reverse("core:sso_oidc_callback") + "?code=abc&state=forged")
    assert response.status_code in (302, 400) and "_auth_user_id" not in client.session
