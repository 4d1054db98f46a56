from celery import shared_task

from .services import TRANSIENT, report_fail, report_requeue_stale, report_run


@shared_task(
    name="reports.compile",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=3600,
    soft_time_limit=3300,
    max_retries=3,
)
def compile_report(self, job_id):
    """Thin: the job row is claimed with a compare-and-set inside report_run, so a
    message delivered twice (acks_late, a worker lost mid-job, the stale sweeper)
    builds the report once. Transient errors retry with back-off, three times."""
    try:
        return report_run(job_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            report_fail(job_id, exc)
            return "failed"
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


@shared_task(name="reports.requeue_stale", time_limit=60, soft_time_limit=50)
def requeue_stale_reports():
    """Every few minutes (beat): jobs whose worker died are sent again."""
    return report_requeue_stale()
