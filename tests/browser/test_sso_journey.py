"""OpenID Connect sign-on in a real browser against a real provider process: django-oidc-provider
(tests/oidc_op) runs on loopback in its own process and database; the browser signs in there and
comes back through mozilla-django-oidc's code flow (token, RS256 ID token checked against the
provider's JWKS, userinfo) — nothing in between is mocked."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core.models import AuditEvent, User
from portal.demo import DEMO_PASSWORD
from tests import sso_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PEOPLE = ["demo-office", "demo-liaison-D16", "stranger"]  # accounts at the provider; stranger has none here
LABEL = "省统一身份认证平台"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    callback = f"{live_server.url}/accounts/sso/oidc/callback/"
    back = f"{live_server.url}/accounts/login/"  # where the provider's end-session sends people back
    proc, base = sso_servers.start_oidc_provider(tmp_path_factory.mktemp("oidc"), callback, PEOPLE, back)
    yield base
    sso_servers.stop(proc)


@pytest.fixture
def oidc_on(settings, provider):
    for name, value in sso_servers.oidc_settings(provider).items():
        setattr(settings, name, value)
    settings.SSO_BUTTON_LABEL_OIDC = LABEL
    settings.CONTENT_SECURITY_POLICY = sso_servers.csp_allowing_logout_to(settings.CONTENT_SECURITY_POLICY, provider)
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


def _log_out_from_the_menu(page, username):
    name = User.objects.get(username=username).get_full_name()
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="退出登录").click()


def test_logging_out_ends_the_session_at_the_provider_too(page, live_server, demo, oidc_on):
    _sign_in_at_provider(page, live_server, oidc_on, "demo-office")
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    _log_out_from_the_menu(page, "demo-office")
    # Through the provider's end-session endpoint and back to our login page.
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert AuditEvent.objects.filter(verb="logout", actor__username="demo-office").count() == 1
    # The provider forgot the person too: signing in again asks for the password there.
    page.get_by_role("link", name=f"使用{LABEL}登录").click()
    page.wait_for_url(f"{oidc_on}/accounts/login/**")
    expect(page.get_by_role("heading", name="统一身份认证（测试）")).to_be_visible()


def test_a_locked_out_account_cannot_sign_in_through_the_provider(page, live_server, demo, oidc_on, settings):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("用户名").fill("demo-liaison-D16")
        page.get_by_label("密码").fill("wrong-password-1")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="登录失败次数过多")).to_be_visible()
    _sign_in_at_provider(page, live_server, oidc_on, "demo-liaison-D16")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("该账号已被暂时锁定")
    event = AuditEvent.objects.get(verb="login_failed", object_repr="demo-liaison-D16", after__via="oidc")
    assert event.after["reason"] == "locked"
    # The correct password on our own form is refused as well, and a colleague is not affected.
    page.get_by_label("用户名").fill("demo-liaison-D16")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="登录失败次数过多")).to_be_visible()
    page.context.clear_cookies()  # a colleague at the same computer, once the provider forgot this person
    _sign_in_at_provider(page, live_server, oidc_on, "demo-office")
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()


def test_with_the_second_factor_on_the_provider_sign_in_still_asks_for_the_code(
    page, live_server, demo, oidc_on, settings
):
    settings.OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=User.objects.get(username="demo-office"), name="phone", confirmed=True)
    _sign_in_at_provider(page, live_server, oidc_on, "demo-office")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    expect(page.get_by_role("heading", name="第二步验证")).to_be_visible()
    page.goto(f"{live_server.url}/")  # nothing opens before the second step
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.get_by_label("验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    assert AuditEvent.objects.get(verb="login", actor__username="demo-office").after == {"via": "oidc"}


def test_cas_sign_in_and_single_sign_out_in_a_browser(page, live_server, demo, settings):
    """CAS's logout form leads to the CAS server: the page's Content Security Policy lets it."""
    with sso_servers.CASServer() as cas:
        settings.CAS_SERVER_URL = cas.url
        settings.SSO_BUTTON_LABEL_CAS = "市统一身份认证（CAS）"
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",
            "core.sso.CASBackend",
            "django.contrib.auth.backends.ModelBackend",
            "guardian.backends.ObjectPermissionBackend",
        ]
        settings.CONTENT_SECURITY_POLICY = sso_servers.csp_allowing_logout_to(settings.CONTENT_SECURITY_POLICY, cas.url)
        cas.signed_in = "demo-office"
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="使用市统一身份认证（CAS）登录").click()
        expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
        _log_out_from_the_menu(page, "demo-office")
        expect(page.get_by_text("CAS: logged out")).to_be_visible()
        assert cas.logouts and cas.logouts[0].startswith(live_server.url)
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_login_page_with_single_sign_on_fits_a_phone(browser, live_server, oidc_on, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name=f"使用{LABEL}登录")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "login-sso-phone")
    context.close()
