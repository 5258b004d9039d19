"""Celery application of the portal.

Configured from Django settings (``CELERY_*``). Without a broker the settings make every task run
in-process (``task_always_eager``), so the embedded default needs no Redis.
"""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asskomm.settings.dev")

app = Celery("asskomm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_renderer(**kwargs: object) -> None:
    """Import WeasyPrint when a worker child starts, not during its first document (~1 s)."""
    import weasyprint  # noqa: F401
