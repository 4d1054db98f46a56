"""First start on the embedded defaults (issue 21, item 12): every periodic job is
registered, every time, even when the worker (with beat) and the web side start together
on one SQLite file. Runs the real commands in subprocesses on an empty database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.periodic import periodic_tasks_register

ROOT = Path(__file__).resolve().parents[2]


def _env(var_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "VAR_DIR": str(var_dir)}


def _manage(var_dir, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(var_dir), capture_output=True, text=True, **kwargs
    )


def _periodic_names(var_dir):
    code = "from django_celery_beat.models import PeriodicTask as P; print('|'.join(sorted(P.objects.values_list('name', flat=True))))"
    out = _manage(var_dir, "shell", "-c", code, check=True).stdout.strip().splitlines()[-1]
    return set(out.split("|")) if out else set()


@pytest.mark.worker
@pytest.mark.timeout(240)
def test_fresh_install_registers_every_periodic_job_with_worker_and_web_starting_together(tmp_path):
    expected = set(settings.CELERY_BEAT_SCHEDULE)
    _manage(tmp_path, "migrate", "--noinput", "-v0", check=True)
    # migrate alone registers them: a fresh install never depends on beat's start-up write.
    assert _periodic_names(tmp_path) >= expected

    # And beat's own write survives the web side writing at the same moment: start from no
    # rows, the worker with beat and the demo load (the web side's heaviest write) together.
    _manage(
        tmp_path, "shell", "-c", "from django_celery_beat.models import PeriodicTask as P; P.objects.all().delete()"
    )
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel=INFO", "--concurrency=2"],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            demo = _manage(tmp_path, "load_demo", timeout=180)
            assert demo.returncode == 0, demo.stderr[-2000:]
            deadline = time.monotonic() + 60
            while "beat: Starting" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(3)  # beat writes its entries right after it starts
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    text = log.read_text()
    assert "beat: Starting" in text
    assert "Cannot add entry" not in text and "database is locked" not in text, text[-3000:]
    assert _periodic_names(tmp_path) >= expected


@pytest.mark.django_db
def test_registering_creates_missing_jobs_and_leaves_changed_ones_alone():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    PeriodicTask.objects.all().delete()
    assert set(periodic_tasks_register()) == set(settings.CELERY_BEAT_SCHEDULE)
    reminders = PeriodicTask.objects.get(name="send-reminders")
    assert reminders.task == "assignments.send_reminders" and reminders.crontab.hour == "8"
    # An admin moves the reminders to 9:00 and one job is deleted: registering again adds
    # only the missing one and keeps the admin's time.
    reminders.crontab = CrontabSchedule.objects.create(hour="9", minute="0", timezone=settings.TIME_ZONE)
    reminders.save()
    PeriodicTask.objects.filter(name="relay-outbox").delete()
    assert periodic_tasks_register() == ["relay-outbox"]
    assert PeriodicTask.objects.get(name="send-reminders").crontab.hour == "9"
    assert PeriodicTask.objects.get(name="relay-outbox").interval.every == 30
