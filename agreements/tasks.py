"""Celery tasks of the agreements app: thin wrappers around services, safe to run twice."""

from celery import shared_task
from django.utils import translation

from asskomm.jobs import MAX_ATTEMPTS, run_job_item

from .services import agreement_render_document


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, ignore_result=True)
def render_agreement_document(self, item_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render the PDF of the agreement behind a job item; retried with backoff on failure.

    The document itself is rendered once per agreement version (``agreement_render_document``).
    """
    with translation.override("de"):
        run_job_item(
            self,
            item_id,
            lambda pk: agreement_render_document(agreement_id=pk),
            what="Rendering agreement",
        )
