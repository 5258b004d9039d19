"""Services for background jobs: create, and record each item's outcome exactly once.

Celery delivers at least once, so every function here tolerates being called again for an item
that already finished: the counters move only on the first transition of an item.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .models import Job, JobItem

logger = logging.getLogger(__name__)

# After this many failed attempts an item is given up, even if a broker keeps re-delivering it.
MAX_ATTEMPTS = 4


@transaction.atomic
def job_create(*, kind: str, title: str, targets: Iterable[models.Model], user: Any = None) -> Job:
    """A waiting job with one item per target (duplicates collapse into one)."""
    unique = {(type(target), target.pk): target for target in targets}
    job = Job.objects.create(
        kind=kind, title=title, total=len(unique), created_by=user if user and user.pk else None
    )
    JobItem.objects.bulk_create(
        JobItem(job=job, content_type=ContentType.objects.get_for_model(model), object_id=pk)
        for model, pk in unique
    )
    if not unique:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
        job.refresh_from_db()
    return job


@transaction.atomic
def job_item_start(item_id: int) -> JobItem | None:
    """Mark an item running and count the attempt; None if it already finished."""
    item = JobItem.objects.select_for_update().select_related("job").get(pk=item_id)
    if item.status in (Job.Status.DONE, Job.Status.FAILED):
        return None
    item.status = Job.Status.RUNNING
    item.attempts += 1
    item.save(update_fields=["status", "attempts"])
    Job.objects.filter(pk=item.job_id, status=Job.Status.WAITING).update(status=Job.Status.RUNNING)
    return item


@transaction.atomic
def job_item_finish(item_id: int, *, error: str = "", final: bool = True) -> None:
    """Record an item's success (no error), a failed attempt, or its final failure."""
    item = JobItem.objects.select_for_update().get(pk=item_id)
    if item.status in (Job.Status.DONE, Job.Status.FAILED):
        return
    if error and not final:
        item.status = Job.Status.WAITING
        item.error = error
        item.save(update_fields=["status", "error"])
        return
    item.status = Job.Status.FAILED if error else Job.Status.DONE
    item.error = error
    item.finished_at = timezone.now()
    item.save(update_fields=["status", "error", "finished_at"])
    counter = "failed" if error else "completed"
    job = Job.objects.select_for_update().get(pk=item.job_id)
    Job.objects.filter(pk=job.pk).update(**{counter: F(counter) + 1})
    job.refresh_from_db()
    if job.completed + job.failed >= job.total:
        job.status = Job.Status.FAILED if job.failed else Job.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])


def run_job_item(task: Any, item_id: int, work: Callable[[int], Any], *, what: str) -> None:
    """Run one job item inside a Celery task: count the attempt, record the outcome, retry.

    A re-delivered task finds a finished item and does nothing. A failing attempt is retried
    with backoff (2, 4, 8 … s) until ``MAX_ATTEMPTS``; without a broker (tasks run in-process)
    it is tried again at once. ``work`` receives the target's primary key.
    """
    while True:
        item = job_item_start(item_id)
        if item is None:
            return
        try:
            work(item.object_id)
        except Exception as error:
            final = item.attempts >= MAX_ATTEMPTS
            job_item_finish(item_id, error=f"{type(error).__name__}: {error}", final=final)
            logger.warning("%s %s failed (attempt %s)", what, item.object_id, item.attempts)
            if final:
                return
            if task.request.is_eager:
                continue
            raise task.retry(exc=error, countdown=min(2**item.attempts, 60)) from error
        job_item_finish(item_id)
        return
