"""Two staff members approve at the same moment: the year's budget still holds.

Runs on real PostgreSQL with one connection per thread, all released by a barrier. The control
test shows that the same harness catches a lost update when the year's row is not locked, so the
first test cannot pass by accident.
"""

import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum

from funding.models import FundingApplication, FundingDecision, FundingYear
from funding.services import application_approve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
BUDGET = Decimal("100000.00")
REQUEST = Decimal("21150.00")


def run_at_once(work: Callable[[FundingApplication], None], applications: list[Any]) -> list[Any]:
    """Run ``work`` for every application in its own thread, released together."""
    barrier = threading.Barrier(len(applications))
    outcomes: list[Any] = []

    def one(application: FundingApplication) -> None:
        try:
            barrier.wait()
            work(application)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error)
        except BaseException as error:  # noqa: BLE001 - collected and asserted by the caller
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def many_in_review(
    in_review: Callable[..., FundingApplication], funding_year: FundingYear
) -> list[FundingApplication]:
    funding_year.budget = BUDGET
    funding_year.save()
    return [in_review(title=f"Projekt {number}") for number in range(THREADS)]


def test_concurrent_approvals_never_exceed_the_budget(
    many_in_review: list[FundingApplication], funding_year: FundingYear, officer: Any
) -> None:
    outcomes = run_at_once(
        lambda application: application_approve(
            application=application, amount=REQUEST, decided_on=date(2026, 1, 5), user=officer
        ),
        many_in_review,
    )

    unexpected = [o for o in outcomes if o != "approved" and not isinstance(o, ValidationError)]
    assert unexpected == []
    approved = outcomes.count("approved")
    assert approved == int(BUDGET // REQUEST) == 4
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == THREADS - approved
    assert all("Haushaltsmittel 2026" in " ".join(o.messages) for o in refused)

    funding_year.refresh_from_db()
    granted = FundingApplication.objects.filter(status=FundingApplication.Status.APPROVED)
    assert granted.count() == approved
    total = granted.aggregate(total=Sum("approved_amount"))["total"]
    # The invariant: what the year says is committed is exactly what was granted, within budget.
    assert funding_year.committed == total == approved * REQUEST
    assert funding_year.committed <= funding_year.budget
    assert FundingDecision.objects.aggregate(total=Sum("amount"))["total"] == total


def test_control_without_the_lock_the_harness_sees_the_budget_overspent(
    many_in_review: list[FundingApplication], funding_year: FundingYear
) -> None:
    """A naive approval (read the free budget, then write) overspends under the same load."""

    def naive_approve(application: FundingApplication) -> None:
        with transaction.atomic():
            year = FundingYear.objects.get(pk=funding_year.pk)  # no lock
            if year.free < REQUEST:
                raise ValidationError("budget")
            time.sleep(0.05)  # the time a real approval spends between reading and writing
            FundingYear.objects.filter(pk=year.pk).update(committed=year.committed + REQUEST)
            FundingApplication.objects.filter(pk=application.pk).update(
                approved_amount=REQUEST, status=FundingApplication.Status.APPROVED
            )

    run_at_once(naive_approve, many_in_review)

    funding_year.refresh_from_db()
    granted = FundingApplication.objects.filter(
        status=FundingApplication.Status.APPROVED
    ).aggregate(total=Sum("approved_amount"))["total"]
    # Lost updates: more was granted than the year records, and more than its budget.
    assert granted > funding_year.committed
    assert granted > BUDGET
