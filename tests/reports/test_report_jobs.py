"""Report jobs against real worker processes: a worker killed mid-job, transient errors."""

import os
import signal
import time

import pytest

from assessment.services import assessment_save
from evidence.models import Evidence
from reports.models import ReportJob
from reports.services import report_request, report_requeue_stale

pytestmark = [pytest.mark.worker, pytest.mark.timeout(240)]


def _wait(job, status, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job stayed {job.status}, wanted {status}")


def _slow_report(world):
    # Enough accepted evidence that laying out the PDF takes seconds, not milliseconds.
    for ind in world.indicators:
        assessment_save(campaign=world.campaign, indicator=ind, by=None, result="met", practice="做法。" * 200)
    Evidence.objects.bulk_create(
        [
            Evidence(
                assignment=world.shares.a_soon,
                campaign=world.campaign,
                kind="summary",
                title=f"材料{n}：" + "工作台账" * 10,
                review_status="accepted",
            )
            for n in range(1200)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_a_job_that_completes_exactly_once(world, start_worker, settings):
    _slow_report(world)
    first = start_worker()
    job = report_request(campaign=world.campaign, kind="pdf", by=world.office_admin)
    _wait(job, "running")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=20)
    job.refresh_from_db()
    assert job.status == "running" and not job.file  # the dead worker left it half-done
    settings.REPORT_STALE_SECONDS = 1
    time.sleep(1.2)
    assert report_requeue_stale() == 1
    report_requeue_stale()  # sent twice: the claim makes the second a no-op
    start_worker(wait=False, REPORT_STALE_SECONDS="1")  # the re-sent job is first in its queue
    job = _wait(job, "done", seconds=180)
    assert job.attempts == 2 and job.file and job.size > 0
    time.sleep(1)
    job.refresh_from_db()
    assert job.attempts == 2 and ReportJob.objects.filter(status="done").count() == 1


@pytest.mark.django_db
def test_transient_errors_retry_then_fail_with_the_reason(world, monkeypatch):
    from config.celery_app import app
    from reports.tasks import compile_report

    calls = []

    def unreachable_storage(campaign, out, progress):
        calls.append(1)
        raise ConnectionError("object storage did not answer")

    monkeypatch.setitem(__import__("reports.services", fromlist=["BUILDERS"]).BUILDERS, "xlsx", unreachable_storage)
    job = ReportJob.objects.create(campaign=world.campaign, kind="xlsx")
    app.conf.task_always_eager = True
    try:
        compile_report.apply(args=[str(job.pk)])
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert len(calls) == 4 and job.status == "failed" and "object storage did not answer" in job.error
