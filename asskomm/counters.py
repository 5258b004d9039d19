"""Running numbers that never repeat, also when two requests ask at the same moment."""

from django.db import transaction

from .models import Counter


def _locked(name: str) -> Counter:
    Counter.objects.get_or_create(name=name)
    return Counter.objects.select_for_update().get(name=name)


@transaction.atomic
def counter_next(name: str) -> int:
    """The next value of a named counter (1, 2, 3, …), taken under a row lock."""
    counter = _locked(name)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


@transaction.atomic
def counter_raise_to(name: str, value: int) -> None:
    """Make sure the next value lies above ``value`` (numbers taken over from earlier records)."""
    counter = _locked(name)
    if counter.value < value:
        counter.value = value
        counter.save(update_fields=["value"])
