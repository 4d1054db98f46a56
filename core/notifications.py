"""Telling people: an in-app notification for each recipient, and an e-mail to
those who have an address (Django's e-mail backend; the console by default).

The e-mails go through the outbox: written with the change that caused them, sent by a
worker after the commit (so a rolled-back change sends nothing, a slow or absent mail
server never holds up the page, and a broker outage only delays them)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .outbox import send_later

logger = logging.getLogger(__name__)


def notify(users, *, title, body="", link="", topic=""):
    """Create one notification per distinct active user and e-mail them. Returns the count.
    With a topic, the recipients' unread messages on it before this one are superseded: one
    live reminder per share, not one per day."""
    recipients = {u.pk: u for u in users if u.is_active}.values()
    if topic and recipients:
        notifications_supersede(topic=topic, recipients=[u.pk for u in recipients])
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=u, title=title[:200], body=body, link=link[:300], topic=topic[:100])
            for u in recipients
        ]
    )
    for note in created:
        if note.recipient.email:
            send_later("core.email_notification", note.pk)
    return len(recipients)


def notifications_supersede(*, topic, recipients=None):
    """Mark the unread messages on `topic` superseded (e.g. a share's deadline changed: its
    reminders no longer tell the truth). They stay in the list, out of the badge."""
    items = Notification.objects.filter(topic=topic, read_at__isnull=True, superseded_at__isnull=True)
    if recipients is not None:
        items = items.filter(recipient__in=recipients)
    return items.update(superseded_at=timezone.now())


def notifications_live(user):
    """A user's messages the badge counts: unread, not superseded, not older than
    NOTIFICATION_UNREAD_DAYS (a reminder of three months ago is not news)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.NOTIFICATION_UNREAD_DAYS)
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, superseded_at__isnull=True, created_at__gte=cutoff
    )


def notification_email(notification_id):
    """Send one notification's e-mail, once: claimed with a compare-and-set before sending, given
    back if the mail server refuses (the task retries). Returns True when it was sent now."""
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or not note.recipient.email:
        return False
    if not Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return False
    text = f"{note.body}\n\n{settings.SITE_URL}{note.link}" if note.link else note.body
    try:
        send_mail(note.title, text, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
    except Exception:
        Notification.objects.filter(pk=note.pk).update(emailed_at=None)
        logger.warning("e-mail of notification %s failed", note.pk, exc_info=True)
        raise
    return True


def notification_unread_count(user):
    return notifications_live(user).count()
