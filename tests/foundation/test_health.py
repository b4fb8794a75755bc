"""/healthz: database and broker reachability as JSON. 200 "ok" when both answer; 200 "degraded:
broker" when only the broker is away (pages are served, writes are saved); 503 without the
database."""

import socket

import pytest

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    # A port nobody listens on: bind one, note it, release it.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthy_with_postgresql_and_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "detail": "postgresql"},
        "broker": {"ok": True, "detail": "redis"},
    }


def test_degraded_but_in_service_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded: broker"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["detail"] == "ConnectionError"


@pytest.mark.parametrize("broker_up", [True, False])
def test_unavailable_without_the_database(client, settings, monkeypatch, broker_up):
    from kentsoc.web import views

    monkeypatch.setattr(views, "database_status", lambda: (False, "OperationalError"))
    if not broker_up:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["broker"]["ok"] is broker_up


def test_the_demo_without_a_broker_is_healthy(client, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"]["ok"] is True


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
