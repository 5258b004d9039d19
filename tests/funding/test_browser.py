"""The whole application journey in Chromium: a coordinator applies, an officer approves.

axe-core checks every portal page on the way (WCAG 2.1 AA); screenshots land in test-results/.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from funding.models import FundingApplication, FundingYear

from ..agreements.test_workflow import a_pdf
from ..portal.test_browser import SCREENSHOTS, assert_accessible
from ..test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "richtig-gutes-passwort"  # noqa: S105 - the factories' test password


def test_a_coordinator_applies_and_an_officer_approves(
    page: Page,
    browser: Browser,
    live_server: Any,
    funding_year: FundingYear,
    town: Any,
    consultation: Any,
    coordinator: Any,
    officer: Any,
    tmp_path: Any,
) -> None:
    today = timezone.localdate()
    funding_year.call_opens = today - timedelta(days=3)
    funding_year.call_closes = today + timedelta(days=3)
    funding_year.save()
    SCREENSHOTS.mkdir(exist_ok=True)

    # --- The coordinator starts an application.
    log_in(page, live_server.url, coordinator.email, PASSWORD, next_url=f"/kommune/{town.ags}/")
    page.get_by_role("link", name="Förderung").first.click()
    assert_accessible(page)
    page.get_by_label("Förderjahr").select_option(str(funding_year.pk))
    page.get_by_label("Projekttitel").fill("Bürger für unsere saubere Stadt")
    page.get_by_role("button", name="Anlegen").click()

    # 1. Project
    expect(page.get_by_role("heading", name="Bürger für unsere saubere Stadt")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Handlungsfeld").select_option("vermuellung")
    page.get_by_label("Projektbeginn").fill("2026-03-01")
    page.get_by_label("Projektende").fill("2026-11-30")
    page.get_by_label("Beratung durch die Geschäftsstelle").select_option(str(consultation.pk))
    page.get_by_role("button", name="Speichern und weiter").click()

    # 2. Description (Beccaria standard)
    for label, text in (
        ("Problem", "Wilde Müllablagerungen am Bahnhof."),
        ("Ursachen", "Wenig soziale Kontrolle."),
        ("Ziele", "Saubere Plätze, Patenschaften."),
        ("Maßnahmen", "Bürgerwerkstätten und Sammelaktionen."),
        ("Umsetzung", "Ordnungsamt mit Vereinen."),
        ("Evaluation", "Zählung vorher und nachher."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    assert_accessible(page)
    page.get_by_role("button", name="Speichern und weiter").click()

    # 3. Cost plan: the totals follow what is typed, before anything is saved.
    rows = page.locator("fieldset")
    first, second = rows.nth(0), rows.nth(1)
    first.get_by_label("Ausgabenart").select_option("honorare")
    first.get_by_label("Beschreibung").fill("Moderation der Bürgerwerkstätten")
    first.get_by_label("Geplanter Betrag (EUR)").fill("8000")
    second.get_by_label("Ausgabenart").select_option("sachkosten")
    second.get_by_label("Beschreibung").fill("Material und Entsorgung")
    second.get_by_label("Geplanter Betrag (EUR)").fill("15500")
    summary = page.locator("#plan-summary")
    expect(summary).to_contain_text("23.500,00 €")
    expect(summary).to_contain_text("mindestens 10")  # no own share yet
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "funding-cost-plan.png"), full_page=True)
    page.get_by_role("button", name="Speichern und weiter").click()

    # 4. Financing
    page.get_by_label("Eigenanteil in Geld (EUR)").fill("2350")
    page.get_by_role("button", name="Speichern und weiter").click()

    # 5. Attachments
    upload = tmp_path / "beschluss.pdf"
    upload.write_bytes(a_pdf("Stadtratsbeschluss").read())
    page.get_by_label("Titel").fill("Stadtratsbeschluss")
    page.get_by_label("Datei (PDF)").set_input_files(str(upload))
    page.get_by_role("button", name="Anlage hinzufügen").click()
    expect(page.get_by_role("link", name="Stadtratsbeschluss")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Speichern und weiter").click()

    # 6. Review and submit
    expect(page.get_by_text("Der Plan entspricht den Vorgaben der Richtlinie.")).to_be_visible()
    expect(page.locator("#plan-summary")).to_contain_text("21.150,00 €")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "funding-review.png"), full_page=True)
    page.get_by_role("button", name="Antrag einreichen").click()
    expect(page.get_by_text("Ihr Antrag wurde eingereicht")).to_be_visible()
    assert_accessible(page)
    application = FundingApplication.objects.get()
    assert application.status == FundingApplication.Status.SUBMITTED
    file_number = application.file_number

    # --- An officer reviews and approves in the admin.
    staff = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin").new_page()
    log_in(
        staff,
        live_server.url,
        officer.email,
        PASSWORD,
        next_url=f"/admin/funding/fundingapplication/{application.pk}/change/",
    )
    expect(
        staff.get_by_role("heading", name=f"Status: Eingereicht · {file_number}")
    ).to_be_visible()
    staff.get_by_role("button", name="Prüfung beginnen").click()
    expect(staff.get_by_text("Die Prüfung wurde begonnen.")).to_be_visible()
    staff.get_by_role("button", name="Als erledigt erfassen").first.click()
    staff.get_by_role("button", name="Als erledigt erfassen").click()
    approve = staff.locator("form", has=staff.get_by_role("button", name="Bewilligen"))
    expect(approve.get_by_label("Betrag (EUR)")).to_have_value("21.150,00")
    approve.get_by_label("Nebenbestimmungen").fill("Das Logo des LPR ist zu verwenden.")
    staff.screenshot(path=str(SCREENSHOTS / "funding-admin-review.png"), full_page=True)
    approve.get_by_role("button", name="Bewilligen").click()
    expect(staff.get_by_text("Bewilligt; der Zuwendungsbescheid")).to_be_visible()
    staff.reload()
    expect(staff.get_by_role("link", name="Herunterladen").first).to_be_visible()

    # --- The coordinator sees the grant and the letter.
    page.goto(f"{live_server.url}/kommune/{town.ags}/foerderung/{application.pk}/")
    expect(page.get_by_text("Bewilligt").first).to_be_visible()
    expect(page.get_by_role("link", name="Zuwendungsbescheid")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "funding-granted.png"), full_page=True)
