"""The daily reminder run: due-date reminders, overdue notices (催办), escalation to
the office (督办) and progress prompts for ongoing work.

Idempotent and catch-up safe. Each message is claimed first with a unique
ReminderLog row (assignment, kind, period); only the run whose INSERT succeeded
sends it, so a rerun, a re-delivered Celery task or two workers at once never
send twice. A missed day is caught up: the run sends the reminder that applies
today and records the earlier, superseded ones as skipped.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.selectors import TERMINAL_STAGES
from core.audit import audit_record
from core.figures_cache import dashboard_touch
from core.notifications import notify
from org.selectors import office_people, unit_people

from .models import Assignment, ReminderLog, reminder_topic
from .services import share_repr

K = ReminderLog.Kind
DEADLINE_SERIES = [K.DAYS_7, K.DAYS_3, K.DAYS_1, K.OVERDUE]


def deadline_stage(days_left):
    """The reminder of the deadline series that applies with `days_left` to go, or None."""
    if days_left < 0:
        return K.OVERDUE
    if days_left <= 1:
        return K.DAYS_1
    if days_left <= 3:
        return K.DAYS_3
    if days_left <= 7:
        return K.DAYS_7
    return None


@dataclass
class Sent:
    kind: str
    assignment: Assignment
    recipients: int

    def line(self):
        a = self.assignment
        return f"{self.kind}\t{a.campaign.slug}\t{a.indicator.code}\t{a.unit.code} {a.unit.name}\t{a.deadline or '-'}\t{self.recipients} recipient(s)"


def _claim(kind, period, sent=True, **subject):
    """Insert the log row for `subject` (assignment= or rectification=); True when this
    run owns the reminder."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, period=period, sent=sent, **subject)
        return True
    except IntegrityError:
        return False


def _skip_earlier(stage, period, claimed, pk, **subject):
    """Earlier reminders of this deadline that a missed day skipped are recorded, not sent late."""
    for earlier in DEADLINE_SERIES[: DEADLINE_SERIES.index(stage)]:
        if (pk, earlier, period) not in claimed:
            _claim(earlier, period, sent=False, **subject)


def claim_series(stage, period, claimed, pk, **subject):
    """Claim reminder `stage` of a deadline series for `subject`; True when this run sends it.
    `claimed`: the (pk, kind, period) already in the log, read once per run."""
    if (pk, stage, period) in claimed or not _claim(stage, period, **subject):
        return False
    _skip_earlier(stage, period, claimed, pk, **subject)
    return True


# Reminders of higher floors sent in the same daily run (assessment: rectification items).
# Each source(today) returns a list of sent items with a .line(); registered in AppConfig.ready().
REMINDER_SOURCES = []


def register_reminder_source(source):
    if source not in REMINDER_SOURCES:
        REMINDER_SOURCES.append(source)


def reminders_send(*, today=None):
    """Send what is due on `today` (default: the local date). Returns a list of Sent."""
    today = today or timezone.localdate()
    escalation_days = settings.ESCALATION_DAYS
    shares = (
        Assignment.objects.open()
        .exclude(campaign__stage__in=TERMINAL_STAGES)
        .select_related("campaign", "indicator", "unit")
        .order_by("deadline", "unit__code", "indicator__code")
    )
    claimed = {(r.assignment_id, r.kind, r.period) for r in ReminderLog.objects.filter(assignment__in=shares)}
    sent = []
    for a in shares:
        if a.ongoing:
            period = today.strftime("%Y-%m")
            if (a.pk, K.PROGRESS, period) not in claimed and _claim(K.PROGRESS, period, assignment=a):
                sent.append(_send(a, K.PROGRESS, today))
            continue
        if a.deadline is None:
            continue
        days_left = (a.deadline - today).days
        period = a.deadline.isoformat()
        stage = deadline_stage(days_left)
        if stage is not None and claim_series(stage, period, claimed, a.pk, assignment=a):
            sent.append(_send(a, stage, today))
        if (
            days_left <= -escalation_days
            and (a.pk, K.ESCALATION, period) not in claimed
            and _claim(K.ESCALATION, period, assignment=a)
        ):
            if Assignment.objects.filter(pk=a.pk, escalated_at__isnull=True).update(escalated_at=timezone.now()):
                dashboard_touch(a.campaign_id)  # the office's figures count escalations
            sent.append(_send(a, K.ESCALATION, today))
    for source in REMINDER_SOURCES:
        sent.extend(source(today))
    return sent


def _send(a, kind, today):
    task = f"{a.indicator.code} {a.indicator.title[:40]}"
    link = a.get_absolute_url()
    if kind == K.PROGRESS:
        title = _("Progress check: %(task)s") % {"task": task}
        body = _("This is ongoing work. Add this month's evidence and keep the record up to date.")
        recipients = unit_people(a.unit)
    elif kind == K.OVERDUE:
        days = (today - a.deadline).days
        title = _("Overdue: %(task)s") % {"task": task}
        body = _(
            "The deadline %(deadline)s has passed %(days)s day(s) ago. Submit the evidence now; overdue units are reported to the office."
        ) % {"deadline": a.deadline, "days": days}
        recipients = unit_people(a.unit)
    elif kind == K.ESCALATION:
        days = (today - a.deadline).days
        title = _("Escalated: %(unit)s — %(task)s") % {"unit": a.unit.name, "task": task}
        body = _("%(unit)s is %(days)s day(s) overdue on this task (deadline %(deadline)s).") % {
            "unit": a.unit.name,
            "days": days,
            "deadline": a.deadline,
        }
        recipients = office_people(a.unit.region_id)
    else:
        days = (a.deadline - today).days
        if days == 0:  # "0 天后到期" reads like a mistake
            title = _("Due today: %(task)s") % {"task": task}
        else:
            title = _("Due in %(days)s day(s): %(task)s") % {"days": days, "task": task}
        body = _("Deadline %(deadline)s. Upload the evidence and submit the task for review.") % {
            "deadline": a.deadline
        }
        recipients = unit_people(a.unit)
    # One live reminder per share: today's supersedes yesterday's unread one.
    return Sent(kind, a, notify(recipients, title=title, body=body, link=link, topic=reminder_topic(a)))


def reminders_manual(*, assignments, by):
    """An office member's reminder on selected shares (a bulk action): always sent."""
    count = 0
    for a in assignments:
        deadline = a.deadline.isoformat() if a.deadline else _("ongoing")
        notify(
            unit_people(a.unit),
            title=_("Reminder from the office: %(task)s") % {"task": f"{a.indicator.code} {a.indicator.title[:40]}"},
            body=_("Deadline: %(deadline)s. Please upload the evidence and submit the task.") % {"deadline": deadline},
            link=a.get_absolute_url(),
            topic=reminder_topic(a),
        )
        # Who was reminded of what, and when, is part of holding units to account.
        audit_record(
            actor=by,
            verb="reminded",
            obj=a,
            unit=a.unit,
            object_repr=share_repr(a),
            after={"deadline": str(a.deadline or ""), "status": a.status},
        )
        count += 1
    return count
