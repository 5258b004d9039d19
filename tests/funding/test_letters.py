"""Decision letters: rendered by the task, read back, verifiable, mailed to the coordinators."""

import hashlib
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from asskomm.pdf import short_fingerprint
from funding.models import FundingApplication, FundingDecision
from funding.services import application_amend, application_reject

pytestmark = pytest.mark.django_db


def read(decision: FundingDecision) -> tuple[bytes, str]:
    decision.refresh_from_db()
    with decision.letter.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return data, " ".join(text.split())


def test_grant_letter_states_amount_project_and_proof_in_german(
    approved: Callable[..., FundingApplication],
) -> None:
    application = approved()
    decision = application.decisions.get()

    data, text = read(decision)

    assert decision.letter_sha256 == hashlib.sha256(data).hexdigest()
    assert decision.letter_pages
    assert decision.letter_pages >= 1
    assert "Zuwendungsbescheid" in text
    assert f"Aktenzeichen: {application.file_number}/1" in text
    assert "Stadt Großenhain" in text
    assert "Bürger für unsere saubere Stadt" in text
    assert "21.150,00 EUR" in text
    assert "23.500,00 EUR" in text  # eligible costs
    assert "20. Januar 2026" in text  # date of the decision, German month
    assert "30. Mai 2027" in text  # proof of use due
    assert "Teilbeträgen" in text  # above 20,000 EUR: instalments
    assert short_fingerprint(decision.content_fingerprint) in text
    assert decision.content_fingerprint in text


def test_small_grant_is_paid_by_reimbursement_in_the_letter(
    approved: Callable[..., FundingApplication],
) -> None:
    application = approved(amount="15000.00")
    _data, text = read(application.decisions.get())
    assert "15.000,00 EUR" in text
    assert "Erstattungsverfahren" in text


def test_rejection_letter_carries_the_reasons(
    in_review: Callable[..., FundingApplication], officer: Any, committed: Callable[[], Any]
) -> None:
    application = in_review()
    with committed():
        decision = application_reject(
            application=application,
            reason="Die Maßnahmen sind überwiegend investiv (Videoüberwachung).",
            decided_on=date(2026, 2, 3),
            user=officer,
        )
    _data, text = read(decision)
    assert "Ablehnungsbescheid" in text
    assert "überwiegend investiv (Videoüberwachung)" in text
    assert "Rechtsbehelfsbelehrung" in text


def test_amendment_letter_and_the_earlier_letter_stay_verifiable(
    approved: Callable[..., FundingApplication],
    officer: Any,
    client: Client,
    committed: Callable[[], Any],
) -> None:
    application = approved()
    first = application.decisions.get()
    with committed():
        amendment = application_amend(
            application=application,
            amount=Decimal("18000.00"),
            reason="Eine Bürgerwerkstatt entfällt.",
            decided_on=date(2026, 6, 1),
            user=officer,
        )
    _data, text = read(amendment)
    assert "Änderungsbescheid" in text
    assert "18.000,00 EUR" in text
    assert "Eine Bürgerwerkstatt entfällt." in text

    page = client.get(reverse("verify_fingerprint", args=[first.content_fingerprint]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Zuwendungsbescheid" in content
    assert f"{application.file_number}/1" in content
    # The earlier letter is genuine, but the page says that a later decision changed it.
    assert f"{application.file_number}/2" in content

    page = client.get(reverse("verify_fingerprint", args=[amendment.content_fingerprint]))
    assert "Änderungsbescheid" in page.content.decode()


def test_verification_by_the_letters_file_hash_and_nothing_personal(
    approved: Callable[..., FundingApplication], client: Client, coordinator: Any
) -> None:
    application = approved()
    decision = application.decisions.get()
    decision.refresh_from_db()

    page = client.get(reverse("verify_fingerprint", args=[decision.letter_sha256]))
    content = page.content.decode()

    assert page.status_code == 200
    assert "Großenhain" in content
    assert coordinator.last_name not in content
    assert coordinator.email not in content
    assert "21.150" not in content  # the amount is not public on the verification page


def test_an_unknown_fingerprint_is_not_genuine(client: Client, db: None) -> None:
    page = client.get(reverse("verify_fingerprint", args=["0" * 64]))
    assert page.status_code in (200, 404)
    assert "Großenhain" not in page.content.decode()


def test_the_letter_is_mailed_once_to_the_coordinators_with_the_pdf(
    approved: Callable[..., FundingApplication], coordinator: Any
) -> None:
    mail.outbox.clear()
    application = approved()
    decision = application.decisions.get()
    decision.refresh_from_db()

    letters = [m for m in mail.outbox if "Zuwendungsbescheid" in m.subject]
    assert len(letters) == 1
    message = letters[0]
    assert message.to == [coordinator.email]
    assert application.file_number in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf"
    assert name.endswith(".pdf")
    assert hashlib.sha256(content).hexdigest() == decision.letter_sha256
    assert decision.letter_sent_at is not None

    # Rendering again (a retried task) neither renders nor mails a second time.
    from funding.services import decision_render_letter

    decision_render_letter(decision_id=decision.pk)
    assert len([m for m in mail.outbox if "Zuwendungsbescheid" in m.subject]) == 1


def test_the_frozen_text_does_not_follow_later_changes(
    approved: Callable[..., FundingApplication],
) -> None:
    application = approved()
    decision = application.decisions.get()
    FundingApplication.objects.filter(pk=application.pk).update(title="Anderer Titel")
    decision.refresh_from_db()
    assert decision.frozen_content["title"] == "Bürger für unsere saubere Stadt"
