"""Health of the portal's components, for the orchestrator and for monitoring.

Two answers (served by ``asskomm.views``, before host validation by ``HealthCheckMiddleware``):

- liveness (``/healthz/live``): the process answers and the database responds. The web
  container's healthcheck uses it: the pages work without Redis and without a worker (jobs wait,
  ``tests/test_faults.py``), so neither is a reason to restart the web container.
- readiness and status (``/healthz``): database, Redis and a worker answering a ping; 503 if any
  of them is down. For monitoring and for a load balancer that should prefer a complete node.

The worker ping waits at most ``WORKER_PING_SECONDS``; its answer is kept ``WORKER_CACHE_SECONDS``
in each web process, so an orchestrator polling every few seconds does not flood the broker.
"""

import threading
import time

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from .celery import app

WORKER_PING_SECONDS = 1.0
WORKER_CACHE_SECONDS = 5.0
OK = "ok"
IN_PROCESS = "in-process"

_lock = threading.Lock()
_worker_answers: dict[str, tuple[float, str, int]] = {}


def _error(error: BaseException | str) -> str:
    return f"error: {error if isinstance(error, str) else error.__class__.__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return _error(error)
    return OK


def check_redis() -> str:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as error:
        return _error(error)
    return OK


def _ping_workers() -> tuple[str, int]:
    """Ask every worker for a pong: ("ok", number answering) or ("error: …", 0)."""
    try:
        with app.connection_for_write() as broker:
            # One attempt to reach the broker (not Celery's retries): a broker that is down
            # answers the health check in about a second, not after minutes.
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            replies = app.control.ping(timeout=WORKER_PING_SECONDS, connection=broker)
    except Exception as error:  # any broker failure is an answer of the check, not a 500
        return _error(error), 0
    if not replies:
        return _error("no worker answered"), 0
    return OK, len(replies)


def check_worker() -> tuple[str, int | None]:
    """("ok", workers answering), ("error: …", 0), or ("in-process", None) without a broker."""
    if app.conf.task_always_eager:
        return IN_PROCESS, None
    broker_url = str(app.conf.broker_url)
    now = time.monotonic()
    with _lock:
        cached = _worker_answers.get(broker_url)
        if cached and now - cached[0] < WORKER_CACHE_SECONDS:
            return cached[1], cached[2]
    answer, count = _ping_workers()
    with _lock:
        _worker_answers[broker_url] = (time.monotonic(), answer, count)
    return answer, count


def forget_worker_answers() -> None:
    """Drop the kept worker answers (the next check pings again)."""
    with _lock:
        _worker_answers.clear()


def liveness() -> dict[str, str]:
    """The process answers and its database responds."""
    database = check_database()
    return {"status": OK if database == OK else "error", "database": database}


def readiness() -> dict[str, str | int]:
    """Every component: database, Redis (when configured) and the workers."""
    report: dict[str, str | int] = {"database": check_database()}
    healthy = report["database"] == OK
    if settings.REDIS_URL:
        report["redis"] = check_redis()
        healthy = healthy and report["redis"] == OK
    worker, count = check_worker()
    report["worker"] = worker
    if count is not None:
        report["workers"] = count
    healthy = healthy and worker in (OK, IN_PROCESS)
    return {"status": OK if healthy else "error", **report}
