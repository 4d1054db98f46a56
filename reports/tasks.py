from celery import shared_task

from .services import report_run


@shared_task(name="reports.compile", acks_late=True, reject_on_worker_lost=True,
             time_limit=3600, soft_time_limit=3300)
def compile_report(job_id):
    """Thin: the job row is claimed with a compare-and-set inside report_run, so a
    message delivered twice (acks_late, a worker lost mid-job) builds the report once."""
    return report_run(job_id)
