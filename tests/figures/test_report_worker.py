"""The real path: a `celery worker` process renders a yearly report (PostgreSQL, Redis)."""

import time
from typing import Any

import pytest

from figures.models import YearlyReport
from figures.report import yearly_report_create

from ..support.worker import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_renders_the_yearly_report(saxony: Any) -> None:
    with celery_worker():
        report = yearly_report_create(year=2022)
        deadline = time.monotonic() + 120
        seen = set()
        while time.monotonic() < deadline:
            report.refresh_from_db()
            seen.add(report.progress)
            if report.status in (YearlyReport.Status.DONE, YearlyReport.Status.FAILED):
                break
            time.sleep(0.1)

    assert report.status == YearlyReport.Status.DONE, report.error
    assert report.progress == 100
    assert report.pages
    assert report.pages >= 4
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert report.figures
    assert report.figures["as_of"] == "2022-12-31"
    assert report.csv_sha256
    assert report.xlsx_sha256
