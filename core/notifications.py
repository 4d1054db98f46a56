"""Telling people: an in-app notification for each recipient, and an e-mail to
those who have an address (Django's e-mail backend; the console by default)."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification

logger = logging.getLogger(__name__)


def notify(users, *, title, body="", link=""):
    """Create one notification per distinct active user and e-mail them. Returns the count."""
    recipients = {u.pk: u for u in users if u.is_active}.values()
    Notification.objects.bulk_create(
        [Notification(recipient=u, title=title[:200], body=body, link=link[:300]) for u in recipients]
    )
    for user in recipients:
        if not user.email:
            continue
        text = f"{body}\n\n{settings.SITE_URL}{link}" if link else body
        try:
            send_mail(title[:200], text, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:  # an SMTP failure must not undo the in-app record
            logger.exception("e-mail to %s failed", user.pk)
    return len(recipients)


def notification_unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
