"""The yearly report's job for Celery beat (also ensured after every migrate/flush)."""

from django.db import migrations

from figures.schedules import YEARLY_REPORT_TASK, ensure_yearly_report_schedule


def load(apps, schema_editor):
    ensure_yearly_report_schedule(apps)


def unload(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task=YEARLY_REPORT_TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, unload)]
