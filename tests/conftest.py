"""Shared fixtures: the personas of the role table in ../shared/DESIGN.md ("Who uses it"), each a real user with
real memberships granted through the services (so permissions are real too)."""

import os
from types import SimpleNamespace

import pytest

from assignments.models import Assignment
from org.models import Membership, Unit
from org.services import membership_create

from .factories import CampaignFactory, UnitFactory, UserFactory, make_assignment, make_tree

# Playwright's sync API runs an event loop in the test thread; the ORM calls our
# fixtures make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def world(db):
    """Two units (A: a department, B: a township), the office, the city office, a campaign
    with shares for A and B, and one user per role."""
    office = UnitFactory(
        code="D06", name="县委全面依法治县委员会办公室", short_name="县委依法治县办", kind=Unit.Kind.OFFICE
    )
    city = UnitFactory(
        code="C01", name="市委全面依法治市委员会办公室", short_name="市委依法治市办", kind=Unit.Kind.CITY_OFFICE
    )
    unit_a = UnitFactory(code="D16", name="县司法局", short_name="县司法局")
    unit_b = UnitFactory(code="T01", name="城关镇", short_name="城关镇", kind=Unit.Kind.TOWNSHIP)
    campaign = CampaignFactory()
    i1, i2, i3 = make_tree(campaign.framework)
    shares = SimpleNamespace(
        a_overdue=make_assignment(campaign, i1, unit_a, days=-3),
        a_soon=make_assignment(campaign, i2, unit_a, Assignment.Role.COOPERATING, days=5),
        a_ongoing=make_assignment(campaign, i3, unit_a, ongoing=True),
        b_lead=make_assignment(campaign, i2, unit_b, days=30),
    )

    def person(username, role=None, unit=None, **extra):
        user = UserFactory(username=username, **extra)
        if role:
            membership_create(user=user, unit=unit, role=role)
        return user

    R = Membership.Role
    return SimpleNamespace(
        office=office,
        city=city,
        unit_a=unit_a,
        unit_b=unit_b,
        campaign=campaign,
        indicators=(i1, i2, i3),
        shares=shares,
        office_admin=person("office-admin", R.OFFICE_ADMIN, office),
        office_staff=person("office-staff", R.OFFICE_STAFF, office),
        leader_a=person("leader-a", R.UNIT_LEADER, unit_a),
        liaison_a=person("liaison-a", R.LIAISON, unit_a),
        leader_b=person("leader-b", R.UNIT_LEADER, unit_b),
        liaison_b=person("liaison-b", R.LIAISON, unit_b),
        city_reviewer=person("city-reviewer", R.CITY_REVIEWER, city),
        superuser=person("it-admin", is_superuser=True, is_staff=True),
        nobody=person("no-role"),
    )


@pytest.fixture
def start_worker(transactional_db, settings):
    """Start real Celery worker processes on the configured broker (Redis in CI, the
    filesystem transport otherwise), on the test database and media folder, taking
    this test's own queue so nothing else reaches them. Returns a function that
    starts one and waits until it answers; all are stopped at the end."""
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from django.db import connection

    from config.celery_app import app
    from core.tasks import ping

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = f"{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "VAR_DIR": str(settings.VAR_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    procs = []

    def start(wait=True, **extra_env):
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
                f"{queue}-{len(procs)}@%h",
            ],
            cwd=Path(__file__).resolve().parents[1],
            env={**env, **extra_env},
        )
        procs.append(proc)
        if wait:
            ping.apply_async(args=["ready"], queue=queue).get(timeout=60)
        return proc

    yield start
    app.conf.task_default_queue = previous
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
