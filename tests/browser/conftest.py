"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)."
    if os.environ.get("CI"):
        # In CI the browser journeys must run: a missing browser is a failure, not a skip.
        raise pytest.UsageError(message)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def demo(transactional_db):
    from campaign.demo import demo_load

    return demo_load(county="示范县")


@pytest.fixture
def shot():
    """Save a screenshot under var/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, full_page=True):
        from playwright.sync_api import Error

        path = SCREENSHOTS / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=full_page)
        except Error:
            # Headless Chromium sometimes refuses a very tall full-page capture: take the viewport.
            page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker process on the configured broker (Redis in CI, the
    filesystem transport otherwise), on the test database and media folder, taking
    this test's own queue so nothing else reaches it."""
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    from config.celery_app import app

    queue = f"journey-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url,
           "VAR_DIR": str(settings.VAR_DIR), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
                             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING", "-n", f"{queue}@%h"],
                            cwd=Path(__file__).resolve().parents[2], env=env)
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        from core.tasks import ping

        ping.apply_async(args=["ready"], queue=queue).get(timeout=60)
        yield proc
    finally:
        app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
