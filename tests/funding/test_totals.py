"""The totals the database keeps per funding year (migration 0007) and the application list that
reads them (issue #9): after every kind of write they are what summing the rows gives."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.admin import eur
from funding.models import ApplicationTotal, FundingApplication, FundingYear, Payment, PaymentTotal
from funding.selectors import kept_year_totals
from funding.services import application_withdraw, payment_record

from ..factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("admin:funding_fundingapplication_changelist")


def summed() -> tuple[dict[tuple[int, str], tuple[int, Decimal, Decimal]], dict[int, Decimal]]:
    """The totals as the rows give them (zero rows left out)."""
    applications = {
        (row["funding_year"], row["status"]): (
            row["n"],
            row["requested"] or Decimal("0.00"),
            row["approved"] or Decimal("0.00"),
        )
        for row in FundingApplication.objects.order_by()
        .values("funding_year", "status")
        .annotate(n=Count("pk"), requested=Sum("requested_amount"), approved=Sum("approved_amount"))
    }
    paid = {
        row["funding_year"]: row["total"]
        for row in Payment.objects.order_by().values("funding_year").annotate(total=Sum("amount"))
    }
    return applications, paid


def kept() -> tuple[dict[tuple[int, str], tuple[int, Decimal, Decimal]], dict[int, Decimal]]:
    applications = {
        (total.funding_year_id, total.status): (total.applications, total.requested, total.approved)
        for total in ApplicationTotal.objects.all()
        if total.applications
    }
    paid = {total.funding_year_id: total.amount for total in PaymentTotal.objects.all()}
    return applications, paid


@pytest.fixture
def older_year(db: None) -> FundingYear:
    return FundingYear.objects.create(
        year=2025,
        budget=Decimal("900000.00"),
        call_opens=date(2024, 8, 31),
        call_closes=date(2024, 10, 15),
    )


def test_the_totals_follow_every_kind_of_write(
    approved: Callable[..., FundingApplication],
    make_application: Callable[..., FundingApplication],
    in_review: Callable[..., FundingApplication],
    older_year: FundingYear,
    officer: Any,
) -> None:
    granted = approved(title="Bewilligt")  # created, submitted, reviewed, approved: services
    assert kept() == summed()
    payment_record(
        application=granted,
        amount=Decimal("1234.56"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    assert kept() == summed()

    withdrawn = in_review(title="Zurückgezogen")
    application_withdraw(application=withdrawn, user=officer)
    assert kept() == summed()

    draft = make_application(title="Entwurf")
    draft.funding_year = older_year  # another year, through save()
    draft.save()
    assert kept() == summed()

    # A bulk update and raw SQL bypass the models; the triggers still see them.
    FundingApplication.objects.filter(pk=withdrawn.pk).update(requested_amount=Decimal("99.99"))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funding_fundingapplication SET status = %s, approved_amount = %s WHERE id = %s",
            [FundingApplication.Status.APPROVED, Decimal("50.00"), withdrawn.pk],
        )
    assert kept() == summed()

    draft.delete()  # a draft may be deleted
    assert kept() == summed()
    assert kept()[0], "the totals are not empty"


def test_the_application_list_reads_the_kept_totals_instead_of_summing_every_row(
    client: Client,
    officer: Any,
    approved: Callable[..., FundingApplication],
    make_application: Callable[..., FundingApplication],
) -> None:
    client.force_login(officer)
    granted = approved(title="Bewilligt")
    make_application(title="Entwurf")
    payment_record(
        application=granted,
        amount=Decimal("700.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST_URL)
    sql = [query["sql"] for query in captured.captured_queries]
    # No COUNT(*) and no sum over the applications or the payments themselves.
    assert not [q for q in sql if q.startswith("SELECT COUNT(") and "fundingapplication" in q]
    assert not [q for q in sql if q.startswith("SELECT SUM(") and "fundingapplication" in q]
    assert not [q for q in sql if q.startswith("SELECT SUM(") and 'FROM "funding_payment"' in q]

    cl = response.context["cl"]
    assert cl.result_count == FundingApplication.objects.count() == 2
    totals = FundingApplication.objects.aggregate(
        requested=Sum("requested_amount"), approved=Sum("approved_amount")
    )
    sums = response.context["funding_sums"]
    assert sums["requested"] == eur(totals["requested"])
    assert sums["approved"] == eur(totals["approved"])
    assert sums["paid"] == "700,00 €"
    year = response.context["funding_years"][0]
    assert year["paid"] == "700,00 €"
    assert year["requested"] == sums["requested"]  # the draft has no requested amount yet

    # Filtered by the funding year alone: the year's totals, counted the same way.
    response = client.get(LIST_URL, {"funding_year__id__exact": granted.funding_year_id})
    assert response.context["cl"].result_count == 2
    assert response.context["funding_sums"] == sums


def test_a_filter_the_totals_do_not_know_sums_the_listed_rows(
    client: Client, officer: Any, approved: Callable[..., FundingApplication]
) -> None:
    client.force_login(officer)
    approved(title="Erstes")
    approved(title="Zweites", amount="500.00")
    response = client.get(LIST_URL, {"q": "Zweites"})
    assert response.context["cl"].result_count == 1
    assert response.context["funding_sums"]["approved"] == "500,00 €"


def test_kept_year_totals_leave_drafts_and_withdrawn_ones_out_of_requested(
    make_application: Callable[..., FundingApplication],
    in_review: Callable[..., FundingApplication],
    officer: Any,
) -> None:
    reviewed = in_review(title="In Prüfung")
    withdrawn = in_review(title="Zurückgezogen")
    application_withdraw(application=withdrawn, user=officer)
    figures = kept_year_totals()[reviewed.funding_year_id]
    assert figures["requested"] == reviewed.requested_amount
    assert figures["requested_all"] == reviewed.requested_amount + withdrawn.requested_amount


@pytest.mark.postgres
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled-once", "built-by-the-orm"])
def test_the_page_read_year_by_year_is_the_lists_order(
    client: Client, officer: Any, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the page's ids come from one UNION ALL of each year's first rows: the same
    rows in the same order as sorting the whole list, on every page, filtered or not (a list of
    one page is read as it is). One year's part is compiled once and repeated per year; where
    its stand-in for the year is not found the ORM builds the union."""
    if not compiled:
        monkeypatch.setattr("funding.admin.compiled_with_marks", lambda *args: None)
    client.force_login(officer)
    town = MunicipalityFactory()
    years = [
        FundingYear.objects.create(
            year=year,
            budget=1_000_000,
            call_opens=f"{year - 1}-09-01",
            call_closes=f"{year - 1}-10-31",
        )
        for year in (2026, 2024, 2025)  # ids out of the years' order
    ]
    for year in years:
        for number in range(60):
            FundingApplication.objects.create(
                funding_year=year,
                municipality=town,
                title=f"Projekt {number % 7}",
                file_number=f"KP-{year.year}-{number:03d}" if number % 5 else "",
            )
    everything = FundingApplication.objects.order_by("-funding_year__year", "file_number", "-pk")
    for params, rows in (
        ({}, everything),
        ({"p": "2"}, everything[50:]),
        ({"q": "Projekt", "p": "3"}, everything[100:]),
        ({"funding_year__id__exact": years[2].pk}, everything.filter(funding_year=years[2])),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL, params)
        assert any("UNION ALL" in query["sql"] for query in captured.captured_queries)
        listed = [application.pk for application in response.context["cl"].result_list]
        assert listed == [application.pk for application in rows[:50]]
