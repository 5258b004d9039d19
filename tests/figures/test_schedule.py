"""The yearly report's schedule: registered for Celery beat, due on the second working day."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from figures.models import YearlyReport
from figures.report import second_working_day_of_january, yearly_report_if_due
from figures.schedules import YEARLY_REPORT_TASK
from figures.tasks import yearly_report_if_due as yearly_report_if_due_task


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2019, date(2019, 1, 3)),  # 1 January a Tuesday
        (2021, date(2021, 1, 5)),  # a Friday: Monday 4th is the first working day
        (2022, date(2022, 1, 4)),  # a Saturday
        (2023, date(2023, 1, 3)),  # a Sunday
        (2024, date(2024, 1, 3)),  # a Monday
        (2026, date(2026, 1, 5)),  # a Thursday: Friday 2nd, then Monday 5th
        (2027, date(2027, 1, 5)),  # a Friday
    ],
)
def test_second_working_day_of_january(year: int, expected: date) -> None:
    assert second_working_day_of_january(year) == expected


def test_the_second_working_day_always_lies_in_the_crontab_window() -> None:
    for year in range(2019, 2120):
        assert 3 <= second_working_day_of_january(year).day <= 5


@pytest.mark.django_db
def test_the_schedule_is_registered_by_the_migration() -> None:
    task = PeriodicTask.objects.get(task=YEARLY_REPORT_TASK)
    assert task.enabled
    crontab = task.crontab
    assert str(crontab.timezone) == "Europe/Berlin"
    assert (crontab.minute, crontab.hour) == ("0", "6")
    assert (crontab.day_of_month, crontab.month_of_year) == ("3-5", "1")
    # Ensured again after a flush (and left alone when it exists).
    call_command("flush", "--no-input", verbosity=0)
    assert PeriodicTask.objects.filter(task=YEARLY_REPORT_TASK).count() == 1


@pytest.mark.django_db
def test_a_report_only_on_the_second_working_day(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr("figures.tasks.render_yearly_report.delay", lambda pk: queued.append(pk))
    due = second_working_day_of_january(2026)
    for day in (date(2026, 1, 1), date(2026, 1, 2), due + timedelta(days=1), date(2026, 6, 3)):
        assert yearly_report_if_due(day) is None
    assert not YearlyReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        report = yearly_report_if_due(due)
    assert report is not None
    assert (report.year, report.as_of, report.scheduled) == (2025, date(2025, 12, 31), True)
    assert report.created_by is None
    assert queued == [report.pk]

    # Beat may fire twice (a restart): still one scheduled report of the year.
    with django_capture_on_commit_callbacks(execute=True):
        assert yearly_report_if_due_task.delay(due.isoformat()).get() is None
    assert YearlyReport.objects.filter(year=2025, scheduled=True).count() == 1
    assert queued == [report.pk]
