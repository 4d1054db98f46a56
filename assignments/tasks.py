from celery import shared_task

from .reminders import reminders_send


@shared_task(name="assignments.send_reminders", time_limit=30 * 60, soft_time_limit=25 * 60)
def send_reminders():
    """Daily at 08:00 (beat). Safe to rerun: every reminder is claimed before it is sent."""
    return len(reminders_send())
