"""In a real browser: staff log in on the site's page and work in the admin; pages meet WCAG AA."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from municipalities.register_files import parse_register
from municipalities.services import register_import

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def log_in(page: Page, base_url: str, email: str, password: str, next_url: str = "/admin/") -> None:
    page.goto(f"{base_url}/anmelden/?next={next_url}")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def test_officer_logs_in_and_finds_a_municipality(
    page: Page, live_server, officer, gv100ad_bytes
) -> None:
    register_import(edition=parse_register(gv100ad_bytes))

    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("ASSKomm-Portal")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Anmelden").first.click()
    expect(page).to_have_url(f"{live_server.url}/anmelden/")
    assert serious_violations(page) == []

    log_in(page, live_server.url, officer.email, "richtig-gutes-passwort")
    expect(page.get_by_role("heading", name="Register und Programm")).to_be_visible()
    page.get_by_role("link", name="Kommunen", exact=True).first.click()
    page.get_by_role("link", name="Polizeidirektion Görlitz").click()
    page.locator("#searchbar").fill("Budyšin")
    page.locator("#searchbar").press("Enter")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bautzen")
    expect(rows.first).to_contain_text("14625020")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-kommunen.png"), full_page=True)


def test_wrong_password_keeps_the_address_and_explains(page: Page, live_server, officer) -> None:
    log_in(page, live_server.url, officer.email, "falsch")

    expect(page.get_by_text("E-Mail-Adresse oder Passwort sind nicht korrekt")).to_be_visible()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(officer.email)
    assert serious_violations(page) == []


def test_skip_link_is_the_first_stop_for_the_keyboard(page: Page, live_server) -> None:
    page.goto(live_server.url)

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
