"""A Celery task that exists only for the tests: it proves the wiring of a real worker."""

import os

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import translation


@shared_task(name="tests.support.tasks.describe_worker")
def describe_worker(ags: str) -> dict[str, object]:
    """Report how the worker process is configured and what it reads from the database."""
    from municipalities.models import Municipality

    with translation.override("de"):
        municipality = Municipality.objects.filter(ags=ags).first()
        return {
            "time_zone": settings.TIME_ZONE,
            "language": translation.get_language(),
            "database": connection.vendor,
            "database_name": connection.settings_dict["NAME"],
            "municipality": municipality.name if municipality else None,
            "pid": os.getpid(),
        }


@shared_task(name="tests.support.tasks.log_a_line")
def log_a_line(message: str) -> None:
    """Log one line from inside a task (the JSON log test reads the task's name and id)."""
    import logging

    logging.getLogger("asskomm.test.task").warning(message)
