"""The real path once: PostgreSQL, Redis, a `celery worker` process rendering the PDF."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from agreements.models import AgreementDocument
from agreements.services import agreement_queue_documents, agreement_submit_for_signature
from asskomm.models import Job
from asskomm.pdf import short_fingerprint

from ..support.worker import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout} s")


def test_a_worker_renders_the_signature_ready_pdf(make_draft, officer) -> None:
    agreement = make_draft()

    with celery_worker():
        job = wait_for(agreement_submit_for_signature(agreement=agreement, user=officer))

    assert job.status == Job.Status.DONE, job.items.get().error
    agreement.refresh_from_db()
    document = agreement.documents.get()
    reader = PdfReader(io.BytesIO(Path(document.file.path).read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "KV-2021-001",
        "Kerstin Körner",
        "Peter Langer",
        "Sven Forkert",
        "Große Kreisstadt Dippoldiswalde",
        "Präambel",
    ):
        assert expected in text
    assert len(reader.pages) == document.pages
    assert f"Seite {document.pages} von {document.pages}" in text
    assert sum(1 for field in reader.get_fields().values() if field.get("/FT") == "/Sig") == 3
    assert short_fingerprint(agreement.content_fingerprint) in text
    assert agreement.content_fingerprint in text.replace(" ", "")


def test_the_same_render_delivered_twice_gives_one_document_and_one_file(
    make_draft, officer
) -> None:
    agreement = make_draft()
    with celery_worker(concurrency=2):
        first = agreement_submit_for_signature(agreement=agreement, user=officer)
        agreement.refresh_from_db()
        second = agreement_queue_documents(agreements=[agreement], user=officer)
        # The broker may hand out a message again (at-least-once): send the first item once more.
        from agreements.tasks import render_agreement_document

        render_agreement_document.delay(first.items.get().pk)
        wait_for(first)
        wait_for(second)

    assert AgreementDocument.objects.filter(agreement=agreement).count() == 1
    files = list((Path(settings.MEDIA_ROOT) / "agreements" / str(agreement.pk)).iterdir())
    assert len(files) == 1
    first.refresh_from_db()
    assert (first.completed, first.failed) == (1, 0)


def test_a_failing_render_is_retried_by_the_worker_with_backoff_and_then_given_up(
    make_draft, officer
) -> None:
    agreement = make_draft()
    agreement_submit_for_signature(agreement=agreement, user=officer)  # eager: renders here
    agreement.documents.all().delete()
    # A frozen agreement whose stored text was damaged: every attempt fails.
    type(agreement).objects.filter(pk=agreement.pk).update(frozen_content={})
    agreement.refresh_from_db()

    with celery_worker():
        started = time.monotonic()
        job = wait_for(agreement_queue_documents(agreements=[agreement], user=officer))
        elapsed = time.monotonic() - started

    item = job.items.get()
    assert job.status == Job.Status.FAILED
    assert item.attempts == 4
    assert "festgeschriebene" in item.error
    assert elapsed >= 2 + 4 + 8  # the retries waited 2, 4 and 8 seconds
    assert not AgreementDocument.objects.filter(agreement=agreement).exists()
