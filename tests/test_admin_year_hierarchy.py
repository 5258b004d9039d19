"""The admin's date navigation: the years found by one look-up each, as Django lists them."""

from datetime import date
from typing import Any

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from asskomm.admin_lists import year_hierarchy
from municipalities.models import Consultation

from .factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
LIST = "/admin/municipalities/consultation/"


def changelist(client: Client, query: str = "") -> Any:
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200
    return response.context["cl"]


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


def consult(town: Any, *days: date, kind: str = "beratung") -> None:
    for day in days:
        Consultation.objects.create(municipality=town, date=day, kind=kind)


@pytest.mark.parametrize(
    "query",
    ["", "?kind=erstkontakt", "?q=Nirgendwo", "?date__year=2021", "?date__year=2021&date__month=3"],
)
def test_the_years_are_django_s_years(staff: Client, query: str) -> None:
    town = MunicipalityFactory()
    # 2020 without a consultation; 2019 only with a first contact.
    consult(town, date(2019, 12, 31), kind="erstkontakt")
    consult(town, date(2021, 1, 1), date(2021, 3, 5), date(2022, 7, 1), date(2024, 12, 31))
    cl = changelist(staff, query)
    assert year_hierarchy(cl) == date_hierarchy(cl)


@pytest.mark.parametrize(
    ("days", "titles"),
    [
        ((date(2023, 2, 1), date(2023, 9, 1)), ["Februar 2023", "September 2023"]),
        ((date(2023, 2, 1), date(2023, 2, 7)), ["1. Februar", "7. Februar"]),
    ],
    ids=["one-year", "one-month"],
)
def test_one_year_or_month_opens_as_django_opens_it(
    staff: Client, days: tuple[date, ...], titles: list[str]
) -> None:
    consult(MunicipalityFactory(), *days)
    cl = changelist(staff)
    with CaptureQueriesContext(connection) as django_s:
        expected = date_hierarchy(cl)
    with CaptureQueriesContext(connection) as ours:
        shown = year_hierarchy(cl)
    assert shown == expected
    assert shown is not None
    assert [choice["title"] for choice in shown["choices"]] == titles
    assert len(ours) == len(django_s) == 2


def test_the_years_cost_two_small_queries_instead_of_a_distinct_over_every_row(
    staff: Client,
) -> None:
    town = MunicipalityFactory()
    consult(town, date(2019, 5, 1), date(2026, 5, 1))
    cl = changelist(staff)
    with CaptureQueriesContext(connection) as captured:
        shown = year_hierarchy(cl)
    assert shown is not None
    assert [choice["title"] for choice in shown["choices"]] == ["2019", "2026"]
    assert len(captured) == 2
    assert not any("DISTINCT" in query["sql"] for query in captured.captured_queries)
    page = staff.get(LIST).content.decode()
    assert "?date__year=2019" in page
    assert "?date__year=2022" not in page


def test_the_years_of_a_long_span_are_django_s_years_read_in_one_query(staff: Client) -> None:
    """One look-up per year, compiled once: over 30 years, with a filter, the same years."""
    town = MunicipalityFactory()
    consult(town, date(1994, 6, 1), date(2001, 1, 1), date(2025, 12, 31))
    consult(town, date(2010, 3, 3), kind="erstkontakt")
    for query in ("", "?kind=beratung"):
        cl = changelist(staff, query)
        with CaptureQueriesContext(connection) as captured:
            shown = year_hierarchy(cl)
        assert shown == date_hierarchy(cl)
        assert len(captured) == 2
    assert shown is not None
    assert [choice["title"] for choice in shown["choices"]] == ["1994", "2001", "2025"]


def test_a_list_filtered_by_the_marking_day_is_asked_per_year(staff: Client) -> None:
    """The compiled look-up finds the days of a year by their stand-in among its parameters;
    a list already filtered by such a day (here as Django would filter it) is asked per year,
    with the same years."""
    from asskomm.admin_lists import YEAR_MARKS

    town = MunicipalityFactory()
    consult(town, date(2019, 5, 1), date(2021, 5, 1))
    cl = changelist(staff)
    cl.queryset = cl.queryset.filter(date__gte=YEAR_MARKS[0])
    with CaptureQueriesContext(connection) as captured:
        shown = year_hierarchy(cl)
    assert shown == date_hierarchy(cl)
    assert shown is not None
    assert [choice["title"] for choice in shown["choices"]] == ["2019", "2021"]
    assert len(captured) == 1 + len(range(2019, 2022))
