"""The real path: PostgreSQL, Redis, a `celery worker` process renders the letter and reminds."""

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from asskomm.models import Job
from funding.models import FundingApplication
from funding.services import application_approve

from ..support.worker import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def until(check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"not reached within {timeout} s")


def test_a_worker_renders_mails_the_letter_and_sends_the_reminder(
    in_review: Callable[..., FundingApplication], officer: Any
) -> None:
    from funding.tasks import send_proof_reminders

    application = in_review()
    with celery_worker():
        decision = application_approve(
            application=application,
            amount=application.requested_amount,
            decided_on=date(2026, 1, 20),
            user=officer,
        )
        job = Job.objects.get(kind="decision_letter")
        until(lambda: Job.objects.get(pk=job.pk).is_finished)
        # Make the proof due in 20 days from today: the daily job reminds now, once.
        FundingApplication.objects.filter(pk=application.pk).update(
            proof_due_on=timezone.localdate() + timedelta(days=20)
        )
        send_proof_reminders.delay()
        until(
            lambda: FundingApplication.objects.get(pk=application.pk).reminder_sent_on is not None
        )

    job.refresh_from_db()
    decision.refresh_from_db()
    assert job.status == Job.Status.DONE, job.items.get().error
    assert decision.letter
    assert decision.letter_pages
    assert decision.letter_sent_at is not None
    application.refresh_from_db()
    assert application.reminder_sent_on == timezone.localdate()
