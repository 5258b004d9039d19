"""Fixed data survives a flush: transactional tests (browser, worker) and `manage.py flush`."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.roles import Role
from funding.models import PayGroupCap
from funding.schedules import REMINDER_TASK
from municipalities.models import PoliceDirectorate, Topic


def assert_fixed_data_present() -> None:
    assert PoliceDirectorate.objects.count() == 5
    assert Topic.objects.filter(name="Kooperationsvereinbarung").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)
    assert (
        Group.objects.get(name=Role.OFFICER)
        .permissions.filter(codename="change_municipality")
        .exists()
    )
    # Funding: the TV-L ceilings and the daily reminder job.
    assert set(PayGroupCap.objects.values_list("pay_group", flat=True)) == {
        "eg7",
        "eg11",
        "eg14",
        "eg15",
    }
    assert PeriodicTask.objects.filter(task=REMINDER_TASK).exists()


@pytest.mark.django_db(transaction=True)
def test_fixed_data_is_restored_after_a_flush() -> None:
    call_command("flush", interactive=False, verbosity=0)

    assert_fixed_data_present()


@pytest.mark.django_db(transaction=True)
def test_fixed_data_is_present_after_other_transactional_tests() -> None:
    assert_fixed_data_present()
