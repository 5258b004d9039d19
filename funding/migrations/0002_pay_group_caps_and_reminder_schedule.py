"""Reference data: the TV-L ceilings of the RL KommPräv, and the daily reminder job.

Since 1 January 2020 personnel costs are eligible up to TV-L step 3 of the pay group the funded
person's qualification calls for (EG 7, 11, 14, 15). The monthly amounts below are the TV-L table
valid from 1 February 2025 (gross, full-time); staff keep them current in the admin.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

from funding.schedules import REMINDER_TASK, ensure_reminder_schedule

CAPS_2025 = {"eg7": "3546.00", "eg11": "4619.00", "eg14": "5663.00", "eg15": "6112.00"}
SOURCE = "TV-L Entgelttabelle ab 01.02.2025, Stufe 3 (monatlich, Vollzeit)"


def load(apps, schema_editor):
    PayGroupCap = apps.get_model("funding", "PayGroupCap")
    for group, amount in CAPS_2025.items():
        PayGroupCap.objects.get_or_create(
            pay_group=group,
            valid_from=date(2025, 2, 1),
            defaults={"monthly_cap": Decimal(amount), "source": SOURCE},
        )
    ensure_reminder_schedule(apps)


def unload(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=REMINDER_TASK).delete()
    apps.get_model("funding", "PayGroupCap").objects.filter(valid_from=date(2025, 2, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, unload)]
