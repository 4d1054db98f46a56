"""Second factor (django-otp): QR enrolment confirmed by a real TOTP code, the login's second
step, recovery codes used once, required roles, the office's reset; absolute session lifetime
and the sessions page."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent, UserSession

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _code(key, offset=0):
    """The code an authenticator app shows now, computed from the secret (RFC 6238)."""
    return f"{totp(bytes.fromhex(key), t0=0, step=30, digits=6, drift=offset):06d}"


def _step_code(user, step_offset):
    """The code of the step the person's device last accepted (offset 0: spent) or a later one."""
    device = TOTPDevice.objects.get(user=user)
    return f"{hotp(device.bin_key, device.last_t + step_offset):06d}"


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def _enrol(client, user):
    """Through the pages: the QR page keeps the secret in the session, a real code confirms it."""
    response = client.get(reverse("core:otp_setup"))
    assert response.status_code == 200 and "<svg" in response.content.decode()
    key = client.session["otp_pending_key"]
    assert not TOTPDevice.objects.filter(user=user).exists()  # a GET writes nothing
    response = client.post(reverse("core:otp_setup"), {"token": _code(key)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    return key, codes


def test_enrolment_with_a_real_code_then_the_login_asks_for_one(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no growing wait after the wrong code below
    user = world.liaison_a
    _login(client, user)
    response = client.get(reverse("core:otp_setup"))
    key = client.session["otp_pending_key"]
    response = client.post(reverse("core:otp_setup"), {"token": "000000" if _code(key) != "000000" else "111111"})
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    key, codes = _enrol(client, user)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(verb="otp_enrolled", actor=user).exists()
    client.post(reverse("logout"))

    _login(client, user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:otp_verify"))
    response = client.post(reverse("core:otp_verify"), {"token": "12345", "next": "/"})
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    assert AuditEvent.objects.filter(verb="login_failed", object_repr=user.username, after={"step": "otp"}).exists()
    # The code that confirmed the phone is spent; the app's next one (within the allowed drift) works.
    response = client.post(reverse("core:otp_verify"), {"token": _step_code(user, 0), "next": "/"})
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    response = client.post(reverse("core:otp_verify"), {"token": _step_code(user, 1), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_recovery_code_works_once(client, world):
    user = world.liaison_a
    _login(client, user)
    _key, codes = _enrol(client, user)
    client.post(reverse("logout"))
    for attempt in range(2):
        client.post(reverse("logout"))
        _login(client, user)
        response = client.post(reverse("core:otp_verify"), {"token": codes[0], "next": "/"})
        if attempt == 0:
            assert response.status_code == 302
            assert AuditEvent.objects.filter(verb="recovery_code_used", actor=user).exists()
        else:
            assert response.status_code == 200  # used up
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_required_roles_must_enrol_when_the_setting_is_on(client, world, settings):
    settings.OTP_REQUIRED = True
    _login(client, world.office_admin)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:otp_setup"))
    assert "您的角色要求" in client.get(reverse("core:otp_setup")).content.decode()
    # Nothing else opens before it, not even the password page.
    assert client.get(reverse("password_change")).status_code == 302
    _enrol(client, world.office_admin)
    assert client.get(reverse("portal:home")).status_code == 200
    # The role cannot switch it off.
    client.post(reverse("core:otp_disable"), {"token": _step_code(world.office_admin, 1)})
    assert TOTPDevice.objects.filter(user=world.office_admin).exists()
    # A liaison is not asked.
    other = client_for(world.liaison_a)
    assert other.get(reverse("portal:home")).status_code == 200


def client_for(user):
    from django.test import Client

    c = Client()
    c.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return c


def test_the_demo_login_page_says_one_step_logins_are_for_the_demo(client, settings):
    settings.DEMO_ALLOWED, settings.OTP_REQUIRED = True, False
    assert "仅用于演示" in client.get(reverse("login")).content.decode()
    settings.DEMO_ALLOWED, settings.OTP_REQUIRED = False, True
    assert "仅用于演示" not in client.get(reverse("login")).content.decode()


def test_an_optional_second_factor_is_switched_off_with_a_code(client, world):
    user = world.liaison_a
    _login(client, user)
    _enrol(client, user)
    client.post(reverse("core:otp_disable"), {"token": _step_code(user, 1)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(verb="otp_disabled", actor=user).exists()


def test_the_office_resets_a_lost_second_factor_and_it_is_audited(client, world):
    user = world.liaison_a
    phone = client_for(user)
    _enrol(phone, user)
    client.force_login(world.office_admin)
    response = client.post(reverse("org:person_otp_reset", args=[user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(verb="otp_reset", actor=world.office_admin, object_id=str(user.pk)).exists()
    assert phone.get(reverse("portal:home")).status_code == 302  # its sessions ended with it
    # A liaison cannot reset anyone's.
    other = client_for(world.liaison_b)
    assert other.post(reverse("org:person_otp_reset", args=[world.leader_a.pk])).status_code == 403


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, world, settings):
    _login(client, world.liaison_a)
    assert client.get(reverse("portal:home")).status_code == 200
    session = client.session
    session["auth_at"] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("portal:home")).status_code == 302  # logged out


def test_a_person_sees_their_sessions_and_ends_another(client, world):
    laptop, phone = client_for(world.liaison_a), client_for(world.liaison_a)
    other = client_for(world.liaison_b)
    page = laptop.get(reverse("core:account_security"))
    assert page.status_code == 200
    keys = [s.session_id for s in page.context["sessions"]]
    assert set(keys) == {laptop.session.session_key, phone.session.session_key}
    assert "本浏览器" in page.content.decode()
    # Someone else's session cannot be named.
    laptop.post(reverse("core:session_end"), {"session": other.session.session_key})
    assert other.get(reverse("portal:home")).status_code == 200
    laptop.post(reverse("core:session_end"), {"session": phone.session.session_key})
    assert phone.get(reverse("portal:home")).status_code == 302
    assert laptop.get(reverse("portal:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="session_ended", actor=world.liaison_a).exists()


def test_switching_an_account_off_deletes_its_sessions(client, world):
    phone = client_for(world.liaison_a)
    key = phone.session.session_key
    client.force_login(world.office_admin)
    client.post(reverse("org:person_active", args=[world.liaison_a.pk]), {"active": "0"})
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=world.liaison_a).exists()


def test_the_qr_code_is_inline_svg_of_the_otpauth_url(client, world):
    client.force_login(world.liaison_a)
    body = client.get(reverse("core:otp_setup")).content.decode()
    assert re.search(r"<svg[^>]*>", body) and "<img" not in body.split("otp-qr")[1][:200]


def test_before_the_second_step_the_page_shows_no_navigation_only_the_way_out(client, world, settings):
    """Between password and code the bar offers nothing the middleware would send back anyway:
    no pages, no messages, no account links; logging out stays."""
    settings.OTP_REQUIRED = True
    client.force_login(world.office_admin)
    page = client.get("/accounts/two-factor/setup/")
    html = page.content.decode()
    assert page.status_code == 200 and page.context["second_step_pending"]
    for word in ("任务清单", "材料审核", "消息", "修改密码", "/assignments/"):
        assert word not in html, word
    assert "退出登录" in html or "/accounts/logout/" in html
    # Once the code is given, the bar is back.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.test_url_matrix import _totp

    device = TOTPDevice.objects.create(user=world.office_admin, name="phone", confirmed=True)
    client.post("/accounts/two-factor/verify/", {"token": _totp(device.key), "next": "/"})
    assert "任务清单" in client.get("/").content.decode()
