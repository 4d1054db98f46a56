from celery import shared_task

from .thumbnails import thumbnail_make


@shared_task(
    name="evidence.make_thumbnail",
    time_limit=120,
    soft_time_limit=100,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def make_thumbnail(revision_id):
    """Idempotent: a revision that already has a thumbnail is left alone."""
    return thumbnail_make(revision_id)
