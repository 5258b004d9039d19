"""Start a real Celery worker process for a test, against the test's own database and Redis."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from asskomm.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent


def database_url_for_worker() -> str:
    """The URL of the database this test runs on, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(**overrides: str) -> dict[str, str]:
    """The environment of a worker process for this test: the test settings, tasks through the
    broker, the test's database and media folder; ``overrides`` (broker, timeouts) on top."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "asskomm.settings.test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or "",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    if database_url_for_worker():
        env["DATABASE_URL"] = database_url_for_worker()
    env.update(overrides)
    return env


def worker_command(
    queue: str,
    *,
    concurrency: int = 1,
    hostname: str = "",
    include: str = "",
    heartbeat: bool = True,
) -> list[str]:
    """``celery worker`` on ``queue`` only: solo for one process, else prefork."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "asskomm",
        "worker",
        "--pool",
        "solo" if concurrency == 1 else "prefork",
        "--concurrency",
        str(concurrency),
        "--queues",
        queue,
        "--hostname",
        hostname or f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]
    if not heartbeat:
        command.append("--without-heartbeat")
    if include:
        command += ["--include", include]
    return command


@contextmanager
def celery_worker(*, concurrency: int = 1, include: str = "") -> Iterator[str]:
    """A worker on a queue of its own; while it runs, this process sends tasks to it via Redis.

    Yields the queue name. The test settings run tasks eagerly; here they go through the broker
    as in production, and the worker uses the same database and media folder as the test.
    """
    queue = f"asskomm-test-{uuid.uuid4().hex[:8]}"
    env = worker_environment()
    command = worker_command(queue, concurrency=concurrency, include=include)
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.terminate()
        try:
            worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
