"""Celery application of the portal.

Configured from Django settings (``CELERY_*``). Without a broker the settings make every task run
in-process (``task_always_eager``), so the embedded default needs no Redis.
"""

import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asskomm.settings.dev")

app = Celery("asskomm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_renderer(**kwargs: object) -> None:
    """Import WeasyPrint when a worker child starts, not during its first document (~1 s)."""
    import weasyprint  # noqa: F401


@setup_logging.connect
def _log_as_django_does(loglevel: int | str | None = None, **kwargs: object) -> None:
    """Worker and beat log through Django's ``LOGGING`` (plain or JSON lines, like the web).

    Celery would otherwise install its own handler and format on the root logger. The level given
    with ``--loglevel`` still applies.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
