"""Celery tasks of the agreements app: thin wrappers around services, safe to run twice."""

import logging

from celery import shared_task
from django.utils import translation

from asskomm.jobs import MAX_ATTEMPTS, job_item_finish, job_item_start

from .services import agreement_render_document

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def render_agreement_document(self, item_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render the PDF of the agreement behind a job item; retried with backoff on failure.

    A re-delivered task finds the item finished and does nothing; the document itself is
    rendered once per agreement version (see ``agreement_render_document``). Attempts are
    counted in the database, so a task that keeps failing stops after ``MAX_ATTEMPTS``.
    """
    with translation.override("de"):
        while True:
            item = job_item_start(item_id)
            if item is None:
                return
            try:
                agreement_render_document(agreement_id=item.object_id)
            except Exception as error:
                final = item.attempts >= MAX_ATTEMPTS
                job_item_finish(item_id, error=f"{type(error).__name__}: {error}", final=final)
                logger.warning(
                    "Rendering agreement %s failed (attempt %s)", item.object_id, item.attempts
                )
                if final:
                    return
                if self.request.is_eager:
                    continue  # no broker to wait with: try again at once, in-process
                raise self.retry(exc=error, countdown=min(2**item.attempts, 60)) from error
            job_item_finish(item_id)
            return
