from celery import shared_task

from .notifications import notification_email
from .outbox import outbox_sweep, relay
from .uploads import stash_sweep


@shared_task(name="core.ping", time_limit=30, soft_time_limit=20)
def ping(value="pong"):
    """A round trip through the broker and a worker, used by the health tests."""
    return value


@shared_task(name="core.sweep_stashes", time_limit=300, soft_time_limit=240)
def sweep_stashes():
    """Daily: remove uploaded tables whose preview was never confirmed."""

    return stash_sweep()


@shared_task(name="core.relay_outbox", time_limit=120, soft_time_limit=100)
def relay_outbox():
    """Every 30 s (beat): send the background work the broker could not take when it was queued."""
    sent = relay()
    outbox_sweep()
    return sent


@shared_task(
    name="core.email_notification",
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OSError,),  # smtplib's errors are OSErrors: the mail server down or refusing
    retry_backoff=True,
    max_retries=5,
)
def email_notification(notification_id):
    """A notification's e-mail (queued through the outbox by core.notifications.notify)."""
    return notification_email(notification_id)
