import pytest
from django.db.utils import OperationalError

from core import health

pytestmark = pytest.mark.django_db


def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_healthz_broker_down_is_503(client, settings):
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "status": "down"}


def test_healthz_database_down_is_503(client, monkeypatch):
    class RefusingConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", RefusingConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_a_login_while_the_database_is_down_answers_the_maintenance_page(client, world, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    client.raise_request_exception = False  # as in production: the handler answers
    with monkeypatch.context() as m:
        m.setattr(CursorWrapper, "execute", refuse)
        m.setattr(CursorWrapper, "executemany", refuse)
        response = client.post("/accounts/login/", {"username": "liaison-a", "password": "x"})
        health = client.get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "系统暂时无法使用" in response.content.decode() and "database cannot be reached" in response.content.decode()
    assert health.status_code == 503 and health.json()["database"] == "down"


def test_any_other_fault_is_still_the_bilingual_error_page(client, world, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    client.raise_request_exception = False
    client.force_login(world.liaison_a)
    monkeypatch.setattr("portal.views.campaign_current", fail)
    response = client.get("/")
    assert response.status_code == 500 and "系统出现错误" in response.content.decode()


def test_pages_and_changes_work_while_the_cache_is_down(client, world, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from core import figures_cache

    # A Redis that refuses every connection (port 1 on loopback): the dashboard and the office
    # home compute their figures afresh, and a change still saves and answers.
    monkeypatch.setattr(figures_cache, "cache", RedisCache("redis://127.0.0.1:1/0", {}))
    client.force_login(world.office_admin)
    assert client.get("/").status_code == 200
    assert client.get("/campaigns/dashboard/").status_code == 200
    share = world.shares.a_overdue
    client.force_login(world.liaison_a)
    response = client.post(f"/assignments/{share.pk}/move/", {"to_status": "submitted"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == "submitted"
