"""Reference data the funding app needs in every database: TV-L ceilings and the reminder job.

Loaded by a migration and ensured again after every ``migrate`` and ``flush`` (post_migrate), so
that a database emptied by tests or by hand still works. Existing rows (maybe edited by staff)
are left alone.

Since 1 January 2020 personnel costs are eligible up to TV-L step 3 of the pay group the funded
person's qualification calls for (EG 7, 11, 14, 15). The monthly amounts below are the TV-L table
valid from 1 February 2025 (gross, full-time); staff add later (and, where needed, earlier)
tables in the admin.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from .schedules import ensure_reminder_schedule

CAPS_VALID_FROM = date(2025, 2, 1)
CAPS = {"eg7": "3546.00", "eg11": "4619.00", "eg14": "5663.00", "eg15": "6112.00"}
SOURCE = "TV-L Entgelttabelle ab 01.02.2025, Stufe 3 (monatlich, Vollzeit)"


def ensure_pay_group_caps(apps: Any) -> None:
    PayGroupCap = apps.get_model("funding", "PayGroupCap")
    if PayGroupCap.objects.exists():
        return
    for group, amount in CAPS.items():
        PayGroupCap.objects.create(
            pay_group=group,
            valid_from=CAPS_VALID_FROM,
            monthly_cap=Decimal(amount),
            source=SOURCE,
        )


def ensure_reference_data(apps: Any) -> None:
    ensure_pay_group_caps(apps)
    ensure_reminder_schedule(apps)
