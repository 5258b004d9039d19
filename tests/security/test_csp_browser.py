"""In Chromium: the pages work under the Content Security Policy, without a single violation.

Chromium reports every refused inline script or style, eval, foreign source or blocked frame as a
``securitypolicyviolation`` event and on the console; both are collected on every page, and each
page must also carry the policy (so the test cannot pass because the header went missing). On the
way an administrator links an authenticator app and logs in with a code, as a real person would.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from funding.services import application_create
from municipalities.models import Municipality

from ..figures.test_map_browser import mapped  # noqa: F401 - fixture
from ..funding.conftest import coordinator, funding_year, town  # noqa: F401 - fixtures
from ..test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "richtig-gutes-passwort"  # noqa: S105 - the factories' test password

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " in " + event.sourceFile + ":" + event.lineNumber + " sample " + event.sample
  );
});
"""


class Watch:
    """Collects CSP reports and script errors of one browser context."""

    def __init__(self, context: BrowserContext) -> None:
        self.problems: list[str] = []
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"error: {error.error}"))

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text:
            self.problems.append(f"{message.type}: {text}")

    def visit(self, page: Page, url: str) -> None:
        response = page.goto(url)
        assert response is not None
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, f"{url}: no Content-Security-Policy"
        page.wait_for_load_state("networkidle")
        self.check(url)

    def check(self, where: str) -> None:
        problems, self.problems[:] = list(self.problems), []
        assert problems == [], f"{where}: {problems}"


@pytest.fixture
def watched(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def open_page() -> tuple[Page, Watch]:
        context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
        contexts.append(context)
        watch = Watch(context)
        return context.new_page(), watch

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.usefixtures("mapped")
def test_public_pages_and_the_lockout_page(watched: Any, live_server: Any, settings: Any) -> None:
    page, watch = watched()
    base = live_server.url
    for url in ("/", "/anmelden/", "/pruefen/", "/passwort/vergessen/"):
        watch.visit(page, base + url)
    watch.visit(page, base + "/zahlen/")
    expect(page.locator(".figures-map[data-ready]")).to_have_count(1)
    page.locator('.figures-map path[aria-label^="Chemnitz:"]').hover()
    expect(page.get_by_role("tooltip")).to_be_visible()
    assert page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].length") > 0
    watch.check("/zahlen/ after hovering the map")

    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, base, "niemand@example.org", "falsch")
    expect(page.get_by_role("heading", name="Anmeldung vorübergehend gesperrt")).to_be_visible()
    watch.check("the lockout page")


def test_a_coordinator_works_under_the_policy(
    watched: Any,
    live_server: Any,
    coordinator: Any,  # noqa: F811
    town: Municipality,  # noqa: F811
    funding_year: Any,  # noqa: F811
) -> None:
    application = application_create(
        municipality=town, funding_year=funding_year, title="Sicher im Quartier", user=coordinator
    )
    page, watch = watched()
    base = live_server.url
    log_in(page, base, coordinator.email, PASSWORD, next_url=f"/kommune/{town.ags}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    watch.check("the coordinator's start page")

    watch.visit(page, f"{base}/kommune/{town.ags}/foerderung/{application.pk}/schritt/kosten/")
    page.locator("fieldset").first.get_by_label("Geplanter Betrag (EUR)").fill("8000")
    # htmx recomputes the plan's sums on input: its request and swap run under the policy too.
    expect(page.locator("#plan-summary")).to_contain_text("8.000,00")
    watch.check("the cost plan after htmx updated the sums")
    watch.visit(page, f"{base}/kommune/{town.ags}/foerderung/{application.pk}/schritt/projekt/")


@pytest.mark.usefixtures("mapped")
def test_an_administrator_sets_up_the_app_and_works_in_the_admin(
    watched: Any, live_server: Any, administrator: Any, settings: Any
) -> None:
    settings.ASSKOMM_REQUIRE_2FA = True
    page, watch = watched()
    base = live_server.url

    log_in(page, base, administrator.email, PASSWORD, next_url="/admin/")
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung einrichten")).to_be_visible()
    expect(page.get_by_role("img", name="QR-Code für die Authenticator-App")).to_be_visible()
    watch.check("the two-factor setup page")
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    page.get_by_label("Sechsstelliger Code aus der App").fill("000000")
    page.get_by_role("button", name="Bestätigen und weiter").click()
    expect(page.get_by_text("Dieser Code ist nicht korrekt")).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp's throttle after a wrong code: 1 s
    page.get_by_label("Sechsstelliger Code aus der App").fill(
        f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    )
    page.get_by_role("button", name="Bestätigen und weiter").click()
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Register und Programm")).to_be_visible()
    watch.check("the admin index after the code")

    chemnitz = Municipality.objects.get(ags="14511000")
    for url in (
        "/admin/municipalities/municipality/?q=Chemnitz",
        f"/admin/municipalities/municipality/{chemnitz.pk}/history/",
        "/admin/accounts/user/",
        "/admin/funding/fundingapplication/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        watch.visit(page, base + url)

    watch.visit(page, f"{base}/admin/municipalities/municipality/{chemnitz.pk}/change/")
    # The autocomplete widget (select2) builds its drop-down in the page.
    page.locator(".field-association .select2-selection").first.click()
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    watch.check("the autocomplete drop-down")

    watch.visit(page, base + "/admin/zahlen/")
    expect(page.locator(".figures-map[data-ready]")).to_have_count(1)
    drawn = "[...document.querySelectorAll('canvas[data-chart]')].map(c => !!Chart.getChart(c))"
    assert all(page.evaluate(drawn))
    page.locator('.figures-map path[aria-label^="Bautzen:"]').hover()
    expect(page.get_by_role("tooltip", name=re.compile("Bautzen"))).to_be_visible()
    watch.check("/admin/zahlen/ with map and charts")
