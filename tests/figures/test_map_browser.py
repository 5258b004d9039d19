"""In Chromium: the Leaflet maps draw every municipality and name it on hover and on focus."""

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from figures.services import boundaries_import
from municipalities.models import Municipality, PreventionCouncil

from ..test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The brief asks for the screenshots in /tmp, where the reviewer looks at them.
SCREENSHOTS = Path(tempfile.gettempdir())
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious_violations(page: Page, exclude: str | None = None) -> list[str]:
    """axe's serious and critical WCAG 2.1 AA findings, as in tests/portal/test_browser.py."""
    context = {"exclude": [[exclude]]} if exclude else None
    results = Axe().run(page, context=context, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def mapped(saxony: Any, shared_data_dir: Path) -> None:
    """Saxony with its boundaries; Chemnitz a Modellkommune, Bautzen with a council."""
    boundaries_import(shared_data_dir / "sachsen_gemeinden.geojson")
    Municipality.objects.filter(ags="14511000").update(is_model_municipality=True)
    council = PreventionCouncil.objects.create(
        name="Kommunaler Präventionsrat Bautzen",
        level=PreventionCouncil.Level.MUNICIPALITY,
        status=PreventionCouncil.Status.ACTIVE,
        constituted_on="2020-05-01",
    )
    council.municipalities.set(Municipality.objects.filter(ags="14625020"))


def hover_shows(page: Page, name: str, status: str) -> None:
    paths = page.locator(".figures-map path.leaflet-interactive")
    expect(paths).to_have_count(418)
    page.locator(f'.figures-map path[aria-label^="{name}:"]').hover()
    tooltip = page.get_by_role("tooltip", name=re.compile(name))
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(status)


def test_the_staff_dashboard_map(page: Page, live_server: Any, officer: Any, mapped: None) -> None:
    log_in(page, live_server.url, officer.email, "richtig-gutes-passwort", next_url="/admin/")
    page.locator('#content-main a[href="/admin/zahlen/"]').first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/zahlen/")
    hover_shows(page, "Chemnitz", "Modellkommune")
    drawn = "[...document.querySelectorAll('canvas[data-chart]')].map(c => !!Chart.getChart(c))"
    assert page.evaluate(drawn) == [True, True, True]
    expect(page.get_by_text("© GeoBasis-DE / BKG (2021)")).to_be_visible()
    # The keyboard reaches a municipality too, and it names itself.
    page.mouse.move(0, 0)
    page.locator('.figures-map path[aria-label^="Bautzen:"]').focus()
    tooltip = page.get_by_role("tooltip", name=re.compile("Bautzen"))
    expect(tooltip).to_contain_text("Präventionsrat")
    expect(page.get_by_role("tooltip")).to_have_count(1)
    # The map's outlines are checked on the public page (same code); here the rest of the page.
    assert serious_violations(page, exclude=".figures-map") == []
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)


def test_the_public_map(page: Page, live_server: Any, mapped: None) -> None:
    page.goto(f"{live_server.url}/")
    page.locator('main a[href="/zahlen/"]').click()
    expect(page).to_have_url(f"{live_server.url}/zahlen/")
    hover_shows(page, "Chemnitz", "Modellkommune")
    assert serious_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "public.png"), full_page=True)
