from celery import shared_task

from .services import snapshots_take_all


@shared_task(name="assessment.take_snapshots", time_limit=600, soft_time_limit=540)
def take_snapshots():
    """Daily (beat): the figures behind the dashboard's trend. Rerunning updates the same day's row."""
    return len(snapshots_take_all())
