"""The funding app's scheduled job, registered for Celery beat (django-celery-beat)."""

from typing import Any

REMINDER_TASK = "funding.send_proof_reminders"
REMINDER_NAME = "Erinnerung an fällige Verwendungsnachweise"


def ensure_reminder_schedule(apps: Any) -> None:
    """Daily at 07:00 Berlin time; an existing entry (maybe edited by staff) is left alone."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(task=REMINDER_TASK).exists():
        return
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Berlin",
    )
    PeriodicTask.objects.create(
        name=REMINDER_NAME, task=REMINDER_TASK, crontab=schedule, enabled=True
    )
