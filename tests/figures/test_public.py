"""The public page /zahlen/: published figures, the municipalities taking part, nothing else."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from figures import summary

from ..factories import ConsultationFactory
from .test_dashboard import ATTRIBUTION, a_few_municipalities, count_queries, the_whole_register

pytestmark = pytest.mark.django_db

PUBLIC = "/zahlen/"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def test_anyone_sees_the_figures_without_login(client: Client) -> None:
    a_few_municipalities()
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("figures:public") == PUBLIC
    assert "<dt>Kommunen eng zusammenarbeitend</dt><dd>1</dd>" in html
    assert "<dt>Präventionsräte konstituiert oder reaktiviert</dt><dd>1</dd>" in html
    # A figure per row, Saxony and each Polizeidirektion a column: narrow enough for a phone.
    assert '<th scope="col">Dresden</th>' in html
    assert '<th scope="row">Kommunen eng zusammenarbeitend</th>' in html
    # How many municipalities take part, by status; their names are on a page of their own.
    assert "Eine Kommune arbeitet eng mit ASSKomm zusammen" in html
    assert f'href="{reverse("figures:public_municipalities")}"' in html
    listed = client.get(reverse("figures:public_municipalities")).content.decode()
    assert (
        '<tr><th scope="row">Probstadt</th><td>Landkreis Probe</td>'
        "<td>eng zusammenarbeitend</td><td>Präventionsrat</td></tr>"
    ) in listed
    # The map, its attribution, and the register's.
    assert f'data-geojson="{reverse("figures:public_geojson")}"' in html
    assert ATTRIBUTION in html
    assert "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD" in html


@pytest.mark.parametrize("url", [PUBLIC, "/zahlen/kommunen/"])
def test_no_personal_data_and_nothing_internal(client: Client, url: str) -> None:
    a_few_municipalities()
    html = client.get(url).content.decode()
    assert EMAIL.search(html) is None
    assert "Zwiebelmeister" not in html
    assert "Friederike" not in html
    # A municipality that was only advised is not named: consultations are internal.
    assert "Beratungsdorf" not in html
    assert "Vertraulich" not in html
    assert ">beraten<" not in html


def test_the_public_map_shows_names_and_public_status_only(client: Client) -> None:
    a_few_municipalities()
    response = client.get(reverse("figures:public_geojson"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    collection = response.json()
    assert collection["attribution"] == ATTRIBUTION
    properties = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    # Advised only: drawn as not taking part, without any step.
    assert properties["Beratungsdorf"]["status"] == "keine"
    assert "steps" not in properties["Beratungsdorf"]
    assert properties["Probstadt"]["status_label"] == "eng zusammenarbeitend"
    assert properties["Probstadt"]["steps"] == ["Präventionsrat"]
    allowed = {"ags", "name", "status", "status_label", "colour", "steps"}
    assert all(set(p) <= allowed for p in properties.values())
    assert EMAIL.search(response.content.decode()) is None


def test_the_home_page_links_the_figures(client: Client) -> None:
    assert f'href="{PUBLIC}"' in client.get("/").content.decode()


def test_the_public_page_only_answers_reading(client: Client) -> None:
    assert client.post(PUBLIC).status_code == 405
    assert client.post(reverse("figures:public_geojson")).status_code == 405


def test_the_number_of_queries_does_not_grow_with_the_data(
    client: Client, gv100ad_bytes: bytes, shared_data_dir: Path
) -> None:
    a_few_municipalities()
    listed = reverse("figures:public_municipalities")
    urls = [PUBLIC, reverse("figures:public_geojson"), listed, f"{listed}?page=2"]
    few = [count_queries(client, url) for url in urls]

    the_whole_register(gv100ad_bytes, shared_data_dir)
    html = client.get(listed).content.decode()
    assert html.count('<tr><th scope="row">') == 100  # a full page of municipalities
    many = [count_queries(client, url) for url in urls]

    assert many == few
    # Seven for the yearly series, whose last column is today (five source tables, funding and
    # the periods), six grouped by PD, the PDs, two for the statuses, the attribution, and one
    # per evaluation and for the page's figures asking whether the stored figures are current
    # (they are not: never built).
    assert few[0] <= 21, few
    assert few[1] <= 4, few
    assert few[2] <= 4, few
    # From the stored figures: is the build current, the status counts, the attribution; the
    # figures themselves are rendered once per build.
    summary.rebuild()
    count_queries(client, PUBLIC)
    stored = count_queries(client, PUBLIC)
    assert stored <= 4, stored


def test_the_charts_have_their_data_and_a_table(client: Client) -> None:
    a_few_municipalities()
    response = client.get(PUBLIC)
    charts = response.context["charts"]
    years = charts["year"]["labels"]
    assert years[0] == "2019"
    assert years[-1] == str(response.context["day"].year)
    cooperating = next(
        s for s in charts["year"]["series"] if s["key"] == "municipalities_cooperating"
    )
    assert cooperating["data"][-1] == 1
    html = response.content.decode()
    assert 'id="figures-charts"' in html
    assert 'data-chart="year"' in html
    assert 'data-chart="funding"' in html
    # The text alternative: one row per year.
    assert '<caption id="series-year-caption">' in html
    assert f'<th scope="row">{years[-1]}</th>' in html


@override_settings(ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS=300)
def test_the_public_figures_are_kept_a_few_minutes(client: Client) -> None:
    cache.clear()
    a_few_municipalities()
    first = count_queries(client, PUBLIC)
    again = count_queries(client, PUBLIC)
    # Only the attribution is read again; the figures come from the cache.
    assert again < first
    assert again <= 3, again
    # The map and the list of municipalities share the statuses: whichever comes first reads them.
    geojson, listed = reverse("figures:public_geojson"), reverse("figures:public_municipalities")
    computed = count_queries(client, geojson)
    assert count_queries(client, geojson) <= 2 < computed
    assert count_queries(client, listed) <= 2
    cache.clear()
    assert count_queries(client, PUBLIC) == first


@override_settings(
    ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS=300,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens here: the cache is down.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    },
)
def test_the_public_page_works_while_the_cache_is_down(client: Client) -> None:
    a_few_municipalities()
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert "<dt>Kommunen eng zusammenarbeitend</dt><dd>1</dd>" in response.content.decode()
    assert client.get(reverse("figures:public_geojson")).status_code == 200


def test_pages_drawn_from_the_stored_figures_show_a_change_at_once(
    client: Client, officer: Any
) -> None:
    """The rendered figures are kept per build of the stored figures: exact, not minutes late."""
    staff_client = Client()
    staff_client.force_login(officer)
    cache.clear()
    towns = a_few_municipalities()
    summary.rebuild()
    advised = "<dt>Kommunen beraten</dt><dd>{}</dd>"
    dashboard = reverse("figures:dashboard")
    for session, url in ((client, PUBLIC), (staff_client, dashboard)):
        first = count_queries(session, url)
        assert count_queries(session, url) < first  # rendered once for this build
        assert advised.format(1) in session.get(url).content.decode()
    ConsultationFactory(municipality=towns[2], date=date(2021, 1, 4))
    for session, url in ((client, PUBLIC), (staff_client, dashboard)):
        assert advised.format(2) in session.get(url).content.decode()  # at once, counted
    summary.rebuild()
    for session, url in ((client, PUBLIC), (staff_client, dashboard)):
        assert advised.format(2) in session.get(url).content.decode()  # the new build


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: the cache is down
        }
    },
)
def test_stored_figures_render_while_the_cache_is_down(client: Client) -> None:
    a_few_municipalities()
    summary.rebuild()
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert "<dt>Kommunen eng zusammenarbeitend</dt><dd>1</dd>" in response.content.decode()


@override_settings(ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS=300)
def test_a_new_build_never_takes_figures_kept_from_before_it(client: Client) -> None:
    """Figures counted while the stored ones were out of date are kept five minutes; the page of
    a new build must not render them (they may miss a change the build holds)."""
    cache.clear()
    towns = a_few_municipalities()
    advised = "<dt>Kommunen beraten</dt><dd>{}</dd>"
    assert advised.format(1) in client.get(PUBLIC).content.decode()  # counted, kept
    ConsultationFactory(municipality=towns[2], date=date(2021, 1, 4))
    summary.rebuild()
    assert advised.format(2) in client.get(PUBLIC).content.decode()
