"""The lists of municipalities: /admin/zahlen/kommunen/ (staff, every status, CSV) and
/zahlen/kommunen/ (public, participating municipalities only), a page at a time."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from figures.views import PAGE_SIZE
from municipalities.models import Municipality, PoliceDirectorate

from ..factories import DistrictFactory, MunicipalityFactory, PreventionCouncilFactory
from .test_dashboard import a_few_municipalities, count_queries

pytestmark = pytest.mark.django_db

STAFF_LIST = "/admin/zahlen/kommunen/"
STAFF_CSV = "/admin/zahlen/kommunen.csv"
PUBLIC_LIST = "/zahlen/kommunen/"
ROW = re.compile(r'<tr><th scope="row">([^<]+)</th>')


def rows(html: str) -> list[str]:
    """The names in the list's table, in order."""
    return ROW.findall(html.split('id="municipalities"')[1].split("</table>")[0])


def many_municipalities(count: int, *, first: int = 100, model: int = 0) -> None:
    """``count`` more municipalities in a Kreis of PD Leipzig, the first ``model`` of them
    Modellkommunen (one status that needs no records)."""
    kreis = DistrictFactory(
        key="99050",
        name="Landkreis Viele",
        police_directorate=PoliceDirectorate.objects.get(code="leipzig"),
    )
    Municipality.objects.bulk_create(
        Municipality(
            district=kreis,
            ags=f"9905{number:04d}",
            name=f"Ort {number:04d}",
            official_name=f"Ort {number:04d}",
            kind=Municipality.Kind.MUNICIPALITY,
            is_model_municipality=index < model,
        )
        for index, number in enumerate(range(first, first + count))
    )


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


# --- Access ---------------------------------------------------------------------------------------


def test_the_urls_are_the_german_ones() -> None:
    assert reverse("figures:dashboard_municipalities") == STAFF_LIST
    assert reverse("figures:dashboard_municipalities_csv") == STAFF_CSV
    assert reverse("figures:public_municipalities") == PUBLIC_LIST


def test_anonymous_visitors_are_sent_to_the_login_for_the_staff_list(client: Client) -> None:
    for url in (STAFF_LIST, STAFF_CSV):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("login")), url


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE, Role.COACH])
def test_users_outside_the_lpr_office_get_no_staff_list(
    client: Client, make_user: Callable[..., Any], role: str
) -> None:
    a_few_municipalities()
    client.force_login(make_user(role))
    for url in (STAFF_LIST, STAFF_CSV):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"]
        assert b"Beratungsdorf" not in response.content


def test_staff_without_the_right_to_view_the_register_get_403(
    client: Client, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user(is_staff=True))
    assert client.get(STAFF_LIST).status_code == 403
    assert client.get(STAFF_CSV).status_code == 403


@pytest.mark.parametrize("role", Role.STAFF)
def test_lpr_staff_see_the_list(client: Client, make_user: Callable[..., Any], role: str) -> None:
    client.force_login(make_user(role))
    assert client.get(STAFF_LIST).status_code == 200


def test_the_public_list_is_open_and_only_answers_reading(client: Client) -> None:
    assert client.get(PUBLIC_LIST).status_code == 200
    assert client.post(PUBLIC_LIST).status_code == 405
    assert client.post(STAFF_LIST).status_code in (302, 405)


# --- The staff list -------------------------------------------------------------------------------


def test_the_staff_list_shows_every_municipality_with_status_and_steps(staff: Client) -> None:
    a_few_municipalities()
    html = staff.get(STAFF_LIST, {"as_of": "2022-06-30"}).content.decode()
    assert (
        '<tr><th scope="row">Probstadt</th><td>99001001</td><td>Landkreis Probe</td>'
        "<td>eng zusammenarbeitend</td><td>Präventionsrat</td></tr>"
    ) in html
    assert '<th scope="row">Beratungsdorf</th><td>99001002</td>' in html
    assert "<td>beraten</td>" in html
    assert "<td>kein Kontakt</td>" in html
    assert rows(html) == ["Beratungsdorf", "Probstadt", "Stillhausen"]
    assert "Kommunen 1 bis 3 von 3 (Seite 1 von 1)" in html
    assert '<caption id="municipalities-caption">' in html
    assert '<th scope="col">' in html
    # The same filter as the dashboard, labelled; the way back keeps the cut-off date.
    for name in ("as_of", "directorate", "district", "status", "q"):
        assert f'<label for="id_{name}">' in html, name
    assert 'href="/admin/zahlen/?as_of=2022-06-30"' in html
    # A single page needs no pager; the CSV keeps the filter.
    assert "figures-pager" not in html.split("</table>")[1]
    assert 'href="/admin/zahlen/kommunen.csv?as_of=2022-06-30"' in html
    assert "<script>" not in html
    assert " style=" not in html


def test_the_staff_list_filters_by_status_area_and_search(staff: Client) -> None:
    a_few_municipalities()
    many_municipalities(3)

    def names(**query: str) -> list[str]:
        response = staff.get(STAFF_LIST, {"as_of": "2022-06-30", **query})
        assert response.status_code == 200
        html = response.content.decode()
        return rows(html) if 'id="municipalities"' in html else []

    assert names(status="beraten") == ["Beratungsdorf"]
    assert names(status="keine", district="99001") == ["Stillhausen"]
    assert names(directorate="leipzig") == ["Ort 0100", "Ort 0101", "Ort 0102"]
    assert names(q="PROB") == ["Probstadt"]  # any case, part of the name
    assert names(q="99050101") == ["Ort 0101"]
    assert names(q="990010") == ["Beratungsdorf", "Probstadt", "Stillhausen"]  # AGS prefix
    assert names(q="0101") == ["Ort 0101"]  # in the name, not the middle of an AGS
    assert names(q="Nirgendwo") == []
    html = staff.get(STAFF_LIST, {"q": "Nirgendwo"}).content.decode()
    assert "Keine Kommune entspricht dieser Auswahl." in html
    assert "CSV" not in html


def test_the_staff_list_is_paginated(staff: Client) -> None:
    many_municipalities(PAGE_SIZE * 2 + 5)
    first = staff.get(STAFF_LIST, {"directorate": "leipzig"}).content.decode()
    assert len(rows(first)) == PAGE_SIZE
    assert rows(first)[0] == "Ort 0100"
    assert f"Kommunen 1 bis {PAGE_SIZE} von {PAGE_SIZE * 2 + 5} (Seite 1 von 3)" in first
    # German, labelled pager links that keep the filter.
    assert '<nav class="figures-pager" aria-label="Seiten der Liste">' in first
    assert 'aria-current="page" aria-label="Seite 1, aktuelle Seite">1</a>' in first
    assert '<a class="page-link" href="?directorate=leipzig&amp;page=2" rel="next">' in first
    assert "Nächste Seite</a>" in first
    assert 'aria-label="Seite 3">3</a>' in first
    assert "Vorherige Seite" not in first

    last = staff.get(STAFF_LIST, {"directorate": "leipzig", "page": "3"}).content.decode()
    assert len(rows(last)) == 5
    assert rows(last)[-1] == f"Ort {100 + PAGE_SIZE * 2 + 4:04d}"
    assert '<a class="page-link" href="?directorate=leipzig&amp;page=2" rel="prev">' in last
    assert "Nächste Seite" not in last
    second = staff.get(STAFF_LIST, {"directorate": "leipzig", "page": "2"}).content.decode()
    # Page 1 has no page parameter: one address per page.
    assert 'href="?directorate=leipzig" rel="prev"' in second


@pytest.mark.parametrize(
    ("page", "first_row"),
    [
        ("abc", "Ort 0100"),
        ("0", "Ort 0100"),
        ("-1", "Ort 0100"),
        ("99999", "Ort 0200"),
        ("", "Ort 0100"),
    ],
)
def test_a_page_that_does_not_exist_shows_the_first_or_last(
    staff: Client, page: str, first_row: str
) -> None:
    many_municipalities(PAGE_SIZE + 1, model=PAGE_SIZE + 1)
    for url in (STAFF_LIST, PUBLIC_LIST):
        response = staff.get(url, {"page": page})
        assert response.status_code == 200, (url, page)
        assert rows(response.content.decode())[0] == first_row, (url, page)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "geheim"}, "Bitte eine gültige Auswahl treffen. geheim ist keine"),
        ({"directorate": "atlantis"}, "Bitte eine gültige Auswahl treffen."),
        ({"district": "' OR 1=1 --"}, "Bitte eine gültige Auswahl treffen."),
        ({"as_of": "kaputt"}, "Bitte ein gültiges Datum eingeben."),
        ({"q": "x" * 101}, "Bitte sicherstellen, dass der Wert aus höchstens 100 Zeichen besteht."),
    ],
)
def test_bad_input_on_the_staff_list_is_explained_in_german(
    staff: Client, query: dict[str, str], message: str
) -> None:
    a_few_municipalities()
    response = staff.get(STAFF_LIST, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<div class="errornote" role="alert">' in html
    assert "Die Liste unten berücksichtigt die fehlerhaften Felder nicht." in html
    # The list is still there, unfiltered where the input was bad.
    assert rows(html) == ["Beratungsdorf", "Probstadt", "Stillhausen"]
    csv = staff.get(STAFF_CSV, query)
    assert csv.status_code == 400
    assert "Der Filter enthält Fehler" in csv.content.decode()


def test_the_staff_list_as_csv_has_every_matching_row(staff: Client) -> None:
    a_few_municipalities()
    many_municipalities(PAGE_SIZE + 10)
    response = staff.get(STAFF_CSV, {"as_of": "2022-06-30"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kommunen-2022-06-30.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffSachsen, Stand 30.06.2022\r\n")
    lines = text.split("\r\n")
    assert lines[1] == "AGS;Kommune;Kreis;Polizeidirektion;Status;Bausteine bei ASSKomm"
    assert (
        "99001001;Probstadt;Landkreis Probe;Polizeidirektion Dresden;"
        "eng zusammenarbeitend;Präventionsrat" in lines
    )
    assert len([line for line in lines[2:] if line]) == 3 + PAGE_SIZE + 10
    beraten = staff.get(STAFF_CSV, {"as_of": "2022-06-30", "status": "beraten"}).content.decode()
    assert [line for line in beraten.split("\r\n")[2:] if line] == [
        "99001002;Beratungsdorf;Landkreis Probe;Polizeidirektion Dresden;beraten;"
    ]


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(staff: Client) -> None:
    MunicipalityFactory(ags="99001009", name="=HYPERLINK(1)")
    text = staff.get(STAFF_CSV).content.decode()
    assert ";'=HYPERLINK(1);" in text


def test_the_dashboard_links_the_list_instead_of_listing(staff: Client) -> None:
    a_few_municipalities()
    many_municipalities(PAGE_SIZE + 10)
    html = staff.get("/admin/zahlen/", {"as_of": "2022-06-30"}).content.decode()
    # No table of municipalities any more: neither the names nor the caption.
    assert "Probstadt" not in html
    assert "Ort 0100" not in html
    assert 'id="municipalities"' not in html
    assert "Kommunen nach Stand (die Karte als Liste)" not in html
    # Their number, a link to the list with the same filter, and one per status.
    assert f"{3 + PAGE_SIZE + 10} Kommunen in Sachsen, Stand 30. Juni 2022." in html
    assert 'href="/admin/zahlen/kommunen/?as_of=2022-06-30"' in html
    assert (
        '<a href="/admin/zahlen/kommunen/?as_of=2022-06-30&amp;status=beraten">beraten</a>: 1'
        in html
    )
    assert "beraten (1)" in html  # the legend's count
    assert "kein Kontakt (" in html


def test_the_dashboard_no_longer_reads_every_municipalitys_status(
    staff: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figures.dashboard

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the dashboard must not list every municipality")

    monkeypatch.setattr(figures.dashboard, "municipality_statuses", refuse)
    a_few_municipalities()
    assert staff.get("/admin/zahlen/").status_code == 200


# --- The public list ------------------------------------------------------------------------------


def test_the_public_list_names_only_participating_municipalities(client: Client) -> None:
    a_few_municipalities()
    html = client.get(PUBLIC_LIST).content.decode()
    assert rows(html) == ["Probstadt"]
    assert (
        '<tr><th scope="row">Probstadt</th><td>Landkreis Probe</td>'
        "<td>eng zusammenarbeitend</td><td>Präventionsrat</td></tr>"
    ) in html
    assert "Beratungsdorf" not in html
    assert "Stillhausen" not in html
    assert ">beraten<" not in html  # neither a row nor a choice of the filter
    assert "Zwiebelmeister" not in html
    assert 'value="beraten"' not in html
    assert 'value="keine"' not in html
    assert '<label for="id_directorate">Polizeidirektion:</label>' in html
    assert '<label for="id_status">Status:</label>' in html
    assert '<caption id="municipalities-caption">' in html
    assert 'href="/zahlen/"' in html
    assert "<script>" not in html
    assert " style=" not in html


def test_the_public_list_filters_by_police_directorate_and_status(client: Client) -> None:
    a_few_municipalities()
    many_municipalities(3, model=2)
    assert rows(client.get(PUBLIC_LIST, {"directorate": "leipzig"}).content.decode()) == [
        "Ort 0100",
        "Ort 0101",
    ]
    assert rows(client.get(PUBLIC_LIST, {"directorate": "dresden"}).content.decode()) == [
        "Probstadt"
    ]
    html = client.get(PUBLIC_LIST, {"status": "zusammenarbeitend"}).content.decode()
    assert rows(html) == ["Probstadt"]
    html = client.get(PUBLIC_LIST, {"directorate": "chemnitz"}).content.decode()
    assert "Keine Kommune entspricht dieser Auswahl." in html
    assert 'id="municipalities"' not in html


@pytest.mark.parametrize(
    "query", [{"directorate": "atlantis"}, {"status": "beraten"}, {"status": "<script>"}]
)
def test_bad_input_on_the_public_list_is_explained_in_german(
    client: Client, query: dict[str, str]
) -> None:
    a_few_municipalities()
    response = client.get(PUBLIC_LIST, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte eine gültige Auswahl treffen." in html
    assert 'role="alert"' in html
    assert "<script>" not in html
    # Internal statuses are no choice, so "beraten" names nothing internal.
    assert rows(html) == ["Probstadt"]


def test_the_public_list_is_paginated(client: Client) -> None:
    many_municipalities(PAGE_SIZE + 1, model=PAGE_SIZE + 1)
    html = client.get(PUBLIC_LIST, {"directorate": "leipzig"}).content.decode()
    assert len(rows(html)) == PAGE_SIZE
    assert f"Kommunen 1 bis {PAGE_SIZE} von {PAGE_SIZE + 1} (Seite 1 von 2)" in html
    assert 'href="?directorate=leipzig&amp;page=2" rel="next">Nächste Seite</a>' in html
    html = client.get(PUBLIC_LIST, {"directorate": "leipzig", "page": "2"}).content.decode()
    assert rows(html) == [f"Ort {100 + PAGE_SIZE:04d}"]


def test_the_public_page_counts_and_links_instead_of_listing(client: Client) -> None:
    a_few_municipalities()
    many_municipalities(2, model=2)
    html = client.get("/zahlen/").content.decode()
    assert "3 Kommunen arbeiten eng mit ASSKomm zusammen" in html
    assert 'id="municipalities"' not in html
    assert "Probstadt" not in html
    assert (
        '<tr><th scope="row"><a href="/zahlen/kommunen/?status=modell">Modellkommune</a></th>'
        '<td class="figures-number">2</td></tr>'
    ) in html
    assert '<a href="/zahlen/kommunen/?status=zusammenarbeitend">eng zusammenarbeitend</a>' in html
    assert 'href="/zahlen/kommunen/">' in html
    assert ">beraten<" not in html


# --- Queries --------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_municipalities(
    staff: Client, make_user: Callable[..., Any]
) -> None:
    a_few_municipalities()
    public = Client()
    staff_urls = [
        STAFF_LIST,
        f"{STAFF_LIST}?as_of=2023-06-30&directorate=leipzig&status=modell&q=Ort&page=2",
        STAFF_CSV,
        "/admin/zahlen/",
    ]
    public_urls = [PUBLIC_LIST, f"{PUBLIC_LIST}?directorate=leipzig&page=2", "/zahlen/"]
    staff.get(STAFF_LIST)  # the session and permission caches are warm from here on
    few = [count_queries(staff, url) for url in staff_urls]
    few += [count_queries(public, url) for url in public_urls]

    many_municipalities(PAGE_SIZE * 3, model=PAGE_SIZE * 2)
    PreventionCouncilFactory(
        constituted_on=date(2021, 1, 1),
        municipalities=list(Municipality.objects.filter(ags__startswith="9905")[:50]),
    )
    assert Municipality.objects.count() > PAGE_SIZE * 3
    html = staff.get(f"{STAFF_LIST}?directorate=leipzig&page=2").content.decode()
    assert len(rows(html)) == PAGE_SIZE
    many = [count_queries(staff, url) for url in staff_urls]
    many += [count_queries(public, url) for url in public_urls]

    assert many == few
    # The session and user, the form's lists of PDs and Kreise, the statuses (two queries).
    assert few[0] <= 10, few
    assert few[4] <= 4, few
