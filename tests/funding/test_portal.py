"""The coordinators' side: the guided form step by step, live checks, submission, proof of use."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingApplication, FundingYear, Payment

from ..agreements.test_workflow import a_pdf

Status = FundingApplication.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client: Client, coordinator: Any) -> Client:
    client.force_login(coordinator)
    return client


@pytest.fixture
def open_year(funding_year: FundingYear) -> FundingYear:
    """The call window runs today."""
    today = timezone.localdate()
    funding_year.call_opens = today - timedelta(days=10)
    funding_year.call_closes = today + timedelta(days=10)
    funding_year.save()
    return funding_year


def step_url(application: FundingApplication, step: str) -> str:
    return reverse("funding:step", args=[application.municipality.ags, application.pk, step])


def lines_data(*lines: dict[str, str]) -> dict[str, str]:
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, line in enumerate(lines):
        data.update({f"lines-{index}-{key}": value for key, value in line.items()})
    return data


def test_the_whole_application_through_the_guided_form(
    portal: Client, open_year: FundingYear, town: Any, consultation: Any, coordinator: Any
) -> None:
    from django.core import mail

    listing = reverse("funding:applications", args=[town.ags])
    response = portal.post(listing, {"funding_year": open_year.pk, "title": "Saubere Stadt"})
    application = FundingApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(application, "projekt")

    portal.post(
        step_url(application, "projekt"),
        {
            "title": "Saubere Stadt",
            "field_of_action": "vermuellung",
            "starts_on": "2026-03-01",
            "ends_on": "2026-11-30",
            "consultation": consultation.pk,
            "continue": "1",
        },
    )
    portal.post(
        step_url(application, "beschreibung"),
        {
            "problem": "Müll am Bahnhof",
            "causes": "Wenig Kontrolle",
            "goals": "Saubere Plätze",
            "measures": "Aktionen",
            "implementation": "Ordnungsamt und Vereine",
            "evaluation": "Zählung",
            "continue": "1",
        },
    )
    response = portal.post(
        step_url(application, "kosten"),
        {
            **lines_data(
                {"kind": "honorare", "description": "Moderation", "amount": "8000.00"},
                {"kind": "sachkosten", "description": "Material", "amount": "12000.00"},
                {
                    "kind": "sachkosten",
                    "description": "Kamera",
                    "amount": "5000.00",
                    "is_capital_expenditure": "on",
                },
            ),
            "continue": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    portal.post(
        step_url(application, "finanzierung"),
        {
            "own_funds": "1000.00",
            "own_contribution_in_kind": "1000.00",
            "third_party_funds": "0",
            "continue": "1",
        },
    )
    uploaded = portal.post(
        step_url(application, "anlagen"),
        {"title": "Stadtratsbeschluss", "file": a_pdf("Beschluss")},
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[-3000:]
    review = portal.get(step_url(application, "pruefen")).content.decode()
    assert "Stadtratsbeschluss" in review
    assert "25.000,00 €" in review  # total costs
    assert "20.000,00 €" in review  # eligible: the camera does not count
    assert "18.000,00 €" in review  # requested

    mail.outbox.clear()
    response = portal.post(reverse("funding:submit", args=[town.ags, application.pk]), follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_by == coordinator
    assert application.requested_amount == Decimal("18000.00")
    assert "eingereicht" in response.content.decode()
    detail = portal.get(reverse("funding:application", args=[town.ags, application.pk]))
    assert "Eingereicht" in detail.content.decode()
    # Once submitted, the steps are closed.
    closed = portal.post(step_url(application, "projekt"), {"title": "Anders", "continue": "1"})
    assert closed.status_code == 302
    application.refresh_from_db()
    assert application.title == "Saubere Stadt"


def test_the_live_check_of_the_cost_plan_saves_nothing(
    portal: Client, make_application: Callable[..., FundingApplication], town: Any
) -> None:
    application = make_application()
    url = reverse("funding:plan_check", args=[town.ags, application.pk])

    response = portal.post(
        url,
        lines_data(
            {"kind": "honorare", "description": "A", "amount": "10000"},
            {"kind": "sachkosten", "description": "B", "amount": "abc"},
            {
                "kind": "personal",
                "description": "Stelle",
                "amount": "50000",
                "pay_group": "eg11",
                "fte": "0,5",
                "months": "6",
            },
        ),
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="plan-summary"' in html
    assert "<html" not in html
    # 10,000 + EG 11 ceiling × 0.5 × 6 = 10,000 + 13,857 = 23,857 eligible of 60,000.
    assert "60.000,00 €" in html
    assert "23.857,00 €" in html
    assert "mindestens 10" in html  # the saved own share (2,350) is below 10 % of 23,857
    assert application.cost_lines.count() == 3  # the saved plan is untouched


def test_a_bad_cost_line_keeps_everything_typed(
    portal: Client, make_application: Callable[..., FundingApplication]
) -> None:
    application = make_application()
    response = portal.post(
        step_url(application, "kosten"),
        {
            **lines_data(
                {"kind": "honorare", "description": "Neue Zeile", "amount": "-5"},
                {"kind": "personal", "description": "Ohne Entgeltgruppe", "amount": "100"},
            ),
            "continue": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Neue Zeile" in html
    assert "Ohne Entgeltgruppe" in html
    assert "Entgeltgruppe" in html  # the message of the personnel rule
    assert application.cost_lines.count() == 3


def test_submission_outside_the_window_names_the_dates(
    portal: Client, make_application: Callable[..., FundingApplication], town: Any
) -> None:
    application = make_application()  # the 2026 call closed on 15 October 2025
    page = portal.get(step_url(application, "pruefen")).content.decode()
    assert "31.08.2025" in page
    assert "15.10.2025" in page
    response = portal.post(reverse("funding:submit", args=[town.ags, application.pk]), follow=True)
    assert "15.10.2025" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_an_upload_that_is_no_pdf_is_refused(
    portal: Client, make_application: Callable[..., FundingApplication]
) -> None:
    application = make_application()
    response = portal.post(
        step_url(application, "anlagen"),
        {"title": "Virus", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not application.attachments.exists()


def test_an_unknown_step_is_404(
    portal: Client, make_application: Callable[..., FundingApplication]
) -> None:
    application = make_application()
    assert portal.get(step_url(application, "hacken")).status_code == 404


def test_timeline_decisions_and_letters_for_the_coordinator(
    portal: Client, approved: Callable[..., FundingApplication], town: Any
) -> None:
    application = approved()
    page = portal.get(reverse("funding:application", args=[town.ags, application.pk]))
    html = page.content.decode()
    assert "Eingereicht" in html
    assert "Bewilligt" in html
    decision = application.decisions.get()
    letter_url = reverse("funding:letter", args=[town.ags, decision.pk])
    assert letter_url in html
    letter = portal.get(letter_url)
    assert letter["Content-Type"] == "application/pdf"
    documents = portal.get(reverse("portal:documents", args=[town.ags])).content.decode()
    assert "Zuwendungsbescheid" in documents


def test_proof_of_use_form(
    portal: Client, approved: Callable[..., FundingApplication], town: Any, officer: Any
) -> None:
    from funding.services import payment_record

    application = approved()
    payment_record(
        application=application,
        amount=Decimal("21150.00"),
        paid_on=timezone.localdate(),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    url = reverse("funding:proof", args=[town.ags, application.pk])
    lines = list(application.cost_lines.order_by("position"))
    page = portal.get(url).content.decode()
    assert "8.000,00" in page  # planned amount of the first line, German

    bad = portal.post(url, {"report": "", **{f"actual_{line.pk}": "x" for line in lines}})
    assert bad.status_code == 200
    assert not hasattr(FundingApplication.objects.get(pk=application.pk), "proof")

    data = {"report": "Alles wie geplant."}
    data.update({f"actual_{line.pk}": "1.000,00" for line in lines})
    response = portal.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    assert {actual.actual_amount for actual in application.proof.lines.all()} == {
        Decimal("1000.00")
    }
