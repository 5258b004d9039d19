"""Reference data: the TV-L ceilings of the RL KommPräv, and the daily reminder job.

The data itself lives in ``funding/fixed_data.py`` (also ensured after every migrate/flush).
"""

from django.db import migrations

from funding.fixed_data import CAPS_VALID_FROM, ensure_reference_data
from funding.schedules import REMINDER_TASK


def load(apps, schema_editor):
    ensure_reference_data(apps)


def unload(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=REMINDER_TASK).delete()
    apps.get_model("funding", "PayGroupCap").objects.filter(valid_from=CAPS_VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, unload)]
