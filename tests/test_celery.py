"""Celery wiring: in-process without a broker, and a real worker against Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from municipalities.models import Municipality

from .factories import MunicipalityFactory
from .support.tasks import describe_worker

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process() -> None:
    MunicipalityFactory(ags="99001001", name="Testhausen")

    result = describe_worker.delay("99001001")

    assert result.get(timeout=1)["municipality"] == "Testhausen"
    assert result.get()["language"] == "de"


def database_url_for_worker() -> str:
    """The URL of the database this test runs on, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis() -> None:
    MunicipalityFactory(ags="99001001", name="Testhausen")
    queue = f"asskomm-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "asskomm.settings.test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or "",
    }
    if database_url_for_worker():
        env["DATABASE_URL"] = database_url_for_worker()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "asskomm",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--include",
            "tests.support.tasks",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # The test process runs tasks eagerly; a separate client sends through the broker as the
    # web app does in production.
    client = Celery(
        "asskomm-test-client",
        broker=settings.CELERY_BROKER_URL,
        backend=settings.CELERY_RESULT_BACKEND,
    )
    try:
        result = client.send_task(
            "tests.support.tasks.describe_worker", args=["99001001"], queue=queue
        )
        answer = result.get(timeout=90)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)

    assert answer["time_zone"] == "Europe/Berlin", output
    assert answer["language"] == "de"
    assert answer["database"] == connection.vendor
    if connection.vendor == "postgresql":
        # The worker read the row this test wrote: same database, real process boundary.
        assert answer["database_name"] == connection.settings_dict["NAME"]
        assert answer["municipality"] == "Testhausen"
    assert Municipality.objects.filter(ags="99001001").exists()
