"""The application list's sums, fetched the cheap way (issue #9): still the sums of the list."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from funding.models import FundingApplication, Payment
from funding.services import payment_record

pytestmark = pytest.mark.django_db
LIST_URL = reverse("admin:funding_fundingapplication_changelist")


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


@pytest.fixture
def two_paid(
    approved: Callable[..., FundingApplication], officer: Any
) -> tuple[FundingApplication, FundingApplication]:
    first, second = approved(title="Erstes Projekt"), approved(title="Zweites Projekt")
    for application, amount in ((first, "5000.00"), (second, "700.00")):
        payment_record(
            application=application,
            amount=Decimal(amount),
            paid_on=date(2026, 4, 1),
            kind=Payment.Kind.INSTALMENT,
            user=officer,
        )
    return first, second


def test_the_unfiltered_list_sums_every_payment(staff: Client, two_paid: Any) -> None:
    response = staff.get(LIST_URL)
    assert response.context["funding_sums"]["paid"] == "5.700,00 €"
    assert response.context["funding_years"][0]["paid"] == "5.700,00 €"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Erstes"},  # a search
        {"status__exact": "ausgezahlt", "q": "Erstes"},  # a filter and a search
        {"title": "Erstes Projekt"},  # a lookup the list's filters do not offer
    ],
)
def test_a_narrowed_list_sums_only_its_payments(
    staff: Client, two_paid: Any, params: dict[str, str]
) -> None:
    response = staff.get(LIST_URL, params)
    assert response.status_code == 200
    assert [a.title for a in response.context["cl"].result_list] == ["Erstes Projekt"]
    assert response.context["funding_sums"]["paid"] == "5.000,00 €"
    # The funding year's row still counts the whole year.
    assert response.context["funding_years"][0]["paid"] == "5.700,00 €"


@pytest.mark.parametrize(
    ("param", "titles"), [("-9", ["Erstes", "Zweites"]), ("9", ["Zweites", "Erstes"])]
)
def test_the_page_keeps_the_order_chosen_by_a_column(
    staff: Client, two_paid: Any, param: str, titles: list[str]
) -> None:
    """The page is fetched by id after its ids (ApplicationChangeList): in the chosen order."""
    response = staff.get(LIST_URL, {"o": param})  # column 9: paid
    listed = [a.title.split()[0] for a in response.context["cl"].result_list]
    assert listed == titles


def test_a_payment_keeps_its_applications_funding_year(
    staff: Client, two_paid: Any, officer: Any
) -> None:
    """Paid per year is summed from the payments' own funding year: it must be the
    application's, however the payment was recorded."""
    first, _second = two_paid
    direct = Payment.objects.create(
        application=first,
        kind=Payment.Kind.INSTALMENT,
        amount=Decimal("1.00"),
        paid_on=date(2026, 5, 1),
    )
    for payment in Payment.objects.select_related("application"):
        assert payment.funding_year_id == payment.application.funding_year_id
    assert direct.funding_year_id == first.funding_year_id
    years = staff.get(reverse("admin:funding_fundingyear_changelist")).context["cl"].result_list
    assert {year.pk: year.paid_sum for year in years} == {first.funding_year_id: Decimal("5701.00")}
