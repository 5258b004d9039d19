"""Celery tasks of the figures app: a yearly report, its January schedule, the stored figures."""

import logging
from datetime import date

from celery import shared_task
from django.utils import translation

from asskomm.jobs import MAX_ATTEMPTS

from . import report, summary

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, name="figures.render_yearly_report", max_retries=MAX_ATTEMPTS - 1, ignore_result=True
)
def render_yearly_report(self, report_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render a yearly report with its files; a finished report is left alone (safe to run twice).

    A failing attempt is retried with backoff (2, 4, 8 s); without a broker (tasks run
    in-process) it is tried again at once. After the last attempt the report is marked failed.
    """
    attempt = self.request.retries
    with translation.override("de"):
        while True:
            attempt += 1
            try:
                report.yearly_report_render(report_id=report_id)
            except Exception as error:
                final = attempt >= MAX_ATTEMPTS
                logger.warning("Yearly report %s failed (attempt %s)", report_id, attempt)
                report.yearly_report_failed(report_id=report_id, error=error, final=final)
                if final:
                    return
                if self.request.is_eager:
                    continue
                raise self.retry(exc=error, countdown=min(2**attempt, 60)) from error
            return


@shared_task(name="figures.yearly_report_if_due")
def yearly_report_if_due(today: str | None = None) -> int | None:
    """Daily in early January (Celery beat): the past year's report on the second working day.

    ``today`` (ISO date) stands in for the local date, for tests and manual runs.
    """
    with translation.override("de"):
        created = report.yearly_report_if_due(date.fromisoformat(today) if today else None)
    return created.pk if created else None


@shared_task(name="figures.rebuild_stored_figures", ignore_result=True)
def rebuild_stored_figures() -> int | None:
    """Every minute (Celery beat): store the figures anew if a record changed since the last time.

    Until then the figures are counted from the records (exact, only slower), so a missed run
    costs speed, never correctness. Returns the number of steps stored, None if nothing changed.
    """
    build = summary.rebuild()
    return build.steps if build else None
