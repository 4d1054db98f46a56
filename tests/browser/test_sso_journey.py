"""OpenID Connect sign-on in a real browser against a real provider process: django-oidc-provider
(tests/oidc_op) runs on loopback in its own process and database; the browser signs in there and
comes back through mozilla-django-oidc's code flow (token, RS256 ID token checked against the
provider's JWKS, userinfo) — nothing in between is mocked."""

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent, User
from tests import sso_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PEOPLE = ["demo-office", "demo-liaison-D16", "stranger"]  # accounts at the provider; stranger has none here
LABEL = "省统一身份认证平台"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    callback = f"{live_server.url}/accounts/sso/oidc/callback/"
    proc, base = sso_servers.start_oidc_provider(tmp_path_factory.mktemp("oidc"), callback, PEOPLE)
    yield base
    sso_servers.stop(proc)


@pytest.fixture
def oidc_on(settings, provider):
    for name, value in sso_servers.oidc_settings(provider).items():
        setattr(settings, name, value)
    settings.SSO_BUTTON_LABEL_OIDC = LABEL
    settings.CAS_SERVER_URL = "https://ids.example.gov.cn/cas/"  # both buttons on the page
    settings.SSO_BUTTON_LABEL_CAS = "市统一身份认证（CAS）"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "core.sso.OIDCBackend",
        "core.sso.CASBackend",
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
    return provider


def _sign_in_at_provider(page, live_server, provider, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=f"使用{LABEL}登录").click()
    page.wait_for_url(f"{provider}/accounts/login/**")
    expect(page.get_by_role("heading", name="统一身份认证（测试）")).to_be_visible()
    page.locator("#op-username").fill(username)
    page.locator("#op-password").fill(sso_servers.PROVIDER_PASSWORD)
    page.locator("#op-submit").click()


def test_office_admin_signs_in_through_the_provider_and_lands_home(page, live_server, demo, oidc_on, shot):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name=f"使用{LABEL}登录")).to_be_visible()
    expect(page.get_by_role("link", name="使用市统一身份认证（CAS）登录")).to_be_visible()
    shot(page, "login-sso-desktop")
    users_before = User.objects.count()
    _sign_in_at_provider(page, live_server, oidc_on, "demo-office")
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    event = AuditEvent.objects.get(verb="login", actor__username="demo-office")
    assert event.after == {"via": "oidc"}
    assert User.objects.count() == users_before


def test_a_person_the_office_has_not_created_is_told_to_ask_for_an_account(page, live_server, demo, oidc_on, shot):
    users_before = User.objects.count()
    _sign_in_at_provider(page, live_server, oidc_on, "stranger")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("请县依法治县办为您创建账号")
    shot(page, "login-sso-refused")
    assert User.objects.count() == users_before
    assert AuditEvent.objects.get(verb="login_failed", object_repr="stranger").after == {
        "via": "oidc",
        "reason": "unknown",
    }


def test_a_switched_off_account_cannot_sign_in_through_the_provider(page, live_server, demo, oidc_on):
    User.objects.filter(username="demo-liaison-D16").update(is_active=False)
    _sign_in_at_provider(page, live_server, oidc_on, "demo-liaison-D16")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("账号已停用")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_login_page_with_single_sign_on_fits_a_phone(browser, live_server, oidc_on, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name=f"使用{LABEL}登录")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "login-sso-phone")
    context.close()
