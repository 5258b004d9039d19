"""The figures app's scheduled job, registered for Celery beat (django-celery-beat)."""

from typing import Any

YEARLY_REPORT_TASK = "figures.yearly_report_if_due"
YEARLY_REPORT_NAME = "Jahresbericht „Zahlen, Daten, Fakten“ des Vorjahres"


def ensure_yearly_report_schedule(apps: Any) -> None:
    """06:00 Berlin time on 3 to 5 January, the days the second working day can fall on; the task
    itself checks the day. An existing entry (maybe edited by staff) is left alone."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(task=YEARLY_REPORT_TASK).exists():
        return
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="3-5",
        month_of_year="1",
        timezone="Europe/Berlin",
    )
    PeriodicTask.objects.create(
        name=YEARLY_REPORT_NAME, task=YEARLY_REPORT_TASK, crontab=schedule, enabled=True
    )
