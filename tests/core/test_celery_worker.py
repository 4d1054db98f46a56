"""A real round trip: this process enqueues, a separate worker process runs the
task on the configured broker (Redis with REDIS_URL, else the filesystem transport)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from core.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker takes the message
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "VAR_DIR": str(settings.VAR_DIR)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.worker
@pytest.mark.timeout(90)
def test_task_round_trip_through_a_real_worker(worker_queue):
    expected = "redis" if settings.REDIS_URL else "filesystem"
    assert settings.CELERY_BROKER_URL.startswith(expected)
    result = ping.apply_async(args=["你好"], queue=worker_queue)
    assert result.get(timeout=60) == "你好"


def test_every_task_of_ours_has_a_soft_limit_below_its_hard_limit(settings):
    """Celery refuses to send a task whose soft time limit exceeds its hard one; with the
    project-wide soft default (25 min) a task that sets only a short hard limit could never
    be sent by beat. Every scheduled task must exist and be sendable."""
    from config.celery_app import app

    app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in app.tasks.items()
        if name.split(".")[0] in ("core", "org", "campaign", "assignments", "evidence", "assessment", "reports")
    }
    assert len(ours) >= 7
    for name, task in ours.items():
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert soft <= hard, name
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in ours
