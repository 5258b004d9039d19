"""Health endpoints: liveness for the orchestrator, readiness with every component for monitoring.

Real components throughout: a real worker, a real Redis without a worker, a closed port.
"""

import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from asskomm import health
from asskomm.celery import app

from .support.worker import celery_worker

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: Redis "down"


@pytest.fixture(autouse=True)
def fresh_worker_answers() -> Iterator[None]:
    health.forget_worker_answers()
    yield
    health.forget_worker_answers()


@pytest.fixture
def through_broker() -> Iterator[None]:
    """Tasks go to the broker (as in production) instead of running in-process."""
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.mark.django_db
def test_without_a_broker_the_worker_is_in_process(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"] == "in-process"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_liveness_answers_for_an_internal_host_and_is_not_cached(client: Client) -> None:
    response = client.get("/healthz/live", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_redis_down_fails_readiness_quickly_but_not_liveness(
    client: Client, settings, through_broker: None
) -> None:
    settings.REDIS_URL = CLOSED
    app.conf.broker_url = CLOSED

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["database"] == "ok"
    assert report["redis"].startswith("error")
    assert report["worker"].startswith("error")
    assert elapsed < 3, f"/healthz took {elapsed:.1f} s with Redis down"
    # The web container stays up: the pages work without Redis (tests/test_faults.py).
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.worker
@pytest.mark.django_db
def test_a_broker_without_a_worker_is_reported(client: Client, through_broker: None) -> None:
    app.conf.broker_url = settings.CELERY_BROKER_URL

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == "ok"
    assert response.json()["worker"] == "error: no worker answered"
    assert response.json()["workers"] == 0
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.worker
@pytest.mark.django_db
def test_the_worker_answer_is_kept_a_few_seconds(client: Client, through_broker: None) -> None:
    app.conf.broker_url = settings.CELERY_BROKER_URL
    client.get("/healthz")  # pings (about a second without a worker) and keeps the answer

    started = time.monotonic()
    for _ in range(10):
        assert client.get("/healthz").json()["worker"].startswith("error")
    assert time.monotonic() - started < 1  # no further ping within WORKER_CACHE_SECONDS


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_makes_the_portal_ready(client: Client) -> None:
    with celery_worker():
        deadline = time.monotonic() + 60
        while True:
            health.forget_worker_answers()
            response = client.get("/healthz")
            if response.json()["worker"] == "ok" or time.monotonic() > deadline:
                break
            time.sleep(0.5)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "worker": "ok",
        "workers": 1,
    }
