"""The rules of the RL KommPräv as the services enforce them, with their history."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from funding.models import FundingApplication, FundingDecision, FundingYear, PayGroupCap, Payment
from funding.services import (
    application_accept_late,
    application_amend,
    application_approve,
    application_reject,
    application_start_review,
    application_submit,
    application_withdraw,
    payment_record,
    proof_reminders_send,
    proof_review,
    proof_submit,
)

from .conftest import IN_WINDOW, YEAR

Status = FundingApplication.Status
D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german() -> Any:
    with translation.override("de"):
        yield


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- Submission and the call window


@pytest.mark.parametrize(
    ("today", "accepted"),
    [
        (date(2025, 8, 30), False),
        (date(2025, 8, 31), True),
        (date(2025, 10, 15), True),
        (date(2025, 10, 16), False),
    ],
)
def test_submission_only_inside_the_call_window(
    make_application: Callable[..., FundingApplication],
    coordinator: Any,
    today: date,
    accepted: bool,
) -> None:
    application = make_application()
    if accepted:
        application_submit(application=application, user=coordinator, today=today)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.file_number == f"KP-{YEAR}-001"
        assert application.requested_amount == D("21150.00")
        assert application.eligible_costs == D("23500.00")
        assert application.submitted_on == today
    else:
        with pytest.raises(ValidationError) as error:
            application_submit(application=application, user=coordinator, today=today)
        # The message names the dates of the window.
        assert "31.08.2025" in messages_of(error)
        assert "15.10.2025" in messages_of(error)
        application.refresh_from_db()
        assert application.status == Status.DRAFT
        assert application.file_number == ""


def test_staff_accept_a_late_application_with_the_reason_on_record(
    make_application: Callable[..., FundingApplication], officer: Any
) -> None:
    application = make_application()
    with pytest.raises(ValidationError):
        application_accept_late(application=application, reason="  ", user=officer)
    application_accept_late(
        application=application,
        reason="Posteingang am 16.10. nachweislich durch Poststreik verzögert",
        user=officer,
        today=date(2025, 10, 20),
    )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert "Poststreik" in application.late_acceptance_reason
    latest = application.history.latest()
    assert latest.history_user == officer
    assert "Poststreik" in latest.history_change_reason


def test_submission_lists_what_is_missing(
    make_application: Callable[..., FundingApplication], coordinator: Any
) -> None:
    application = make_application(consultation=None, goals="", own_funds="100.00")
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, user=coordinator, today=IN_WINDOW)
    text = messages_of(error)
    assert "Beratung" in text  # the consultation the guideline demands
    assert "Ziele" in text
    assert "mindestens 10" in text


def test_project_period_inside_the_funding_year(
    make_application: Callable[..., FundingApplication], coordinator: Any
) -> None:
    application = make_application(ends_on=date(YEAR + 1, 1, 31))
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, user=coordinator, today=IN_WINDOW)
    assert str(YEAR) in messages_of(error)


def test_consultation_must_be_of_the_applicant_and_in_the_past(
    make_application: Callable[..., FundingApplication], coordinator: Any, consultation: Any
) -> None:
    consultation.date = date(2025, 9, 20)
    consultation.save()
    application = make_application()
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, user=coordinator, today=date(2025, 9, 15))
    assert "stattgefunden" in messages_of(error)


def test_file_numbers_count_per_year(
    make_application: Callable[..., FundingApplication], coordinator: Any
) -> None:
    numbers = []
    for title in ("Erstes Projekt", "Zweites Projekt"):
        application = application_submit(
            application=make_application(title=title), user=coordinator, today=IN_WINDOW
        )
        numbers.append(application.file_number)
    assert numbers == [f"KP-{YEAR}-001", f"KP-{YEAR}-002"]


# --- Personnel costs and capital expenditure in the requested amount


def test_personnel_costs_capped_by_pay_group_in_the_requested_amount(
    make_application: Callable[..., FundingApplication], coordinator: Any
) -> None:
    cap = PayGroupCap.objects.filter(pay_group="eg11").latest("valid_from").monthly_cap
    lines = (
        (
            "personal",
            "Koordinierungsstelle 50 %",
            "40000.00",
            {"pay_group": "eg11", "fte": D("0.50"), "months": 10},
        ),
        ("sachkosten", "Videokamera Bahnhof", "15000.00", {"is_capital_expenditure": True}),
    )
    eligible = (cap * D("0.50") * 10).quantize(D("0.01"))
    own = (eligible * D("0.10")).quantize(D("0.01"))
    application = application_submit(
        application=make_application(
            lines=lines, own_funds=str(own), field_of_action="strukturaufbau"
        ),
        user=coordinator,
        today=IN_WINDOW,
    )
    assert application.eligible_costs == eligible
    assert application.requested_amount == eligible - own


# --- Approval: within the request, 90 %, the free budget; only after both reviews


def test_approval_needs_both_reviews(
    make_application: Callable[..., FundingApplication], coordinator: Any, officer: Any
) -> None:
    application = make_application()
    application_submit(application=application, user=coordinator, today=IN_WINDOW)
    with pytest.raises(ValidationError):
        application_approve(
            application=application, amount=D("1000.00"), decided_on=date(2026, 1, 5), user=officer
        )
    application_start_review(application=application, user=officer)
    with pytest.raises(ValidationError) as error:
        application_approve(
            application=application, amount=D("1000.00"), decided_on=date(2026, 1, 5), user=officer
        )
    assert "sachliche" in messages_of(error)
    assert not FundingDecision.objects.exists()


@pytest.mark.parametrize(
    ("amount", "accepted", "message"),
    [
        ("21150.00", True, ""),
        ("15000.00", True, ""),
        ("21150.01", False, "beantragt"),
        ("0.00", False, "0"),
    ],
)
def test_approved_amount_at_most_the_request(
    in_review: Callable[..., FundingApplication],
    officer: Any,
    amount: str,
    accepted: bool,
    message: str,
) -> None:
    application = in_review()
    year = application.funding_year
    if accepted:
        decision = application_approve(
            application=application, amount=D(amount), decided_on=date(2026, 1, 5), user=officer
        )
        application.refresh_from_db()
        year.refresh_from_db()
        assert application.status == Status.APPROVED
        assert application.approved_amount == D(amount)
        assert decision.kind == FundingDecision.Kind.GRANT
        assert decision.number == 1
        assert year.committed == D(amount)
        # Six months after the end of the project (30 November).
        assert application.proof_due_on == date(YEAR + 1, 5, 30)
    else:
        with pytest.raises(ValidationError) as error:
            application_approve(
                application=application,
                amount=D(amount),
                decided_on=date(2026, 1, 5),
                user=officer,
            )
        assert message in messages_of(error)
        year.refresh_from_db()
        assert year.committed == 0


def test_approved_amount_at_most_ninety_percent_of_eligible_costs(
    in_review: Callable[..., FundingApplication], officer: Any
) -> None:
    # Requested = eligible − own share; a late third-party withdrawal cannot lift it above 90 %.
    application = in_review()
    FundingApplication.objects.filter(pk=application.pk).update(requested_amount=D("23000.00"))
    application.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        application_approve(
            application=application, amount=D("22000.00"), decided_on=date(2026, 1, 5), user=officer
        )
    assert "90" in messages_of(error)
    assert "21.150,00" in messages_of(error)


def test_approval_never_exceeds_the_free_budget(
    in_review: Callable[..., FundingApplication], officer: Any, funding_year: FundingYear
) -> None:
    funding_year.budget = D("30000.00")
    funding_year.save()
    first, second = in_review(title="Erstes"), in_review(title="Zweites")
    application_approve(
        application=first, amount=D("21150.00"), decided_on=date(2026, 1, 5), user=officer
    )
    with pytest.raises(ValidationError) as error:
        application_approve(
            application=second, amount=D("21150.00"), decided_on=date(2026, 1, 5), user=officer
        )
    assert "8.850,00" in messages_of(error)  # the free budget, in German
    second.refresh_from_db()
    funding_year.refresh_from_db()
    assert second.status == Status.IN_REVIEW
    assert funding_year.committed == D("21150.00")
    # What is left can be granted.
    application_approve(
        application=second, amount=D("8850.00"), decided_on=date(2026, 1, 5), user=officer
    )
    funding_year.refresh_from_db()
    assert funding_year.free == 0


def test_the_database_refuses_approvals_above_the_budget(funding_year: FundingYear) -> None:
    """The second line of defence, for writes that bypass the services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingYear.objects.filter(pk=funding_year.pk).update(committed=D("1300000.01"))


def test_a_closed_year_takes_no_more_decisions(
    in_review: Callable[..., FundingApplication], officer: Any, funding_year: FundingYear
) -> None:
    application = in_review()
    funding_year.status = FundingYear.Status.CLOSED
    funding_year.save()
    with pytest.raises(ValidationError) as error:
        application_approve(
            application=application, amount=D("100.00"), decided_on=date(2026, 1, 5), user=officer
        )
    assert "2026" in messages_of(error)


def test_rejection_states_its_reasons(
    in_review: Callable[..., FundingApplication], officer: Any
) -> None:
    application = in_review()
    with pytest.raises(ValidationError):
        application_reject(
            application=application, reason=" ", decided_on=date(2026, 1, 5), user=officer
        )
    decision = application_reject(
        application=application,
        reason="Das Vorhaben ist überwiegend investiv.",
        decided_on=date(2026, 1, 5),
        user=officer,
    )
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert decision.kind == FundingDecision.Kind.REJECTION
    assert decision.amount is None
    assert application.funding_year.committed == 0


# --- Decided applications are records; changes are new decisions


def test_a_decided_application_cannot_be_edited_or_withdrawn(
    approved: Callable[..., FundingApplication], coordinator: Any
) -> None:
    from funding.services import application_save_draft

    application = approved()
    application.title = "Umbenannt"
    with pytest.raises(ValidationError):
        application_save_draft(application=application, user=coordinator, reason="Versuch")
    with pytest.raises(ValidationError):
        application_withdraw(application=application, user=coordinator)
    application.refresh_from_db()
    assert application.title == "Bürger für unsere saubere Stadt"


def test_amendment_is_a_new_decision_and_moves_the_budget(
    approved: Callable[..., FundingApplication], officer: Any
) -> None:
    application = approved(amount="20000.00")
    year = application.funding_year
    with pytest.raises(ValidationError):
        application_amend(
            application=application,
            amount=D("18000.00"),
            reason="",
            decided_on=date(2026, 6, 1),
            user=officer,
        )
    decision = application_amend(
        application=application,
        amount=D("18000.00"),
        reason="Eine Bürgerwerkstatt entfällt.",
        decided_on=date(2026, 6, 1),
        user=officer,
    )
    application.refresh_from_db()
    year.refresh_from_db()
    assert decision.kind == FundingDecision.Kind.AMENDMENT
    assert decision.number == 2
    assert application.approved_amount == D("18000.00")
    assert year.committed == D("18000.00")
    # The first decision stays as it was.
    first = application.decisions.get(number=1)
    assert first.amount == D("20000.00")
    assert first.frozen_content["amount"] == "20000.00"
    reasons = list(application.history.values_list("history_change_reason", flat=True))
    assert any("18.000,00" in (reason or "") for reason in reasons)


def test_amendment_cannot_go_below_what_was_paid(
    approved: Callable[..., FundingApplication], officer: Any
) -> None:
    application = approved()
    payment_record(
        application=application,
        amount=D("15000.00"),
        paid_on=date(2026, 7, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    with pytest.raises(ValidationError) as error:
        application_amend(
            application=application,
            amount=D("10000.00"),
            reason="Kürzung",
            decided_on=date(2026, 8, 1),
            user=officer,
        )
    assert "15.000,00" in messages_of(error)


def test_decisions_are_never_deleted(approved: Callable[..., FundingApplication]) -> None:
    from django.db.models import ProtectedError

    application = approved()
    with pytest.raises(ProtectedError):
        application.delete()
    assert FundingDecision.objects.filter(application=application).count() == 1


# --- Payments


def test_payments_never_exceed_the_grant(
    approved: Callable[..., FundingApplication], officer: Any
) -> None:
    application = approved()  # 21,150 EUR: paid by instalments allowed
    payment_record(
        application=application,
        amount=D("10000.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    application.refresh_from_db()
    assert application.status == Status.PAID
    with pytest.raises(ValidationError) as error:
        payment_record(
            application=application,
            amount=D("11150.01"),
            paid_on=date(2026, 5, 1),
            kind=Payment.Kind.INSTALMENT,
            user=officer,
        )
    assert "11.150,00" in messages_of(error)
    payment_record(
        application=application,
        amount=D("11150.00"),
        paid_on=date(2026, 5, 1),
        kind=Payment.Kind.REIMBURSEMENT,
        user=officer,
    )
    assert sum(p.amount for p in application.payments.all()) == D("21150.00")


def test_projects_below_20000_are_paid_by_reimbursement(
    approved: Callable[..., FundingApplication], officer: Any
) -> None:
    application = approved(amount="15000.00")
    with pytest.raises(ValidationError) as error:
        payment_record(
            application=application,
            amount=D("5000.00"),
            paid_on=date(2026, 4, 1),
            kind=Payment.Kind.INSTALMENT,
            user=officer,
        )
    assert "20.000" in messages_of(error)
    payment_record(
        application=application,
        amount=D("5000.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.REIMBURSEMENT,
        user=officer,
    )
    assert application.payments.count() == 1


def test_no_payment_without_grant(
    in_review: Callable[..., FundingApplication], officer: Any
) -> None:
    application = in_review()
    with pytest.raises(ValidationError):
        payment_record(
            application=application,
            amount=D("1.00"),
            paid_on=date(2026, 4, 1),
            kind=Payment.Kind.REIMBURSEMENT,
            user=officer,
        )
    assert not Payment.objects.exists()


# --- Proof of use, review and refund


def test_proof_of_use_and_the_refund_owed(
    approved: Callable[..., FundingApplication], coordinator: Any, officer: Any
) -> None:
    application = approved()
    payment_record(
        application=application,
        amount=D("21150.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    lines = list(application.cost_lines.order_by("position"))
    with pytest.raises(ValidationError):
        proof_submit(
            application=application,
            report="Sachbericht",
            actuals={lines[0].pk: D("8000.00")},
            user=coordinator,
        )
    # 3,500 EUR less spent on material: 20,000 eligible of 23,500 planned.
    proof_submit(
        application=application,
        report="Sechs Bürgerwerkstätten, elf Sammelaktionen, 40 Patenschaften.",
        actuals={lines[0].pk: D("8000.00"), lines[1].pk: D("8500.00"), lines[2].pk: D("3500.00")},
        user=coordinator,
        today=date(2027, 3, 1),
    )
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    proof = proof_review(application=application, user=officer, today=date(2027, 3, 20))
    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert proof.eligible_actual == D("20000.00")
    assert proof.funded_actual == D("18000.00")  # 90 % of 20,000
    assert proof.refund_amount == D("3150.00")
    assert "3.150,00" in application.history.latest().history_change_reason


def test_reminders_before_the_proof_falls_due_are_sent_once(
    approved: Callable[..., FundingApplication], coordinator: Any
) -> None:
    application = approved()
    mail.outbox.clear()
    assert application.proof_due_on == date(2027, 5, 30)
    assert proof_reminders_send(today=date(2027, 4, 1)) == 0  # two months ahead: not yet
    assert proof_reminders_send(today=date(2027, 5, 2)) == 1
    assert proof_reminders_send(today=date(2027, 5, 3)) == 0  # once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "30.05.2027" in message.subject
    assert "Verwendungsnachweis" in message.body
    application.refresh_from_db()
    assert application.reminder_sent_on == date(2027, 5, 2)


def test_every_transition_leaves_history_with_author(
    approved: Callable[..., FundingApplication], coordinator: Any, officer: Any
) -> None:
    application = approved()
    entries = list(application.history.order_by("history_date"))
    assert [entry.status for entry in entries][-5:] == [
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.IN_REVIEW,
        Status.IN_REVIEW,
        Status.APPROVED,
    ]
    assert entries[-5].history_user == coordinator
    assert all(entry.history_user == officer for entry in entries[-4:])
    assert all(entry.history_change_reason for entry in entries[-5:])


def test_the_reminder_is_scheduled_for_beat() -> None:
    from django_celery_beat.models import PeriodicTask

    from asskomm.celery import app
    from funding.schedules import REMINDER_TASK

    task = PeriodicTask.objects.get(task=REMINDER_TASK)
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")
    assert str(task.crontab.timezone) == "Europe/Berlin"
    app.loader.import_default_modules()
    assert REMINDER_TASK in app.tasks
