"""Parts of the staff lists kept per build of the stored figures (``kept_for_build``): the count of
a whole table, the police directorates and Kreise of the filters, the years of the date navigation.
Read once per build, and any change shows at once."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from asskomm.admin_lists import kept_for_build
from figures import summary
from municipalities.models import Consultation, District, PoliceDirectorate

from .factories import ConsultationFactory, DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

CONSULTATIONS = reverse("admin:municipalities_consultation_changelist")
APPLICATIONS = reverse("admin:funding_fundingapplication_changelist")


@pytest.fixture
def staff(client: Client, administrator: Any) -> Client:
    client.force_login(administrator)
    return client


@pytest.fixture
def consultations(db: None) -> list[Consultation]:
    town = MunicipalityFactory(name="Großröhrsdorf")
    return [
        ConsultationFactory(municipality=town, date=date(year, 5, 4)) for year in (2019, 2021, 2024)
    ]


def read(client: Client, url: str, params: dict[str, str] | None = None) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def counts(sql: list[str]) -> list[str]:
    return [query for query in sql if query.startswith("SELECT COUNT(")]


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def years(page: str) -> list[str]:
    return re.findall(r'<a href="\?date__year=(\d{4})">', page)


def test_a_whole_list_is_read_once_per_build(staff: Client, consultations: Any) -> None:
    summary.rebuild()
    first_page, first = read(staff, CONSULTATIONS)
    page, again = read(staff, CONSULTATIONS)

    assert without_token(page) == without_token(first_page)
    assert counts(first)
    assert not counts(again)
    for table in ("municipalities_policedirectorate", "municipalities_district"):
        assert [q for q in first if q.startswith("SELECT") and f'FROM "{table}"' in q]
        assert not [q for q in again if f'FROM "{table}"' in q], table
    assert len(again) < len(first)
    assert years(page) == ["2019", "2021", "2024"]
    assert "3 Beratungen" in page


def test_without_a_current_build_every_part_is_read(staff: Client, consultations: Any) -> None:
    summary.rebuild()
    Consultation.objects.filter(pk=consultations[0].pk).update(notes="geändert")  # noted
    _page, first = read(staff, CONSULTATIONS)
    _page, again = read(staff, CONSULTATIONS)
    assert counts(first)
    assert counts(again)
    assert len(again) == len(first)


CHANGES: dict[str, Callable[[list[Consultation]], tuple[str, str]]] = {
    # name: change -> (text shown before, text shown after)
    "a consultation in a new year": lambda rows: (
        "3 Beratungen",
        ConsultationFactory(municipality=rows[0].municipality, date=date(2026, 1, 2))
        and "4 Beratungen",
    ),
    "a consultation deleted": lambda rows: ("3 Beratungen", rows[1].delete() and "2 Beratungen"),
    "a police directorate": lambda rows: (
        "Polizeidirektion Dresden",
        PoliceDirectorate.objects.create(name="Polizeidirektion Görlitz-Ost", code="goerlitz-ost")
        and "Polizeidirektion Görlitz-Ost",
    ),
    "a Kreis renamed": lambda rows: (
        rows[0].municipality.district.name,
        District.objects.filter(pk=rows[0].municipality.district_id).update(name="Kreis Ölsnitz")
        and "Kreis Ölsnitz",
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_at_once_and_in_the_next_build(
    staff: Client, consultations: list[Consultation], change: str
) -> None:
    summary.rebuild()
    read(staff, CONSULTATIONS)
    before, _sql = read(staff, CONSULTATIONS)

    shown, then = CHANGES[change](consultations)

    assert shown in before
    assert then not in before
    now, _sql = read(staff, CONSULTATIONS)
    assert then in now  # at once: no build holds the change yet
    summary.rebuild()
    read(staff, CONSULTATIONS)
    kept, sql = read(staff, CONSULTATIONS)
    assert then in kept  # the next build
    assert not counts(sql)


def test_a_new_year_shows_in_the_date_navigation(staff: Client, consultations: Any) -> None:
    summary.rebuild()
    assert years(read(staff, CONSULTATIONS)[0]) == ["2019", "2021", "2024"]
    ConsultationFactory(municipality=consultations[0].municipality, date=date(2022, 7, 1))
    assert years(read(staff, CONSULTATIONS)[0]) == ["2019", "2021", "2022", "2024"]
    summary.rebuild()
    read(staff, CONSULTATIONS)
    assert years(read(staff, CONSULTATIONS)[0]) == ["2019", "2021", "2022", "2024"]


def test_a_filtered_list_is_counted_each_time(staff: Client, consultations: Any) -> None:
    summary.rebuild()
    read(staff, CONSULTATIONS, {"date__year": "2021"})
    page, again = read(staff, CONSULTATIONS, {"date__year": "2021"})
    assert counts(again)
    assert "1 Beratung" in page
    page, searched = read(staff, CONSULTATIONS, {"q": "Großröhrsdorf"})
    assert counts(searched)
    assert "3 Beratungen" in page


def test_the_staff_filter_is_read_each_time(
    staff: Client, consultations: list[Consultation], make_user: Callable[..., Any]
) -> None:
    """The users' table is not noted: its choices are never kept."""
    summary.rebuild()
    read(staff, CONSULTATIONS)
    colleague = make_user(Role.ADMINISTRATION, first_name="Jörg", last_name="Übermuth")
    Consultation.objects.filter(pk=consultations[0].pk).update(staff_member=colleague)
    summary.rebuild()  # the consultation's change is in a build; the new user is not noted
    read(staff, CONSULTATIONS)
    page, _sql = read(staff, CONSULTATIONS)
    assert "Jörg Übermuth" in page


def test_the_applications_list_keeps_its_kreis_and_directorate_choices(
    staff: Client, consultations: Any
) -> None:
    summary.rebuild()
    read(staff, APPLICATIONS)
    page, sql = read(staff, APPLICATIONS)
    assert not [q for q in sql if 'FROM "municipalities_policedirectorate"' in q]
    assert not [q for q in sql if 'FROM "municipalities_district"' in q]
    assert "Polizeidirektion Dresden" in page
    DistrictFactory(name="Landkreis Übergangsweise")
    assert "Landkreis Übergangsweise" in read(staff, APPLICATIONS)[0]


def test_kept_for_build_keeps_only_what_noted_tables_give(rf: Any) -> None:
    summary.rebuild()
    calls: list[str] = []

    def compute(table: str) -> Callable[[], str]:
        return lambda: calls.append(table) or table

    for table in ("municipalities_district", "accounts_user"):
        for _round in range(2):
            request = rf.get("/")
            assert kept_for_build(request, table, ("test",), compute(table)) == table
    assert calls == ["municipalities_district", "accounts_user", "accounts_user"]
    assert kept_for_build(None, "municipalities_district", ("test",), compute("none")) == "none"
