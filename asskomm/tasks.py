"""Celery tasks of the project itself."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .jobs import jobs_resume


@shared_task(name="asskomm.resume_jobs", ignore_result=True)
def resume_jobs() -> int:
    """Every 10 minutes (Celery beat): send again the items of jobs that lost their messages."""
    with translation.override("de"):
        return jobs_resume(idle_for=timedelta(minutes=settings.ASSKOMM_JOB_RESUME_MINUTES))
