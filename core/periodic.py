"""The periodic jobs (settings.CELERY_BEAT_SCHEDULE) written into django-celery-beat's tables.

Beat writes them itself when it starts, but a beat that starts beside the web process on
SQLite could lose one to a locked database and ran without it until a restart (issue 21).
`migrate` runs before either starts (make run, the compose file's migrate service), so it
registers every job that is missing: a fresh install has all of them whatever happens at
start-up. Existing rows are left alone (an admin may have changed a time in the admin).
"""

from celery import current_app
from django.conf import settings
from django.db import transaction


def periodic_tasks_register(schedule=None):
    """Create the schedule's PeriodicTask rows that do not exist yet; return their names."""
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
    existing = set(PeriodicTask.objects.filter(name__in=list(schedule)).values_list("name", flat=True))
    created = []
    with transaction.atomic():
        for name, fields in schedule.items():
            if name not in existing:
                # The scheduler's own conversion (schedule → interval/crontab row), so a row
                # written here is exactly the one beat would write.
                ModelEntry.from_entry(name, app=current_app, **fields)
                created.append(name)
    return created


def register_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: once django-celery-beat's tables exist, register the jobs."""
    if sender.name == "django_celery_beat":
        periodic_tasks_register()
