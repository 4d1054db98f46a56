"""A database built on the first round's layout (units, memberships and assessments in the
campaign app) migrates to the floors without losing a row.

tests/fixtures/round1_demo.sql.gz is a pg_dump of that database after migrate, load_demo
and a report, package, workbook, submission, notice and linked evidence made through the
services; round1_demo_counts.json holds its row count per table, its content types and
the permissions that roles and guardian rows refer to.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
MOVED = {
    "unit": "org",
    "membership": "org",
    "assessment": "assessment",
    "rectification": "assessment",
    "dailysnapshot": "assessment",
}

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or shutil.which("psql") is None,
    reason="the fixture is a PostgreSQL dump (CI runs on PostgreSQL)",
)


@pytest.fixture(scope="module")
def migrated():
    db = settings.DATABASES["default"]
    name = f"round1_{uuid.uuid4().hex[:8]}"
    conn_args = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres"}
    admin = psycopg2.connect(dbname="postgres", **conn_args)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    try:
        with gzip.open(FIXTURES / "round1_demo.sql.gz", "rb") as dump:
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    str(conn_args["host"]),
                    "-p",
                    str(conn_args["port"]),
                    "-U",
                    conn_args["user"],
                    name,
                ],
                input=dump.read(),
                check=True,
                env=env,
                capture_output=True,
            )
        auth = f"{conn_args['user']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
        url = f"postgres://{auth}@{conn_args['host']}:{conn_args['port']}/{name}"
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        conn = psycopg2.connect(dbname=name, **conn_args)
        yield conn, result.stdout
        conn.close()
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _rows(conn, sql):
    with conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_the_moves_were_applied(migrated):
    _conn, output = migrated
    for migration in ("org.0001_initial", "assessment.0001_initial", "campaign.0007_move_units_and_assessments_out"):
        assert f"Applying {migration}... OK" in output


def test_every_row_is_still_there(migrated):
    conn, _output = migrated
    expected = json.loads((FIXTURES / "round1_demo_counts.json").read_text())
    counts = {table: n for table, n in expected.items() if not table.startswith("__")}
    assert (
        counts["campaign_unit"] > 0
        and counts["campaign_assessment"] > 0
        and counts["guardian_userobjectpermission"] > 0
    )
    found = {}
    for table in counts:
        found[table] = _rows(conn, f'SELECT count(*) FROM "{table}"')[0][0]
    # Models added since (the outbox, …) bring their own content type and permissions; the
    # moved models' types are relabelled, not added. Every other table keeps exactly its rows.
    # `migrate` also registers the periodic jobs a round-1 database lacks (core.periodic), so
    # the beat schedule tables may gain rows too.
    grown = {"django_content_type", "auth_permission"} | {t for t in counts if t.startswith("django_celery_beat_")}
    assert {t: n for t, n in found.items() if t not in grown} == {t: n for t, n in counts.items() if t not in grown}
    for table in grown:
        assert found[table] >= counts[table], table


def test_content_types_follow_the_models(migrated):
    conn, _output = migrated
    types = {(app, model) for app, model in _rows(conn, "SELECT app_label, model FROM django_content_type")}
    for model, app in MOVED.items():
        assert (app, model) in types
        assert ("campaign", model) not in types


def test_roles_and_object_permissions_keep_their_rights(migrated):
    conn, _output = migrated
    expected = json.loads((FIXTURES / "round1_demo_counts.json").read_text())["__perm_codenames__"]
    relabelled = {
        f"org.{p.split('.', 1)[1]}" if p.split(".", 1)[1].endswith(("unit_work", "_membership")) else p
        for p in expected
    }
    referenced = {
        f"{app}.{codename}"
        for app, codename in _rows(
            conn,
            """
        SELECT ct.app_label, p.codename FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
        WHERE p.id IN (SELECT permission_id FROM auth_group_permissions UNION SELECT permission_id FROM guardian_userobjectpermission
                       UNION SELECT permission_id FROM core_user_user_permissions)""",
        )
    }
    assert relabelled <= referenced
    # A liaison's guardian rows now name org.unit, so their scope is what it was.
    assert _rows(
        conn,
        """SELECT DISTINCT ct.app_label, ct.model FROM guardian_userobjectpermission g
                          JOIN django_content_type ct ON ct.id = g.content_type_id""",
    ) == [("org", "unit")]


def test_the_audit_trail_names_the_moved_models(migrated):
    conn, _output = migrated
    types = {t for (t,) in _rows(conn, "SELECT DISTINCT object_type FROM core_auditevent")}
    assert not {f"campaign.{m}" for m in MOVED} & types
    assert {"org.unit", "assessment.assessment"} <= types
