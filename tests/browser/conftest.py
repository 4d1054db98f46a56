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
    from portal.demo import demo_load

    # County 1 alone: the journeys work in it (the neighbours add two submissions, a PDF each).
    return demo_load(county="示范县", neighbours=False)


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
def celery_worker(start_worker):
    """A real Celery worker process for a browser journey (see tests/conftest.py)."""
    return start_worker()
