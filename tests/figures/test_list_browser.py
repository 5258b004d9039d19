"""In Chromium: the lists of municipalities are reached from the figures, filter, page and pass
axe's WCAG 2.1 AA checks (labels, captions, the pager's names and focus)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from municipalities.models import Municipality

from ..test_browser import log_in
from .test_map_browser import SCREENSHOTS, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def participating(saxony: Any) -> int:
    """Saxony; every municipality of PD Chemnitz (more than a page) and Leipzig itself
    Modellkommunen. Returns how many of PD Chemnitz."""
    chemnitz = Municipality.objects.filter(district__police_directorate__code="chemnitz")
    chemnitz.update(is_model_municipality=True)
    Municipality.objects.filter(ags="14713000").update(is_model_municipality=True)
    assert chemnitz.count() > 100
    return chemnitz.count()


def test_the_public_list(page: Page, live_server: Any, participating: int) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/zahlen/")
    expect(page.locator("#participation")).to_contain_text("Modellkommune")
    page.get_by_role("link", name="Liste der teilnehmenden Kommunen").click()
    expect(page).to_have_url(f"{live_server.url}/zahlen/kommunen/")
    expect(page.get_by_text("Kommunen 1 bis 100 von")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Polizeidirektion:", exact=True).select_option(
        label="Polizeidirektion Leipzig"
    )
    page.get_by_role("button", name="Kommunen anzeigen").click()
    expect(page.locator("#municipalities tbody tr")).to_have_count(1)
    expect(page.locator("#municipalities")).to_contain_text("Stadt Leipzig")

    page.get_by_label("Polizeidirektion:", exact=True).select_option(
        label="Polizeidirektion Chemnitz"
    )
    page.get_by_role("button", name="Kommunen anzeigen").click()
    expect(page.locator("#municipalities tbody tr")).to_have_count(100)
    pager = page.get_by_role("navigation", name="Seiten der Liste")
    # The keyboard reaches the pager, and the link shows its focus.
    link = pager.get_by_role("link", name="Seite 2", exact=True)
    link.focus()
    outline = link.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/zahlen/kommunen/?directorate=chemnitz&page=2")
    expect(page.locator("#municipalities tbody tr")).to_have_count(participating - 100)
    expect(pager.get_by_role("link", name="Seite 2, aktuelle Seite")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "public_municipalities.png"), full_page=True)


def test_the_staff_list(page: Page, live_server: Any, officer: Any, participating: int) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(
        page, live_server.url, officer.email, "richtig-gutes-passwort", next_url="/admin/zahlen/"
    )
    expect(page).to_have_url(f"{live_server.url}/admin/zahlen/")
    page.get_by_role("link", name="Liste der Kommunen mit Stand und Bausteinen").click()
    expect(page.get_by_text("Kommunen 1 bis 100 von 418 (Seite 1 von 5)")).to_be_visible()
    page.get_by_label("Name oder AGS").fill("145110")
    page.get_by_label("Status:", exact=True).select_option(label="Modellkommune")
    page.get_by_role("button", name="Kommunen anzeigen").click()
    expect(page.locator("#municipalities tbody tr")).to_have_count(1)
    expect(page.locator("#municipalities")).to_contain_text("14511000")
    page.get_by_label("Name oder AGS").fill("")
    page.get_by_role("button", name="Kommunen anzeigen").click()
    page.get_by_role("navigation", name="Seiten der Liste").get_by_role(
        "link", name="Nächste Seite"
    ).click()
    total = participating + 1
    expect(
        page.get_by_text(f"Kommunen 101 bis {total} von {total} (Seite 2 von 2)")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "staff_municipalities.png"), full_page=True)
