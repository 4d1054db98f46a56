"""Password policy (GB/T 22239 level 3, 身份鉴别): character classes, no reuse of the last
passwords, expiry. Django's own validators do the length, common and numeric checks; these add
what it has no validator for. Settings: PASSWORD_MIN_LENGTH, PASSWORD_MIN_CLASSES,
PASSWORD_HISTORY_COUNT, PASSWORD_MAX_AGE_DAYS."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PasswordHistory

CLASSES = (str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum() and not c.isspace())


def character_classes(password):
    """How many of upper case, lower case, digits and symbols the password uses."""
    return sum(1 for test in CLASSES if any(test(c) for c in password))


class CharacterClassesValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Use at least %(n)d of: upper-case letters, lower-case letters, digits, symbols.") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Refuses the current password and the last `count` ones; records each new one (Django
    calls password_changed() after a user with a new password is saved)."""

    def __init__(self, count=5):
        self.count = count

    def _recent(self, user):
        return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[: self.count]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = [h.password for h in self._recent(user)]
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                _("You used this password before: choose one different from your last %(n)d passwords.")
                % {"n": max(self.count, 1)},
                code="password_reused",
            )

    def password_changed(self, password, user):
        if user.pk is None:
            return
        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        type(user).objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        # Only the last `count` are needed: older ones go.
        keep = list(self._recent(user).values_list("id", flat=True))
        PasswordHistory.objects.filter(user=user).exclude(id__in=keep).delete()

    def get_help_text(self):
        return _("It must differ from your last %(n)d passwords.") % {"n": self.count}


def password_expired(user):
    """True when the person's own password is older than PASSWORD_MAX_AGE_DAYS (0: never)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined  # set outside set_password (fixtures)
    return changed < timezone.now() - datetime.timedelta(days=days)
