"""Services for background jobs: create, send, resume, and record each item's outcome once.

Celery delivers at least once, so every function here tolerates being called again for an item
that already finished: the counters move only on the first transition of an item.

The database, not the broker, is the record of what is still to do. A message can be lost (the
broker was down when the job was started, or Redis restarted without its data); the job's items
then stay waiting, and ``jobs_resume`` (Celery beat, or ``manage.py resume_jobs``) sends them again.
The tasks of jobs keep no result (``ignore_result=True``): the outcome is the item's, and sending
a task then needs nothing but the broker.
"""

import contextvars
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from .models import Job, JobItem

logger = logging.getLogger(__name__)

# After this many failed attempts an item is given up, even if a broker keeps re-delivering it.
MAX_ATTEMPTS = 4

# What publishing raises when the broker cannot be reached (kombu wraps redis' connection errors).
BROKER_ERRORS = (OperationalError, OSError)

# The task that works on one item of a job, by the job's kind ("agreement_pdf" ->
# "agreements.tasks.render_agreement_document"); apps register theirs in ``AppConfig.ready``.
_JOB_TASKS: dict[str, str] = {}

# Tasks that could not be handed to the broker during the current request (see
# ``collect_unsent_tasks``); None outside a request.
_unsent_tasks: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "unsent_tasks", default=None
)


def register_job_task(kind: str, task: str) -> None:
    """Name the task (dotted path) that runs one item of the jobs of ``kind``."""
    _JOB_TASKS[kind] = task


def job_task(kind: str) -> Any:
    return import_string(_JOB_TASKS[kind])


@contextmanager
def collect_unsent_tasks() -> Iterator[list[str]]:
    """Collect the tasks whose sending failed inside the block (the middleware tells the user)."""
    unsent: list[str] = []
    token = _unsent_tasks.set(unsent)
    try:
        yield unsent
    finally:
        _unsent_tasks.reset(token)


def task_send(task: Any, *args: Any) -> bool:
    """Hand a task to the broker (or run it in-process without one); False if unreachable.

    Publishing gives up after a few seconds (``CELERY_TASK_PUBLISH_RETRY_POLICY``,
    ``CELERY_BROKER_CONNECTION_TIMEOUT``), so a page that starts a job does not hang on a
    broker that is down.
    """
    try:
        task.delay(*args)
    except BROKER_ERRORS as error:
        logger.warning("Could not send %s%s to the broker: %s", task.name, args, error)
        unsent = _unsent_tasks.get()
        if unsent is not None:
            unsent.append(task.name)
        return False
    return True


def _send_items(job: Job, task: Any) -> tuple[int, bool]:
    """Send every unfinished item of the job, stopping at the first failure: (sent, all sent)."""
    sent = 0
    pending = job.items.filter(status__in=(Job.Status.WAITING, Job.Status.RUNNING))
    for item_id in list(pending.values_list("pk", flat=True)):
        if not task_send(task, item_id):
            return sent, False
        sent += 1
    return sent, True


def job_enqueue(job: Job) -> Job:
    """Send the job's items to the worker once the surrounding transaction has committed.

    A broker that cannot be reached does not fail the caller: the items stay waiting in the
    database, the request that started the job says so, and ``jobs_resume`` sends them later.
    """
    task = job_task(job.kind)
    transaction.on_commit(lambda: _send_items(job, task))
    return job


def _broker_queue_length() -> int | None:
    """Messages waiting in the default queue; None if the broker does not answer."""
    from .celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
            channel: Any = connection.default_channel
            try:
                return int(
                    channel.queue_declare(queue=app.conf.task_default_queue, passive=True)[1]
                )
            except connection.channel_errors:
                return 0  # Redis drops an empty list: the queue does not exist
    except BROKER_ERRORS as error:
        logger.warning("The broker does not answer: %s", error)
        return None


def jobs_resume(*, idle_for: timedelta) -> int:
    """Send again the unfinished items of jobs that made no progress for ``idle_for``.

    Only when the broker's queue is empty: then nothing is on its way, and a job without
    progress lost its messages (the broker was down when it started, or lost its data). While
    messages are still queued (the worker is busy or down), nothing is sent twice. An item sent
    again that meanwhile finished is skipped by the task. Returns the number of items sent.
    """
    cutoff = timezone.now() - idle_for
    stalled = list(
        Job.objects.filter(
            status__in=(Job.Status.WAITING, Job.Status.RUNNING), created_at__lte=cutoff
        )
        .annotate(last_finished=Max("items__finished_at"))
        .filter(Q(last_finished__isnull=True) | Q(last_finished__lte=cutoff))
        .order_by("pk")
    )
    if not stalled:
        return 0
    from .celery import app

    if not app.conf.task_always_eager:
        queued = _broker_queue_length()
        if queued is None:
            return 0
        if queued:
            logger.info("%s messages still queued: no job is resumed now", queued)
            return 0
    sent = 0
    for job in stalled:
        if job.kind not in _JOB_TASKS:
            logger.warning("Job %s of unknown kind %r is not resumed", job.pk, job.kind)
            continue
        count, complete = _send_items(job, job_task(job.kind))
        sent += count
        logger.info("Job %s resumed: %s unfinished items sent again", job.pk, count)
        if not complete:
            break  # the broker went away
    return sent


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
    """Mark an item running and count the attempt; None if it already finished.

    An item that was started ``MAX_ATTEMPTS`` times without ever recording an outcome took its
    worker down each time (killed, out of memory): it is given up instead of being delivered
    again forever (``CELERY_TASK_REJECT_ON_WORKER_LOST`` hands it out again after each loss).
    """
    item = JobItem.objects.select_for_update().select_related("job").get(pk=item_id)
    if item.status in (Job.Status.DONE, Job.Status.FAILED):
        return None
    if item.attempts >= MAX_ATTEMPTS:
        job_item_finish(item_id, error=_("The worker stopped during every attempt."))
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
