"""Background work that must not be lost: a transactional outbox.

`send_later(task, *args)` writes an OutboxMessage in the caller's transaction, so the row
exists exactly when the change that needs it was committed. Right after the commit it is
handed to the broker; if the broker is down the request still answers (the work is queued,
not lost) and `relay()` — run by beat every 30 s, and by `manage.py outbox_relay` — sends it
when the broker answers again. Sending claims the row first (compare-and-set), so two
senders never both send it; one that dies after its claim leaves it to the relay a minute later.

Used for thumbnails, report jobs and notification e-mails.

Why our own and not a library: the kept Django outbox packages target Kafka/event buses or
need their own worker; this one is a table, two functions and a beat entry over Celery.
"""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 60


def send_later(task, *args):
    """Queue `task(*args)` to run once this transaction commits. Returns the message row."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: dispatch(message.pk), robust=True)
    return message


def _claim(pk):
    stale = timezone.now() - datetime.timedelta(seconds=CLAIM_SECONDS)
    return OutboxMessage.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), pk=pk, sent_at__isnull=True
    ).update(claimed_at=timezone.now(), attempts=F("attempts") + 1)


def _task(name):
    if name not in current_app.tasks:
        # A web process has not imported the apps' tasks modules (a worker does at start).
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def dispatch(pk):
    """Hand one message to the broker. True when it was sent; a broker error is recorded, not raised."""
    if not _claim(pk):
        return False
    message = OutboxMessage.objects.get(pk=pk)
    try:
        # The registered task (not send_task): it honours task_always_eager and the task's options.
        # No result kept: nobody waits on these, and a web process would otherwise subscribe to
        # the result store and give up on it for good during an outage.
        _task(message.task).apply_async(args=message.args, retry=False, ignore_result=True)
    except Exception as exc:  # kombu/redis connection errors, whatever the transport raises
        logger.warning("outbox %s (%s) not sent: %s", pk, message.task, exc)
        OutboxMessage.objects.filter(pk=pk).update(claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    return True


def relay(limit=500):
    """Send what is still waiting (the broker was down when it was written). Returns how many were sent."""
    pending = (
        OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(pending):
        if dispatch(pk):
            sent += 1
        elif OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True, claimed_at__isnull=True).exists():
            break  # the broker refused this one: it will refuse the rest too, until it is back
    return sent


def outbox_sweep(days=7):
    """Delete messages sent more than `days` ago (the table is a queue, not a record)."""
    before = timezone.now() - datetime.timedelta(days=days)
    return OutboxMessage.objects.filter(sent_at__lt=before).delete()[0]
