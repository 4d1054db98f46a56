"""The second factor in a real browser, with production's setting on (OTP_REQUIRED): the office
admin enrols an authenticator app the way a person does (the key read off the page, the app's code
computed from it with django-otp's own RFC 6238 arithmetic), logs out, logs in with the password
and a code, then with a recovery code, which the second time is refused."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from core.models import AuditEvent, User
from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _app_code(secret_text, steps_ahead=0):
    """What an authenticator app holding the key shown on the page displays (steps_ahead=1: the
    code it shows 30 seconds from now, which the server accepts within its allowed drift)."""
    text = secret_text.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def _password_step(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _log_out(page, full_name):
    page.get_by_role("button", name=full_name).or_(page.get_by_role("link", name=full_name)).first.click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_office_admin_enrols_logs_in_with_a_code_and_a_recovery_code_once(page, live_server, demo, settings, shot):
    settings.OTP_REQUIRED = True
    page.set_viewport_size({"width": 1366, "height": 900})
    user = User.objects.get(username="demo-office")

    # The password alone leads to the enrolment page: the role requires a second factor.
    _password_step(page, live_server.url, "demo-office")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.get_by_role("heading", name="绑定第二因素")).to_be_visible()
    expect(page.get_by_text("您的角色要求")).to_be_visible()
    expect(page.locator(".otp-qr svg")).to_be_visible()
    shot(page, "otp-setup-desktop")
    secret = page.locator("code.user-select-all").inner_text()
    page.get_by_label("验证码").fill(_app_code(secret))
    page.get_by_role("button", name="确认并开启").click()

    # The recovery codes, shown once.
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "otp-recovery-codes")
    page.get_by_role("link", name="我已保存").click()
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    assert AuditEvent.objects.filter(verb="otp_enrolled", actor=user).count() == 1
    _log_out(page, user.get_full_name())

    # Password, then the app's code.
    _password_step(page, live_server.url, "demo-office")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    expect(page.get_by_role("heading", name="第二步验证")).to_be_visible()
    shot(page, "otp-verify-desktop")
    # The code that confirmed the phone is spent; the app's next one is not.
    page.get_by_label("验证码").fill(_app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    _log_out(page, user.get_full_name())

    # Password, then a recovery code (no phone at hand): it works once.
    _password_step(page, live_server.url, "demo-office")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_role("heading", name="创建工作总览")).to_be_visible()
    assert AuditEvent.objects.filter(verb="recovery_code_used", actor=user).count() == 1
    _log_out(page, user.get_full_name())

    _password_step(page, live_server.url, "demo-office")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码错误或已过期")
    expect(page.get_by_role("heading", name="第二步验证")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/two-factor/verify/")
    shot(page, "otp-verify-refused")
    # The page the person wanted stays shut.
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    assert AuditEvent.objects.filter(verb="login_failed", object_repr="demo-office", after={"step": "otp"}).exists()


def test_the_second_step_fits_a_phone(browser, live_server, demo, settings, shot):
    settings.OTP_REQUIRED = True
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    _password_step(page, live_server.url, "demo-office")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.locator(".otp-qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "otp-setup-phone")
    secret = page.locator("code.user-select-all").inner_text()
    page.get_by_label("验证码").fill(_app_code(secret))
    page.get_by_role("button", name="确认并开启").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "otp-recovery-codes-phone")
    context.close()
