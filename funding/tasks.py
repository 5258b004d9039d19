"""Celery tasks of the funding app: decision letters and the reminders before proofs fall due."""

from celery import shared_task
from django.utils import translation

from asskomm.jobs import MAX_ATTEMPTS, run_job_item

from .services import decision_render_letter, proof_reminders_send


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, ignore_result=True)
def render_decision_letter(self, item_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render a decision letter and mail it to the applicant; safe to run twice."""
    with translation.override("de"):
        run_job_item(
            self,
            item_id,
            lambda pk: decision_render_letter(decision_id=pk),
            what="Rendering decision letter",
        )


@shared_task(name="funding.send_proof_reminders")
def send_proof_reminders() -> int:
    """Daily (Celery beat): remind municipalities of proofs of use due within 30 days, once."""
    with translation.override("de"):
        return proof_reminders_send()
