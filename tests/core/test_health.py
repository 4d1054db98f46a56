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
