"""The reminder run: once per reminder, missed days caught up, escalation after N days."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from assignments.models import Assignment, ReminderLog
from assignments.reminders import reminders_send
from core.models import Notification

pytestmark = pytest.mark.django_db
K = ReminderLog.Kind


@pytest.fixture
def share(world):
    """Unit A's share due on 2026-03-10; unit A has a liaison and a leader with e-mail."""
    for user in (world.liaison_a, world.leader_a):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    Assignment.objects.exclude(pk=world.shares.a_soon.pk).delete()
    a = world.shares.a_soon
    a.deadline = datetime.date(2026, 3, 10)
    a.save()
    return a


def _kinds(sent):
    return [s.kind for s in sent]


def test_reminders_7_3_1_days_before(share):
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 2))) == []
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 3))) == [K.DAYS_7]
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 7))) == [K.DAYS_3]
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 9))) == [K.DAYS_1]
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 10))) == []
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 11))) == [K.OVERDUE]


def test_running_twice_sends_once(share, world, django_capture_on_commit_callbacks):
    from config.celery_app import app

    day = datetime.date(2026, 3, 3)
    app.conf.task_always_eager = True  # the e-mails, queued through the outbox, are sent here
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = reminders_send(today=day)
            assert len(first) == 1 and first[0].recipients == 2
            assert reminders_send(today=day) == []
    finally:
        app.conf.task_always_eager = False
    assert Notification.objects.filter(recipient=world.liaison_a).count() == 1
    assert len(mail.outbox) == 2


def test_a_missed_day_is_caught_up_without_stale_reminders(share):
    # The job did not run from 2 March to 8 March: on the 8th the 3-day reminder applies.
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 8))) == [K.DAYS_3]
    logs = {(r.kind, r.sent) for r in ReminderLog.objects.filter(assignment=share)}
    assert logs == {(K.DAYS_7, False), (K.DAYS_3, True)}
    # A replay of an earlier day afterwards does not send the skipped 7-day reminder.
    assert reminders_send(today=datetime.date(2026, 3, 4)) == []


def test_escalation_to_the_office_after_n_days(share, world, settings):
    settings.ESCALATION_DAYS = 5
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 14))) == [K.OVERDUE]
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 15))) == [K.ESCALATION]
    share.refresh_from_db()
    assert share.escalated_at is not None
    assert Notification.objects.filter(recipient=world.office_admin, title__contains="督办").count() == 1
    assert Notification.objects.filter(recipient=world.office_staff, title__contains="督办").count() == 1
    assert reminders_send(today=datetime.date(2026, 3, 20)) == []


def test_submitted_and_accepted_work_gets_no_reminders(share):
    Assignment.objects.filter(pk=share.pk).update(status=Assignment.Status.SUBMITTED)
    assert reminders_send(today=datetime.date(2026, 3, 11)) == []


def test_new_deadline_starts_a_new_cycle(share, world):
    from assignments.services import assignment_change_deadline

    reminders_send(today=datetime.date(2026, 3, 11))
    assignment_change_deadline(assignments=[share], deadline=datetime.date(2026, 4, 30), by=world.office_staff)
    assert _kinds(reminders_send(today=datetime.date(2026, 4, 23))) == [K.DAYS_7]


def test_ongoing_work_gets_a_monthly_progress_prompt(world):
    Assignment.objects.exclude(pk=world.shares.a_ongoing.pk).delete()
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 2))) == [K.PROGRESS]
    assert reminders_send(today=datetime.date(2026, 3, 20)) == []
    assert _kinds(reminders_send(today=datetime.date(2026, 4, 1))) == [K.PROGRESS]


def test_send_reminders_command_prints_one_line_per_message(share, capsys):
    call_command("send_reminders", "--today", "2026-03-11")
    out = capsys.readouterr().out
    assert out.count("overdue\t") == 1 and "1 message(s) sent." in out
    call_command("send_reminders", "--today", "2026-03-11")
    assert "0 message(s) sent." in capsys.readouterr().out


def test_send_reminders_command_refuses_a_bad_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--today", "2026-02-30")


def test_reminder_task_runs_the_same_service(share, monkeypatch):
    from django.utils import timezone

    from assignments.tasks import send_reminders

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 3, 3))
    assert send_reminders.apply().get() == 1
    assert send_reminders.apply().get() == 0


def test_beat_schedules_the_reminder_task_daily(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {8}


def test_a_reminder_sent_on_the_deadline_day_says_due_today(share, world):
    """A run that first reaches the share on its deadline day (a missed day caught up) says
    今天到期, not "0 天后到期"."""
    assert _kinds(reminders_send(today=datetime.date(2026, 3, 10))) == [K.DAYS_1]
    title = Notification.objects.filter(recipient=world.liaison_a).get().title
    assert title.startswith("今天到期：") and "0 天" not in title
