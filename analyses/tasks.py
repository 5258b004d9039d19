"""Celery tasks of the analyses app."""

from celery import shared_task
from django.utils import translation

from asskomm.jobs import MAX_ATTEMPTS, run_job_item

from .services import report_render


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, ignore_result=True)
def render_report_draft(self, item_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render a draft Lagebericht of the analysis behind a job item; retried on failure."""
    with translation.override("de"):
        run_job_item(
            self,
            item_id,
            lambda pk: report_render(analysis_id=pk),
            what="Rendering draft report",
        )
