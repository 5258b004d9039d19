"""A coordinator ticks off a task of the analysis in Chromium; axe checks the pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from analyses.models import SecurityAnalysis

from ..portal.test_browser import SCREENSHOTS, assert_accessible
from ..test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_ticks_off_the_register_sample(
    page: Page,
    live_server: Any,
    make_analysis: Callable[..., SecurityAnalysis],
    town: Any,
    coordinator: Any,
) -> None:
    analysis = make_analysis()
    log_in(
        page,
        live_server.url,
        coordinator.email,
        "richtig-gutes-passwort",
        next_url=f"/kommune/{town.ags}/",
    )
    page.get_by_role("link", name="Sicherheitsanalyse", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Sicherheitsanalyse Markkleeberg").click()
    assert_accessible(page)
    task = page.locator("li", has_text="Stichprobe aus dem Melderegister geliefert")
    task.get_by_role("button", name=re.compile("^Als erledigt markieren")).click()
    expect(page.get_by_text("ist abgehakt")).to_be_visible()
    expect(task.get_by_role("button", name=re.compile("^Wieder öffnen"))).to_be_visible()
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "analysis-checklist.png"), full_page=True)
    task = analysis.checklist.get(task="melderegister")
    assert task.done_by == coordinator
