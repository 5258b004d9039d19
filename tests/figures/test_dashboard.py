"""The staff dashboard "Zahlen, Daten, Fakten": who sees it, what it shows, bad input, queries."""

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from agreements.models import CoachingProcess, CooperationAgreement
from figures.models import Boundary, BoundaryImport
from figures.services import boundaries_import
from municipalities.models import Consultation, Contact, Municipality, PoliceDirectorate
from municipalities.register_files import parse_register
from municipalities.services import register_import

from ..conftest import GV100AD_NAME
from ..factories import (
    ConsultationFactory,
    ContactFactory,
    DistrictFactory,
    MunicipalityFactory,
    PreventionCouncilFactory,
)
from .published import build_published_history

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/zahlen/"
ATTRIBUTION = "© GeoBasis-DE / BKG (2021) (Daten verändert)"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13, 51], [13.1, 51], [13.1, 51.1], [13, 51.1], [13, 51]]],
}


def a_few_municipalities() -> list[Municipality]:
    """Three municipalities in a test Kreis: one advised, one with a council, one untouched."""
    kreis = DistrictFactory(key="99001", name="Landkreis Probe")
    towns = [
        MunicipalityFactory(district=kreis, ags=f"99001{n:03d}", name=name)
        for n, name in enumerate(("Probstadt", "Beratungsdorf", "Stillhausen"), start=1)
    ]
    source = BoundaryImport.objects.create(
        source="probe.geojson", sha256="0" * 64, attribution=ATTRIBUTION, features=3, matched=3
    )
    for town in towns:
        Boundary.objects.create(
            municipality=town, source=source, geometry=SQUARE, centroid_lat=51, centroid_lon=13
        )
    PreventionCouncilFactory(constituted_on=date(2021, 3, 1), municipalities=[towns[0]])
    ConsultationFactory(
        municipality=towns[1], date=date(2020, 5, 4), notes="Vertraulich: Kasse leer"
    )
    ContactFactory(
        municipality=towns[0],
        first_name="Friederike",
        last_name="Zwiebelmeister",
        email="f.zwiebelmeister@probstadt.example",
    )
    return towns


def more_records(count: int) -> None:
    """More advised municipalities, agreements, coaching processes and contacts, in every Kreis."""
    municipalities = list(
        Municipality.objects.filter(is_model_municipality=False, ags__startswith="14").order_by(
            "ags"
        )[:count]
    )
    Consultation.objects.bulk_create(
        Consultation(municipality=m, date=date(2023, 3, 1), kind=Consultation.Kind.CONSULTATION)
        for m in municipalities
    )
    Contact.objects.bulk_create(
        Contact(municipality=m, last_name=f"Kontakt {m.ags}", email=f"k{m.ags}@example.org")
        for m in municipalities
    )
    for number, municipality in enumerate(municipalities[: count // 2], start=700):
        agreement = CooperationAgreement.objects.create(
            number=number,
            status=CooperationAgreement.Status.SIGNED,
            signed_on=date(2023, 4, 1),
            frozen_at=datetime(2023, 3, 1, tzinfo=UTC),
        )
        agreement.municipalities.set([municipality])
        process = CoachingProcess.objects.create(
            requested_on=date(2023, 4, 1), started_on=date(2023, 5, 1)
        )
        process.municipalities.set([municipality])


def the_whole_register(gv100ad_bytes: bytes, shared_data_dir: Path) -> None:
    """All 418 municipalities of Saxony, the published history, boundaries and many records."""
    register_import(edition=parse_register(gv100ad_bytes, land="14"), file_name=GV100AD_NAME)
    build_published_history()
    boundaries_import(shared_data_dir / "sachsen_gemeinden.geojson")
    more_records(200)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


# --- Access ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    for url in (DASHBOARD, reverse("figures:dashboard_geojson")):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("login")), url
        assert "next=%2Fadmin%2Fzahlen%2F" in response.redirect_chain[-1][0]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE, Role.COACH])
def test_users_outside_the_lpr_office_are_refused(
    client: Client, make_user: Callable[..., Any], role: str
) -> None:
    client.force_login(make_user(role))
    for url in (DASHBOARD, reverse("figures:dashboard_geojson")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_staff_without_the_right_to_view_the_register_get_403(
    client: Client, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user(is_staff=True))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("figures:dashboard_geojson")).status_code == 403


@pytest.mark.parametrize("role", Role.STAFF)
def test_lpr_staff_see_the_dashboard_linked_from_the_admin_index(
    client: Client, make_user: Callable[..., Any], role: str
) -> None:
    client.force_login(make_user(role))
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{DASHBOARD}"' in index
    assert client.get(DASHBOARD).status_code == 200


# --- Content --------------------------------------------------------------------------------------


def test_the_dashboard_shows_figures_tables_charts_and_the_map(staff: Client) -> None:
    a_few_municipalities()
    html = staff.get(DASHBOARD, {"as_of": "2022-06-30", "kreise": "alle"}).content.decode()

    assert 'value="2022-06-30"' in html
    assert 'type="date"' in html
    assert "Sachsen" in html
    assert "30. Juni 2022" in html
    assert (
        '<div class="figures-tile" data-figure="municipalities_advised">'
        "<dt>Kommunen beraten</dt><dd>1</dd></div>"
    ) in html
    assert "<dt>Fördermittel bewilligt im Jahr (EUR)</dt><dd>0,00 Euro</dd>" in html
    assert "Seit dem Start der Allianz am 6. Februar 2019" in html  # the press text
    # Tables with captions, the rows headed by their PD or Kreis.
    assert html.count("<caption") >= 4
    assert '<th scope="row">Polizeidirektion Dresden</th>' in html
    assert '<th scope="row">Landkreis Probe</th>' in html
    # Charts get their data from json_script, and there is no inline script.
    source = html.split('<script id="figures-charts" type="application/json">')[1]
    charts = json.loads(source.split("</script>")[0])
    assert charts["year"]["labels"] == ["2019", "2020", "2021", "2022"]
    advised = next(s for s in charts["year"]["series"] if s["key"] == "municipalities_advised")
    assert advised["data"] == [0, 1, 1, 1]
    assert charts["quarter"]["labels"][-1] == "Q2/2022"
    assert "<script>" not in html
    assert "onclick" not in html
    # The map, its legend with counts and the attribution of the boundaries.
    assert 'data-geojson="/admin/zahlen/karte.geojson?as_of=2022-06-30"' in html
    assert "Modellkommune (0)" in html
    assert "beraten (1)" in html
    assert ATTRIBUTION in html
    # The municipalities themselves are on their own page (test_municipality_lists.py).
    assert "Probstadt" not in html
    assert 'href="/admin/zahlen/kommunen/?as_of=2022-06-30"' in html


def test_the_staff_map_carries_the_internal_status(staff: Client) -> None:
    a_few_municipalities()
    response = staff.get(reverse("figures:dashboard_geojson"), {"as_of": "2022-06-30"})
    assert response["Content-Type"] == "application/geo+json"
    features = {f["properties"]["name"]: f["properties"] for f in response.json()["features"]}
    assert features["Beratungsdorf"]["status_label"] == "beraten"
    assert features["Probstadt"]["steps"] == ["Präventionsrat"]
    assert features["Probstadt"]["district"] == "Landkreis Probe"
    assert response.json()["attribution"] == ATTRIBUTION


def test_an_area_narrows_figures_map_and_kreis_table(staff: Client) -> None:
    a_few_municipalities()
    DistrictFactory(key="99002", name="Landkreis Anderswo")
    html = staff.get(DASHBOARD, {"directorate": "dresden", "district": "99001"}).content.decode()
    assert "Landkreis Probe" in html
    assert '<th scope="row">Landkreis Anderswo</th>' not in html
    assert "district=99001" in html
    assert "directorate=dresden" in html
    # Training figures belong to no area.
    assert "beccaria_graduates" not in html.split('id="figures-charts"')[0]
    geojson = staff.get(reverse("figures:dashboard_geojson"), {"district": "99002"}).json()
    assert geojson["features"] == []


def test_the_table_of_every_kreis_is_shown_when_asked_for(staff: Client) -> None:
    """An overview for the whole Land has the table by PD; all Kreise (about 400 for all of
    Germany) on request, the Kreise of a PD when one is chosen."""
    a_few_municipalities()
    DistrictFactory(key="99002", name="Landkreis Anderswo")
    html = staff.get(DASHBOARD, {"as_of": "2024-06-30"}).content.decode()
    assert 'id="by-directorate"' in html
    assert 'id="by-district"' not in html
    assert "as_of=2024-06-30&amp;kreise=alle#by-district-heading" in html
    html = staff.get(DASHBOARD, {"as_of": "2024-06-30", "kreise": "alle"}).content.decode()
    assert 'id="by-district"' in html
    assert '<th scope="row">Landkreis Anderswo</th>' in html
    html = staff.get(DASHBOARD, {"directorate": "dresden"}).content.decode()
    assert 'id="by-district"' in html
    assert "Landkreis Probe" in html


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "kaputt"}, "Bitte ein gültiges Datum eingeben."),
        ({"as_of": "2024-02-30"}, "Bitte ein gültiges Datum eingeben."),
        ({"directorate": "999999"}, "Bitte eine gültige Auswahl treffen."),
        ({"district": "abc"}, "Bitte eine gültige Auswahl treffen."),
        ({"district": "' OR 1=1 --"}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_input_is_explained_in_german_never_a_500(
    staff: Client, query: dict[str, str], message: str
) -> None:
    a_few_municipalities()
    response = staff.get(DASHBOARD, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<div class="errornote" role="alert">' in html
    assert 'aria-invalid="true"' in html
    # The page still shows figures: for today and all of Saxony, and says so.
    assert '<th scope="row">Polizeidirektion Dresden</th>' in html
    assert staff.get(reverse("figures:dashboard_geojson"), query).status_code == 400


def test_dates_before_the_launch_or_in_the_future_are_refused(staff: Client) -> None:
    for value in ("2018-12-31", "2999-01-01"):
        response = staff.get(DASHBOARD, {"as_of": value})
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode(), value


def test_a_kreis_of_another_directorate_is_refused(staff: Client) -> None:
    DistrictFactory(key="99003", police_directorate=PoliceDirectorate.objects.get(code="leipzig"))
    response = staff.get(DASHBOARD, {"directorate": "dresden", "district": "99003"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()


# --- Queries --------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_data(
    staff: Client, gv100ad_bytes: bytes, shared_data_dir: Path
) -> None:
    a_few_municipalities()
    urls = [
        DASHBOARD,
        f"{DASHBOARD}?as_of=2023-06-30&directorate=dresden",
        f"{reverse('figures:dashboard_geojson')}?as_of=2023-06-30",
        f"{reverse('figures:dashboard_municipalities')}?as_of=2023-06-30&page=3",
    ]
    staff.get(DASHBOARD)  # the session and permission caches are warm from here on
    few = [count_queries(staff, url) for url in urls]

    the_whole_register(gv100ad_bytes, shared_data_dir)
    assert Municipality.objects.count() > 400
    many = [count_queries(staff, url) for url in urls]

    assert many == few
    # Seven source tables, each for the date, two series and two groupings, plus the form's
    # lists, the statuses, the attribution and the session: an N+1 would add hundreds.
    assert few[0] <= 50, few
    assert few[2] <= 8, few
    assert few[3] <= 10, few


def test_the_quick_select_writes_what_djangos_select_would(db: None) -> None:
    """Same options, labels (escaped), choice and attributes as forms.Select, without a template
    per option."""
    from django import forms

    from figures.forms import QuickSelect

    choices = [("", "Alle Kreise"), ("14612", "Dresden"), ("99", "<b>Kreis & Co</b>")]
    kept = QuickSelect(attrs={"class": "x"}, choices=choices)
    kept.kept_as = ("a-build", "TestForm", "district")
    for value in ("", "14612", "99", None):
        quick = QuickSelect(attrs={"class": "x"}, choices=choices).render(
            "district", value, {"id": "d"}
        )
        assert kept.render("district", value, {"id": "d"}) == quick  # options kept, not the choice
        plain = forms.Select(attrs={"class": "x"}, choices=choices).render(
            "district", value, {"id": "d"}
        )

        def parts(html: str) -> tuple[list[str], list[str], set[str]]:
            options = re.findall(r"<option[^>]*>.*?</option>", html)
            attrs = set(re.findall(r'(\w+)="([^"]*)"', html.split(">")[0]))
            return [re.sub(r"\s+", " ", o) for o in options], re.findall(r"selected", html), attrs

        assert parts(quick) == parts(plain), value
        assert "&lt;b&gt;Kreis &amp; Co&lt;/b&gt;" in quick


def test_the_kreis_choice_kept_per_build_shows_a_change_at_once(staff: Client) -> None:
    """The PD and Kreis options are kept per build of the stored figures: a renamed Kreis is
    offered under its new name at once, and in the next build."""
    from figures import summary

    towns = a_few_municipalities()
    summary.rebuild()
    district = towns[0].district
    assert f">{district.name}</option>" in staff.get(DASHBOARD).content.decode()
    queries = count_queries(staff, DASHBOARD)
    type(district).objects.filter(pk=district.pk).update(name="Kreis Neuer Name")
    assert ">Kreis Neuer Name</option>" in staff.get(DASHBOARD).content.decode()
    summary.rebuild()
    page = staff.get(DASHBOARD).content.decode()
    assert ">Kreis Neuer Name</option>" in page
    assert f">{district.name}</option>" not in page
    assert count_queries(staff, DASHBOARD) == queries


def test_the_quick_date_input_and_labels_are_what_django_writes(staff: Client) -> None:
    """The filter's date field and labels are written directly (as the selects are): the same
    HTML as Django's widget templates and ``label_tag``."""
    from django import forms

    from figures.forms import FiguresFilterForm, QuickDateInput

    attrs = {"type": "date", "min": "2019-02-06"}
    for value in (None, date(2026, 3, 4), "2026-99-01", "", '"><b>'):
        for extra in ({}, {"required": True, "disabled": False, "data-x": 'a"b'}):
            quick = QuickDateInput(attrs=attrs, format="%Y-%m-%d").render(
                "as_of", value, {"id": "id_as_of", **extra}
            )
            plain = forms.DateInput(attrs=attrs, format="%Y-%m-%d").render(
                "as_of", value, {"id": "id_as_of", **extra}
            )
            assert quick == plain, (value, extra)
    page = staff.get(DASHBOARD, {"as_of": "2023-06-30"}).content.decode()
    form = FiguresFilterForm({"as_of": "2023-06-30"})
    for field in form:
        assert str(field.label_tag()) in page
        assert str(field) in page
