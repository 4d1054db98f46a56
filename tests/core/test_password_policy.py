"""Password policy: length and three character classes, none of the last five again, expiry
leading to the change form; messages in Chinese."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, PasswordHistory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Ab1!", False),  # too short
        ("abcdefgh-xyz", False),  # lower + symbol: two classes
        ("ABCDEFGH1234", False),  # upper + digits
        ("Fazhi2026gov", True),  # upper, lower, digits
        ("fazhi-2026-gov", True),  # lower, symbol, digits
    ],
)
def test_length_and_three_character_classes(world, password, ok):
    if ok:
        validate_password(password, world.liaison_a)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, world.liaison_a)


def test_the_class_message_is_chinese(client, world):
    client.force_login(world.liaison_a)
    response = _change(client, PASSWORD, "abcdefgh-xyz")
    assert response.status_code == 200
    assert "大写字母、小写字母、数字、符号中至少" in response.content.decode()


def test_none_of_the_last_five_passwords_again(client, world):
    client.force_login(world.liaison_a)
    passwords = [f"Fazhi-{i}-gov" for i in range(6)]
    old = PASSWORD
    for new in passwords:
        assert _change(client, old, new).status_code == 302
        old = new
    assert PasswordHistory.objects.filter(user=world.liaison_a).count() == 5  # older ones dropped
    for reused in passwords[1:]:  # the current one and the four before it
        response = _change(client, old, reused)
        assert response.status_code == 200 and "使用过" in response.content.decode()
    # The sixth back is out of the window again.
    assert _change(client, old, passwords[0]).status_code == 302
    assert AuditEvent.objects.filter(verb="password_changed", actor=world.liaison_a).count() == 7


def test_an_expired_password_leads_to_the_change_form(client, world, settings):
    user = world.liaison_a
    type(user).objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    )
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    response = client.get(reverse("portal:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "天" in response.content.decode()
    assert _change(client, PASSWORD, "Fazhi-new-2026").status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200  # a fresh password: back to work


def test_expiry_can_be_switched_off(client, world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = world.liaison_a
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=999))
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200
