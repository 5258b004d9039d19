"""The coordinator's journey in a real browser, with axe-core checking every page (WCAG 2.1 AA)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.roles import Role
from municipalities.models import (
    CouncilMeeting,
    CouncilMember,
    Municipality,
    PreventionCouncil,
    ServiceRequest,
)
from municipalities.services import coordinator_assign, coordinator_invite

from ..agreements.test_workflow import a_pdf
from ..factories import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results"
AXE = Axe()


def assert_accessible(page: Page) -> None:
    results = AXE.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == [], page.url


def test_an_invited_coordinator_looks_after_the_council(
    page: Page, live_server, officer, tmp_path
) -> None:
    town = MunicipalityFactory(name="Dippoldiswalde", kind=Municipality.Kind.MAJOR_DISTRICT_TOWN)
    council = PreventionCouncil.objects.create(
        name="Sicherheitskreis Dippoldiswalde", level="gemeinde", status="aktiv"
    )
    council.municipalities.set([town])
    with_transaction_callbacks = coordinator_invite(
        email="koordination@dippoldiswalde.example",
        first_name="Michael",
        last_name="Schubert",
        municipalities=[town],
        invited_by=officer,
    )
    assert with_transaction_callbacks.email == "koordination@dippoldiswalde.example"
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0).split("/", 3)[3]

    # The link from the mail: set a password, and be logged in.
    page.goto(f"{live_server.url}/{link}")
    assert_accessible(page)
    page.locator("#id_new_password1").fill("Sicherer-Kreis-2026")
    page.locator("#id_new_password2").fill("Sicherer-Kreis-2026")
    page.get_by_role("button", name="Passwort festlegen und anmelden").click()
    expect(page.get_by_text("Ihr Passwort ist gesetzt")).to_be_visible()
    page.get_by_role("link", name="Meine Kommune").click()

    # The start page.
    expect(page.get_by_role("heading", name="Unser Weg durch ASSKomm")).to_be_visible()
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "portal-start.png"), full_page=True)

    # Contact data.
    page.get_by_role("link", name="Kontaktdaten").click()
    assert_accessible(page)
    page.locator("#id_mayor-last_name").fill("Körner")
    page.locator("#id_office-last_name").fill("Schubert")
    page.locator("#id_office-email").fill("kein-gültiges-mail")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte gültige E-Mail-Adresse eingeben")).to_be_visible()
    expect(page.locator("#id_mayor-last_name")).to_have_value("Körner")  # nothing typed is lost
    assert_accessible(page)
    page.locator("#id_office-email").fill("praevention@dippoldiswalde.example")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Kontaktdaten sind gespeichert.")).to_be_visible()

    # The council and its members.
    page.get_by_role("link", name="Präventionsrat", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Präventionsrat und Mitglieder bearbeiten").click()
    assert_accessible(page)
    page.locator("#id_constituted_on").fill("2016-05-01")
    page.locator("#id_reactivated_on").fill("2021-11-09")
    page.locator("#id_groups-0-name").fill("Sicherheitsabsprache")
    page.locator("#id_members-0-organisation").fill("Technisches Hilfswerk (THW)")
    page.locator("#id_members-0-person_name").fill("Jörg Weißbach")
    page.locator("#id_members-0-role").select_option("lenkungsgruppe")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    expect(page.get_by_text("Ihre Eingaben sind als Entwurf gespeichert")).to_be_visible()
    expect(page.locator("#id_members-0-person_name")).to_have_value("Jörg Weißbach")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Der Präventionsrat wurde gespeichert.")).to_be_visible()
    expect(page.get_by_role("cell", name="Jörg Weißbach")).to_be_visible()

    # A meeting with its minutes.
    page.get_by_role("link", name="Sitzung erfassen").click()
    assert_accessible(page)
    minutes = tmp_path / "niederschrift.pdf"
    minutes.write_bytes(a_pdf("Niederschrift").read())
    page.locator("#id_date").fill("2025-06-03")
    page.locator("#id_topic").fill("Sicherheit beim Stadtfest")
    page.locator("#id_minutes_upload").set_input_files(str(minutes))
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Sitzung wurde gespeichert.")).to_be_visible()
    expect(page.get_by_role("link", name="PDF herunterladen 03.06.2025")).to_be_visible()

    # Ask for coaching.
    page.get_by_role("link", name="Anfragen").click()
    assert_accessible(page)
    page.get_by_role("link", name="Anfragen: ASSKomm-Coaching").click()
    assert_accessible(page)
    page.locator("#id_message").fill("Begleitung beim Aufbau der Lenkungsgruppe")
    page.get_by_role("button", name="Anfrage senden").click()
    expect(page.get_by_text("Ihre Anfrage wurde gesendet")).to_be_visible()

    page.get_by_role("link", name="Dokumente").click()
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie wurden abgemeldet.")).to_be_visible()

    council.refresh_from_db()
    assert council.reactivated_on.isoformat() == "2021-11-09"
    assert CouncilMember.objects.get(council=council).person_name == "Jörg Weißbach"
    assert CouncilMeeting.objects.get(council=council).minutes_sha256
    assert ServiceRequest.objects.get().kind == "coaching"
    assert any("Begleitung beim Aufbau" in message.body for message in mail.outbox)


def test_a_second_coordinator_cannot_reach_the_first_ones_pages(page: Page, live_server) -> None:
    first, second = MunicipalityFactory(name="Meißen"), MunicipalityFactory(name="Großenhain")
    other = UserFactory(roles=[Role.COORDINATOR], email="koordination@grossenhain.example")
    coordinator_assign(user=other, municipality=second)

    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("koordination@grossenhain.example")
    page.get_by_label("Passwort").fill("richtig-gutes-passwort")
    page.get_by_role("button", name="Anmelden").click()
    response = page.goto(f"{live_server.url}/kommune/{first.ags}/praeventionsrat/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    assert_accessible(page)


def test_keyboard_users_see_where_they_are(page: Page, live_server, make_user) -> None:
    town = MunicipalityFactory(name="Zittau")
    user = make_user(Role.COORDINATOR, email="tastatur@zittau.example")
    coordinator_assign(user=user, municipality=town)
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("tastatur@zittau.example")
    page.get_by_label("Passwort").fill("richtig-gutes-passwort")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form is submitted from the keyboard
    page.goto(f"{live_server.url}/kommune/{town.ags}/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
