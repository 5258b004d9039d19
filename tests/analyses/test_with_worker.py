"""The real path: a `celery worker` process renders the draft Lagebericht (PostgreSQL, Redis)."""

import time
from collections.abc import Callable
from typing import Any

import pytest

from analyses.models import SecurityAnalysis
from analyses.services import report_queue, survey_import
from asskomm.models import Job

from ..support.worker import celery_worker
from .conftest import HEADER, csv_file, survey_rows

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_renders_the_draft_report(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis()
    survey_import(analysis=analysis, upload=csv_file([HEADER, *survey_rows(25)]), user=officer)

    with celery_worker():
        job = report_queue(analysis=analysis, user=officer)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)

    assert job.status == Job.Status.DONE, job.items.get().error
    draft = analysis.drafts.get()
    assert draft.responses == 25
    assert draft.pages >= 3
    with draft.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
