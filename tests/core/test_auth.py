import pytest
from django.urls import reverse

from core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-CN">' in body
    assert "登录" in body and "用户名" in body


def test_login_with_right_password_goes_home_and_is_audited(client, world):
    response = client.post(reverse("login"), {"username": "liaison-a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert AuditEvent.objects.filter(verb="login", actor=world.liaison_a).exists()


def test_login_with_wrong_password_shows_chinese_message_and_is_audited(client, world):
    response = client.post(reverse("login"), {"username": "liaison-a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(verb="login_failed", object_repr="liaison-a").exists()


def test_login_with_hostile_input_is_a_form_error_not_a_500(client, world):
    for username in ["x" * 5000, "a\x00b", "'; DROP TABLE core_user; --", "<script>alert(1)</script>"]:
        response = client.post(reverse("login"), {"username": username, "password": "p\x00"})
        assert response.status_code == 400 and "NUL" in response.content.decode()  # the NUL page, before the form
        response = client.post(reverse("login"), {"username": username.replace("\x00", ""), "password": "p"})
        assert response.status_code == 200
    assert "&lt;script&gt;" in response.content.decode() or "<script>alert" not in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_chinese_message(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "liaison-a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "liaison-a", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_logout_requires_post_and_ends_the_session(client, world):
    client.force_login(world.liaison_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(verb="logout", actor=world.liaison_a).exists()


def test_password_change_refuses_weak_password_in_chinese(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    world.liaison_a.refresh_from_db()
    assert world.liaison_a.check_password(PASSWORD)


def test_password_change_works(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Zheng-fu-2026-ok", "new_password2": "Zheng-fu-2026-ok"},
    )
    assert response.status_code == 302
    world.liaison_a.refresh_from_db()
    assert world.liaison_a.check_password("Zheng-fu-2026-ok")


def test_language_switch_to_english_and_back(client, world):
    client.force_login(world.liaison_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "My tasks" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    assert "我的任务" in response.content.decode()


def test_language_switch_ignores_foreign_next_url(client, world):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_unknown_page_is_chinese_404(client, world):
    client.force_login(world.liaison_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_password_fields_are_length_limited(client, world):
    """A megabyte "password" is refused by the form before anything hashes it."""
    client.force_login(world.liaison_a)
    huge = "x" * 129
    response = client.post(
        reverse("password_change"), {"old_password": huge, "new_password1": huge, "new_password2": huge}
    )
    assert response.status_code == 200 and "128" in response.content.decode()
    client.logout()
    response = client.post(reverse("login"), {"username": "liaison-a", "password": huge})
    assert response.status_code == 200 and "128" in response.content.decode()


def test_one_persons_wrong_passwords_do_not_lock_out_a_colleague_at_the_same_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "liaison-a", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "liaison-a", "password": PASSWORD}).status_code == 429
    response = client.post(reverse("login"), {"username": "liaison-b", "password": PASSWORD})
    assert response.status_code == 302  # same address (the office's, or the proxy's), another account


def test_behind_a_trusted_proxy_the_lockout_and_the_audit_use_the_forwarded_address(client, world, settings):
    # TRUSTED_PROXY_COUNT=1 (one nginx) as config/settings/base.py turns it into ipware's settings.
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # nginx (REMOTE_ADDR 10.0.0.2) appends the address of each client it serves.
    here = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    there = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "liaison-a", "password": "wrong"}, **here)
    assert client.post(reverse("login"), {"username": "liaison-a", "password": PASSWORD}, **here).status_code == 429
    assert AuditEvent.objects.filter(verb="login_failed").latest("id").ip_address == "203.0.113.7"
    assert client.post(reverse("login"), {"username": "liaison-a", "password": PASSWORD}, **there).status_code == 302
    assert AuditEvent.objects.filter(verb="login", actor=world.liaison_a).latest("id").ip_address == "203.0.113.8"
    # A client that sends its own header (forged left part) gets the proxy's address, not its pick.
    client.logout()
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}
    client.post(reverse("login"), {"username": "liaison-b", "password": "wrong"}, **forged)
    assert AuditEvent.objects.filter(verb="login_failed").latest("id").ip_address == "10.0.0.2"
