"""Background work survives a broker outage: it is written with the change that needs it,
sent after the commit, and sent by the relay once the broker answers again — once."""

import pytest
from django.db import transaction

from core import outbox
from core.models import OutboxMessage
from evidence.models import EvidenceRevision
from tests.evidence import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """The thumbnail task's sending refuses as kombu does when Redis is down; `.up()` brings it back."""
    from kombu.exceptions import OperationalError

    task = outbox._task("evidence.make_thumbnail")
    sent = []

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(task, "apply_async", refuse)

    class Broker:
        def up(self):
            monkeypatch.setattr(task, "apply_async", lambda args, **kw: sent.append(args))
            return sent

    return Broker()


def test_the_message_belongs_to_the_transaction_of_the_change():
    with transaction.atomic():
        outbox.send_later("evidence.make_thumbnail", "x")
        transaction.set_rollback(True)
    assert not OutboxMessage.objects.exists()  # the change was undone: so was its background work


def test_an_upload_while_the_broker_is_down_is_saved_answered_and_sent_once_it_is_back(
    client, world, broker_down, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.liaison_a)
    share = world.shares.a_soon
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence:add_files", args=[share.pk]),
            {
                "kind": "image",
                "title": "现场照片",
                "files": SimpleUploadedFile("照片.png", samples.png(), content_type="image/png"),
            },
        )
    assert response.status_code == 302  # answered, not a 500
    revision = EvidenceRevision.objects.get()
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and "Connection refused" in message.last_error and message.attempts == 1
    sent = broker_down.up()
    assert outbox.relay() == 1 and sent == [[str(revision.pk)]]
    assert outbox.relay() == 0 and sent == [[str(revision.pk)]]  # once
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_claimed_message_is_not_sent_twice(broker_down, django_capture_on_commit_callbacks):
    sent = broker_down.up()
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.send_later("evidence.make_thumbnail", "r1")  # sent after the commit
    assert sent == [["r1"]] and OutboxMessage.objects.get(pk=message.pk).sent_at
    assert outbox.dispatch(message.pk) is False and sent == [["r1"]]


def test_the_relay_stops_at_the_first_refusal_and_keeps_the_order(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # each tried once after the commit, refused
        for n in range(3):
            outbox.send_later("evidence.make_thumbnail", f"r{n}")
    assert outbox.relay() == 0 and OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    assert OutboxMessage.objects.get(args=["r0"]).attempts == 2 and OutboxMessage.objects.get(args=["r2"]).attempts == 1
    sent = broker_down.up()
    assert outbox.relay() == 3 and sent == [["r0"], ["r1"], ["r2"]]


def test_notification_emails_go_through_the_outbox_once_and_not_for_an_undone_change(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from config.celery_app import app
    from core.notifications import notification_email, notify

    world.liaison_a.email = "liaison@example.gov.cn"
    world.liaison_a.save()
    with transaction.atomic():
        notify([world.liaison_a], title="撤销的提醒")
        transaction.set_rollback(True)
    assert not OutboxMessage.objects.exists()
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                [world.liaison_a, world.leader_a], title="催办", body="请尽快提交", link="/x/"
            )  # the leader has no address
    finally:
        app.conf.task_always_eager = False
    assert [m.to for m in mail.outbox] == [["liaison@example.gov.cn"]] and "请尽快提交" in mail.outbox[0].body
    note = world.liaison_a.notifications.get()
    assert note.emailed_at and notification_email(note.pk) is False and len(mail.outbox) == 1  # never twice


def test_a_mail_server_refusal_gives_the_email_back_for_a_retry(world, monkeypatch):
    from core import notifications

    world.liaison_a.email = "liaison@example.gov.cn"
    world.liaison_a.save()
    notifications.notify([world.liaison_a], title="提醒")
    note = world.liaison_a.notifications.get()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        notifications.notification_email(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None  # the task's retry will send it
