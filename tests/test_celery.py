"""Celery wiring: in-process without a broker, and a real worker against Redis."""

import os

import pytest
from django.db import connection

from municipalities.models import Municipality

from .factories import MunicipalityFactory
from .support.tasks import describe_worker
from .support.worker import celery_worker


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process() -> None:
    MunicipalityFactory(ags="99001001", name="Testhausen")

    result = describe_worker.delay("99001001")

    assert result.get(timeout=1)["municipality"] == "Testhausen"
    assert result.get()["language"] == "de"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis() -> None:
    MunicipalityFactory(ags="99001001", name="Testhausen")

    with celery_worker(include="tests.support.tasks"):
        answer = describe_worker.delay("99001001").get(timeout=90)

    assert answer["pid"] != os.getpid()  # another process did it
    assert answer["time_zone"] == "Europe/Berlin"
    assert answer["language"] == "de"
    assert answer["database"] == connection.vendor
    if connection.vendor == "postgresql":
        # The worker read the row this test wrote: same database, real process boundary.
        assert answer["database_name"] == connection.settings_dict["NAME"]
        assert answer["municipality"] == "Testhausen"
    assert Municipality.objects.filter(ags="99001001").exists()
