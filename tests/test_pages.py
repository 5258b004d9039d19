"""The public pages: landing page, login and health check."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_landing_page_is_german_and_leads_to_the_login(client: Client) -> None:
    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert "ASSKomm-Portal" in page
    assert "Allianz Sichere Sächsische Kommunen" in page
    assert f'href="{reverse("login")}"' in page
    assert 'href="#main"' in page  # skip link
    assert "Statistisches Bundesamt (Destatis)" in page


def test_landing_page_offers_staff_the_administration(client: Client, officer) -> None:
    client.force_login(officer)

    page = client.get("/").content.decode()

    assert 'href="/admin/"' in page
    assert "Abmelden" in page


def test_the_admin_names_the_sites_icon(client: Client, officer) -> None:
    # Without it browsers ask for /favicon.ico, which the portal does not serve (404 in the log).
    client.force_login(officer)

    page = client.get("/admin/").content.decode()

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


def test_login_page_is_in_the_sites_look(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()

    assert "E-Mail-Adresse" in page
    assert "Passwort" in page
    assert "site.css" in page
    assert "csrfmiddlewaretoken" in page


def test_login_is_protected_against_cross_site_requests(officer) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("login"), {"username": officer.email, "password": "richtig-gutes-passwort"}
    )

    assert response.status_code == 403


def test_health_check_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_check_answers_for_an_internal_host_name(client: Client) -> None:
    # The orchestrator probes the container by an address that is not an allowed host.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_health_check_reports_an_unreachable_redis(client: Client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
