"""/healthz and /readyz; /readyz against a real Redis and a real Celery worker."""

import pytest

from devtools import redis_server

from .conftest import running_worker, use_broker

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_answers_without_asking_anything_else(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing there, and it doesn't matter
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.integration
def test_readyz_is_ready_with_database_redis_and_a_worker(client, settings, broker):
    settings.REDIS_URL = broker
    with running_worker(concurrency=1):
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["celery"].startswith("ok (")


@pytest.mark.integration
def test_readyz_is_not_ready_when_no_worker_answers(client, settings, broker):
    settings.REDIS_URL = broker
    settings.READYZ_TIMEOUT_SECONDS = 0.5
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["celery"].startswith("failed")


@pytest.mark.integration  # a Redis that is deliberately not there
def test_readyz_is_not_ready_when_redis_is_down(client, settings):
    down = f"redis://127.0.0.1:{redis_server.free_port()}/0"
    settings.REDIS_URL = down
    settings.READYZ_TIMEOUT_SECONDS = 0.5
    use_broker(down)
    try:
        response = client.get("/readyz")
    finally:
        use_broker("memory://")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("failed")
    assert "127.0.0.1" not in response.content.decode()  # no addresses in a public answer
