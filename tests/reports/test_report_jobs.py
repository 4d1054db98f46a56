"""Report jobs against real worker processes: a worker killed mid-job, transient errors."""

import datetime
import os
import signal
import time

import pytest

from assessment.services import assessment_save
from evidence.models import Evidence
from reports.models import ReportJob
from reports.services import report_request, report_requeue_stale

pytestmark = [pytest.mark.timeout(240)]


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


@pytest.mark.worker
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


# --- heartbeat: a job whose worker died is found within a minute, and can be started again ---


def _running(world, kind="pdf", beat_seconds_ago=0, **extra):
    from django.utils import timezone

    beat = timezone.now() - datetime.timedelta(seconds=beat_seconds_ago)
    return ReportJob.objects.create(
        campaign=world.campaign, kind=kind, status="running", started_at=beat, heartbeat_at=beat, **extra
    )


@pytest.mark.django_db
def test_only_a_job_whose_heartbeat_stopped_is_stale(world, settings, monkeypatch):
    from core.models import OutboxMessage
    from reports import services

    settings.REPORT_STALE_SECONDS = 60
    alive = _running(world, "pdf", beat_seconds_ago=5)
    dead = _running(world, "package", beat_seconds_ago=90)
    assert report_requeue_stale() == 1
    assert list(OutboxMessage.objects.values_list("task", "args")) == [("reports.compile", [str(dead.pk)])]
    assert services.report_claim(alive.pk) is None  # a live worker's job is never taken from it
    assert services.report_claim(dead.pk).attempts == 1
    assert not alive.is_stale and ReportJob.objects.get(pk=dead.pk).status == "running"


@pytest.mark.django_db
def test_a_new_request_starts_a_stuck_job_afresh_and_joins_a_live_one(world, settings, monkeypatch):
    settings.REPORT_STALE_SECONDS = 60
    live = _running(world, "pdf", beat_seconds_ago=5)
    assert report_request(campaign=world.campaign, kind="pdf", by=world.office_admin) == live
    stuck = _running(world, "package", beat_seconds_ago=600)
    new = report_request(campaign=world.campaign, kind="package", by=world.office_admin)
    stuck.refresh_from_db()
    assert new != stuck and new.status == "queued" and stuck.status == "failed" and "中断" in stuck.error


@pytest.mark.django_db
def test_the_reports_page_says_a_stuck_job_was_interrupted_and_offers_to_start_it_again(client, world, settings):
    settings.REPORT_STALE_SECONDS = 60
    _running(world, "pdf", beat_seconds_ago=600, progress=56)
    client.force_login(world.office_admin)
    body = client.get("/reports/").content.decode()
    assert "已中断" in body and 'name="kind" value="pdf"' in body and "重试" in body


@pytest.mark.django_db
def test_a_killed_runs_temporary_files_are_removed_when_the_job_is_taken_again(world, settings, tmp_path):
    from reports import services

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.REPORT_STALE_SECONDS = 60
    job = _running(world, "package", beat_seconds_ago=600)
    left = tmp_path / f"report-{job.pk}-abc.zip"
    left.write_bytes(b"half a package")
    (tmp_path / f"report-{job.pk}-vol").mkdir()
    other = tmp_path / "report-someone-else.zip"
    other.write_bytes(b"x")
    assert services.report_claim(job.pk) is not None
    assert not left.exists() and not (tmp_path / f"report-{job.pk}-vol").exists() and other.exists()


@pytest.mark.django_db(transaction=True)
def test_a_long_build_keeps_writing_its_heartbeat(world, settings, monkeypatch):
    from reports import services

    settings.REPORT_HEARTBEAT_SECONDS = 1

    def slow(campaign, out, progress):
        time.sleep(2.5)  # a long stretch without progress (WeasyPrint laying out a big report)
        out.write(b"x")

    monkeypatch.setitem(services.BUILDERS, "xlsx", slow)
    job = ReportJob.objects.create(campaign=world.campaign, kind="xlsx")
    assert services.report_run(job.pk) == "done"
    job.refresh_from_db()
    assert job.heartbeat_at > job.started_at + datetime.timedelta(seconds=0.9)


def test_the_limits_agree():
    from django.conf import settings

    from reports.tasks import compile_report

    assert settings.REPORT_STALE_SECONDS >= 3 * settings.REPORT_HEARTBEAT_SECONDS
    assert settings.CELERY_BEAT_SCHEDULE["requeue-stale-reports"]["schedule"] < settings.REPORT_STALE_SECONDS
    if settings.REDIS_URL:  # a redelivery must never come while the task may still run
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > compile_report.time_limit
