"""Writes and transitions of funding applications under the RL KommPräv.

Entwurf → Eingereicht → In Prüfung → Bewilligt / Abgelehnt / Zurückgezogen → Ausgezahlt →
Verwendungsnachweis eingereicht → Geprüft und abgeschlossen. The sum of approvals of a year never
exceeds its budget, also when two people approve at the same moment: the year's row is locked in
every transaction that commits money, and the database checks the total once more.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from asskomm.counters import counter_next
from asskomm.history import save_with_history
from asskomm.jobs import job_create, job_enqueue
from asskomm.models import Job
from asskomm.pdf import render_pdf, short_fingerprint
from asskomm.uploads import validate_pdf_upload

from .calculations import Line, PlanSummary, eligible_amount, money, refund, summarise
from .models import (
    MAX_FUNDING_RATE,
    REIMBURSEMENT_THRESHOLD,
    ZERO,
    Attachment,
    FundingApplication,
    FundingDecision,
    FundingYear,
    PayGroupCap,
    Payment,
    ProofCostLine,
    ProofOfUse,
)

Status = FundingApplication.Status
# VVK Nr. 10: the proof of use is due within six months after the end of the project.
PROOF_MONTHS = 6


def _eur(value: Decimal) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=2, force_grouping=True) + " EUR"


def _locked(application: FundingApplication) -> FundingApplication:
    return FundingApplication.objects.select_for_update().get(pk=application.pk)


def caps_on(day: date) -> dict[str, Decimal]:
    """The TV-L ceiling of every pay group valid on a day."""
    caps: dict[str, Decimal] = {}
    for cap in PayGroupCap.objects.filter(valid_from__lte=day).order_by("valid_from"):
        caps[cap.pay_group] = cap.monthly_cap
    return caps


def _lines(lines: Any) -> list[Line]:
    return [
        Line(
            kind=line.kind,
            amount=line.amount,
            is_capital_expenditure=line.is_capital_expenditure,
            pay_group=line.pay_group,
            fte=line.fte,
            months=line.months,
        )
        for line in lines
    ]


def plan_day(application: FundingApplication) -> date:
    return application.starts_on or date(application.funding_year.year, 1, 1)


def plan_summary(application: FundingApplication, lines: Any = None) -> PlanSummary:
    """The cost and financing plan of an application, computed (``lines`` may be unsaved)."""
    return summarise(
        _lines(application.cost_lines.all() if lines is None else lines),
        caps=caps_on(plan_day(application)),
        own_funds=application.own_funds,
        own_in_kind=application.own_contribution_in_kind,
        third_party_funds=application.third_party_funds,
    )


def call_window_message(year: FundingYear) -> str:
    return _(
        "Applications for the funding year %(year)d can be submitted from %(opens)s to %(closes)s."
    ) % {
        "year": year.year,
        "opens": date_format(year.call_opens, "SHORT_DATE_FORMAT"),
        "closes": date_format(year.call_closes, "SHORT_DATE_FORMAT"),
    }


def application_problems(application: FundingApplication, *, today: date) -> list[str]:
    """Everything that keeps an application from being submitted, in German."""
    problems = []
    for name in ("title", "field_of_action", "starts_on", "ends_on", *BECCARIA_FIELDS):
        if not getattr(application, name):
            label = FundingApplication._meta.get_field(name).verbose_name  # type: ignore[union-attr]
            problems.append(_("Please fill in: %(field)s.") % {"field": label})
    year = application.funding_year.year
    for day in (application.starts_on, application.ends_on):
        if day and day.year != year:
            problems.append(
                _("The project period must lie within the funding year %(year)d.") % {"year": year}
            )
            break
    consultation = application.consultation
    if consultation is None:
        problems.append(
            _("The guideline requires a consultation by the LPR office before applying.")
        )
    else:
        if (
            application.municipality_id
            and consultation.municipality_id != application.municipality_id
        ):
            problems.append(_("The consultation must be one of the applicant municipality."))
        if consultation.date > today:
            problems.append(_("The consultation must have taken place before submitting."))
    problems.extend(plan_summary(application).problems)
    return problems


BECCARIA_FIELDS = ("problem", "causes", "goals", "measures", "implementation", "evaluation")


def application_create(
    *, municipality: Any, funding_year: FundingYear, title: str, user: Any
) -> FundingApplication:
    """A draft application of a municipality for a funding year."""
    application = FundingApplication(
        funding_year=funding_year, municipality=municipality, title=title.strip()
    )
    application.full_clean()
    save_with_history(application, user=user, reason=_("Draft started"))
    return application


def application_edit_allowed(application: FundingApplication) -> None:
    if application.status != Status.DRAFT:
        raise ValidationError(
            _("A submitted application cannot be changed any more. Please contact the LPR office.")
        )


@transaction.atomic
def application_save_draft(
    *, application: FundingApplication, user: Any, reason: str
) -> FundingApplication:
    """Save entries of a draft (any step of the form); a submitted application stays as it is."""
    current = _locked(application)
    application_edit_allowed(current)
    save_with_history(application, user=user, reason=reason)
    return application


@transaction.atomic
def cost_plan_save(*, application: FundingApplication, formset: Any, user: Any) -> None:
    """Save the cost lines of a draft, all or nothing."""
    application_edit_allowed(_locked(application))
    formset.instance = application
    for line in formset.save(commit=False):
        save_with_history(line, user=user, reason=_("Cost plan changed"))
    for line in formset.deleted_objects:
        line._history_user = user
        line.delete()


@transaction.atomic
def attachment_add(
    *, application: FundingApplication, title: str, upload: Any, user: Any
) -> Attachment:
    """A PDF attachment of a draft, checked by content and size."""
    application_edit_allowed(_locked(application))
    data = validate_pdf_upload(upload)
    attachment = Attachment(
        application=application,
        # The browser's file name (at most 255 characters) may be longer than a title.
        title=(title.strip() or upload.name)[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save("anlage.pdf", ContentFile(data), save=False)
    save_with_history(attachment, user=user, reason=_("Attachment uploaded"))
    return attachment


def _submit(application: FundingApplication, *, user: Any, today: date, reason: str) -> None:
    problems = application_problems(application, today=today)
    if problems:
        raise ValidationError(problems)
    summary = plan_summary(application)
    year = application.funding_year.year
    application.file_number = f"KP-{year}-{counter_next(f'funding-application-{year}'):03d}"
    application.requested_amount = money(summary.requested)
    application.eligible_costs = money(summary.eligible_costs)
    application.status = Status.SUBMITTED
    application.submitted_on = today
    application.submitted_by = user if getattr(user, "pk", None) else None
    save_with_history(application, user=user, reason=reason)
    transaction.on_commit(lambda: _notify_office_of_submission(application))


@transaction.atomic
def application_submit(
    *, application: FundingApplication, user: Any, today: date | None = None
) -> FundingApplication:
    """Submit inside the call window (31 Aug – 15 Oct of the preceding year)."""
    today = today or timezone.localdate()
    application = _locked(application)
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    year = application.funding_year
    if not year.call_opens <= today <= year.call_closes:
        raise ValidationError(call_window_message(year))
    _submit(application, user=user, today=today, reason=_("Submitted"))
    return application


@transaction.atomic
def application_accept_late(
    *, application: FundingApplication, reason: str, user: Any, today: date | None = None
) -> FundingApplication:
    """Staff accept an application outside the call window, with the reason on record."""
    application = _locked(application)
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    if not reason.strip():
        raise ValidationError(_("Please record why the application is accepted late."))
    application.late_acceptance_reason = reason.strip()
    _submit(
        application,
        user=user,
        today=today or timezone.localdate(),
        reason=_("Accepted outside the call window: %(reason)s") % {"reason": reason.strip()},
    )
    return application


@transaction.atomic
def application_start_review(*, application: FundingApplication, user: Any) -> FundingApplication:
    application = _locked(application)
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be taken into review."))
    application.status = Status.IN_REVIEW
    save_with_history(application, user=user, reason=_("Review started"))
    return application


@transaction.atomic
def application_record_check(
    *, application: FundingApplication, check: str, user: Any
) -> FundingApplication:
    """Record the factual or the arithmetic review (sachliche / rechnerische Prüfung)."""
    application = _locked(application)
    if application.status != Status.IN_REVIEW:
        raise ValidationError(_("Reviews are recorded while the application is in review."))
    if check not in ("factual", "arithmetic"):
        raise ValidationError(_("Unknown review."))
    setattr(application, f"{check}_check_at", timezone.now())
    setattr(application, f"{check}_check_by", user)
    reason = _("Factual review done") if check == "factual" else _("Arithmetic review done")
    save_with_history(application, user=user, reason=reason)
    return application


def _commit_budget(year_id: int, amount: Decimal) -> FundingYear:
    """Add ``amount`` (may be negative) to the year's approvals, refusing to exceed the budget.

    The year's row is locked for the rest of the transaction: a second approval in the same year
    waits here and then sees the first one's money gone.
    """
    year = FundingYear.objects.select_for_update().get(pk=year_id)
    if year.status != FundingYear.Status.OPEN:
        raise ValidationError(
            _("The funding year %(year)d is not open for decisions (%(status)s).")
            % {"year": year.year, "status": year.get_status_display()}
        )
    if amount > year.free:
        raise ValidationError(
            _("The free budget of %(year)d is %(free)s; %(amount)s cannot be approved.")
            % {"year": year.year, "free": _eur(year.free), "amount": _eur(amount)}
        )
    year.committed = year.committed + amount
    year.save(update_fields=["committed", "updated_at"])
    return year


def _check_amount(application: FundingApplication, amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError(_("The amount must be more than 0 EUR."))
    if application.requested_amount is not None and amount > application.requested_amount:
        raise ValidationError(
            _("At most the amount requested can be approved: %(requested)s.")
            % {"requested": _eur(application.requested_amount)}
        )
    if application.eligible_costs is not None:
        maximum = money(application.eligible_costs * MAX_FUNDING_RATE)
        if amount > maximum:
            raise ValidationError(
                _("At most 90 %% of the eligible costs can be approved: %(maximum)s.")
                % {"maximum": _eur(maximum)}
            )


def _next_decision(application: FundingApplication, **fields: Any) -> FundingDecision:
    number = application.decisions.count() + 1
    decision = FundingDecision(application=application, number=number, **fields)
    save_with_history(decision, user=decision.decided_by, reason=decision.get_kind_display())
    return decision


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def application_approve(
    *,
    application: FundingApplication,
    amount: Decimal,
    decided_on: date,
    conditions: str = "",
    user: Any,
) -> FundingDecision:
    """Grant an amount: both reviews done, within the request, the 90 % rate and the free budget."""
    application = _locked(application)
    if application.status != Status.IN_REVIEW:
        raise ValidationError(_("Only an application in review can be decided."))
    if not (application.factual_check_at and application.arithmetic_check_at):
        raise ValidationError(_("Record the factual and the arithmetic review before approving."))
    _check_amount(application, amount)
    _commit_budget(application.funding_year_id, amount)
    application.approved_amount = amount
    application.status = Status.APPROVED
    if application.ends_on:
        application.proof_due_on = _add_months(application.ends_on, PROOF_MONTHS)
    save_with_history(
        application, user=user, reason=_("Approved: %(amount)s") % {"amount": _eur(amount)}
    )
    decision = _next_decision(
        application,
        kind=FundingDecision.Kind.GRANT,
        decided_on=decided_on,
        amount=amount,
        conditions=conditions.strip(),
        decided_by=user,
    )
    decision_issue(decision=decision, user=user)
    return decision


@transaction.atomic
def application_reject(
    *, application: FundingApplication, reason: str, decided_on: date, user: Any
) -> FundingDecision:
    application = _locked(application)
    if application.status != Status.IN_REVIEW:
        raise ValidationError(_("Only an application in review can be decided."))
    if not reason.strip():
        raise ValidationError(_("A rejection states its reasons."))
    application.status = Status.REJECTED
    save_with_history(application, user=user, reason=_("Rejected"))
    decision = _next_decision(
        application,
        kind=FundingDecision.Kind.REJECTION,
        decided_on=decided_on,
        reason=reason.strip(),
        decided_by=user,
    )
    decision_issue(decision=decision, user=user)
    return decision


@transaction.atomic
def application_amend(
    *,
    application: FundingApplication,
    amount: Decimal,
    reason: str,
    decided_on: date,
    conditions: str = "",
    user: Any,
) -> FundingDecision:
    """Change a grant by a new decision (Änderungsbescheid); the earlier one stays on record."""
    application = _locked(application)
    if application.status not in (Status.APPROVED, Status.PAID):
        raise ValidationError(_("Only a granted application can be amended."))
    if not reason.strip():
        raise ValidationError(_("An amendment states its reasons."))
    _check_amount(application, amount)
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    if amount < paid:
        raise ValidationError(
            _("%(paid)s have already been paid; the grant cannot be lower.") % {"paid": _eur(paid)}
        )
    _commit_budget(application.funding_year_id, amount - (application.approved_amount or ZERO))
    application.approved_amount = amount
    save_with_history(
        application, user=user, reason=_("Amended to %(amount)s") % {"amount": _eur(amount)}
    )
    decision = _next_decision(
        application,
        kind=FundingDecision.Kind.AMENDMENT,
        amends=application.decisions.order_by("-number").first(),
        decided_on=decided_on,
        amount=amount,
        conditions=conditions.strip(),
        reason=reason.strip(),
        decided_by=user,
    )
    decision_issue(decision=decision, user=user)
    return decision


@transaction.atomic
def application_withdraw(*, application: FundingApplication, user: Any) -> FundingApplication:
    """The applicant withdraws before a decision; the application stays on record."""
    application = _locked(application)
    if application.status not in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW):
        raise ValidationError(_("A decided application cannot be withdrawn."))
    application.status = Status.WITHDRAWN
    save_with_history(application, user=user, reason=_("Withdrawn"))
    return application


@transaction.atomic
def payment_record(
    *,
    application: FundingApplication,
    amount: Decimal,
    paid_on: date,
    kind: str,
    user: Any,
    reference: str = "",
) -> Payment:
    """Pay out granted funds: never more than the grant; below 20,000 EUR only by reimbursement."""
    application = _locked(application)
    if application.status not in (Status.APPROVED, Status.PAID):
        raise ValidationError(_("Only granted funds can be paid out."))
    if amount <= 0:
        raise ValidationError(_("A payment is more than 0 EUR."))
    approved = application.approved_amount or ZERO
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    if paid + amount > approved:
        raise ValidationError(
            _("Only %(open)s of the grant are still open.") % {"open": _eur(approved - paid)}
        )
    if approved < REIMBURSEMENT_THRESHOLD and kind != Payment.Kind.REIMBURSEMENT:
        raise ValidationError(
            _("Projects below 20,000 EUR are paid by reimbursement of costs incurred.")
        )
    payment = Payment(
        application=application,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        created_by=user,
    )
    reason = _("Payment of %(amount)s") % {"amount": _eur(amount)}
    save_with_history(payment, user=user, reason=reason)
    application.status = Status.PAID
    save_with_history(application, user=user, reason=reason)
    return payment


@transaction.atomic
def proof_submit(
    *,
    application: FundingApplication,
    report: str,
    actuals: dict[int, Decimal],
    user: Any,
    today: date | None = None,
) -> ProofOfUse:
    """The applicant reports what was done and what each planned line actually cost."""
    application = _locked(application)
    if application.status not in (Status.APPROVED, Status.PAID):
        raise ValidationError(_("A proof of use follows a grant."))
    if hasattr(application, "proof"):
        raise ValidationError(_("The proof of use has already been submitted."))
    if not report.strip():
        raise ValidationError(_("Please describe what was done (Sachbericht)."))
    lines = {line.pk: line for line in application.cost_lines.all()}
    if set(actuals) != set(lines):
        raise ValidationError(_("Please give the actual costs of every planned line."))
    if any(value < 0 for value in actuals.values()):
        raise ValidationError(_("Costs cannot be negative."))
    reason = _("Proof of use submitted")
    proof = ProofOfUse(
        application=application,
        report=report.strip(),
        submitted_on=today or timezone.localdate(),
        submitted_by=user,
    )
    save_with_history(proof, user=user, reason=reason)
    bulk_create_with_history(
        [
            ProofCostLine(proof=proof, cost_line=lines[pk], actual_amount=value)
            for pk, value in actuals.items()
        ],
        ProofCostLine,
        default_user=user if getattr(user, "pk", None) else None,
        default_change_reason=str(reason),
    )
    application.status = Status.PROOF_SUBMITTED
    save_with_history(application, user=user, reason=reason)
    return proof


@transaction.atomic
def proof_review(
    *, application: FundingApplication, user: Any, today: date | None = None
) -> ProofOfUse:
    """Check the proof of use and compute the refund owed (proportional financing)."""
    application = _locked(application)
    if application.status != Status.PROOF_SUBMITTED:
        raise ValidationError(_("There is no submitted proof of use to review."))
    proof = application.proof
    caps = caps_on(plan_day(application))
    actual_lines = [
        Line(
            kind=actual.cost_line.kind,
            amount=actual.actual_amount,
            is_capital_expenditure=actual.cost_line.is_capital_expenditure,
            pay_group=actual.cost_line.pay_group,
            fte=actual.cost_line.fte,
            months=actual.cost_line.months,
        )
        for actual in proof.lines.select_related("cost_line")
    ]
    eligible_actual = sum((eligible_amount(line, caps) for line in actual_lines), ZERO)
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    earned, owed = refund(
        approved=application.approved_amount or ZERO,
        planned_eligible=application.eligible_costs or ZERO,
        actual_eligible=eligible_actual,
        paid=paid,
    )
    proof.eligible_actual = eligible_actual
    proof.funded_actual = earned
    proof.refund_amount = owed
    proof.reviewed_on = today or timezone.localdate()
    proof.reviewed_by = user
    save_with_history(proof, user=user, reason=_("Proof of use reviewed"))
    application.status = Status.CLOSED
    save_with_history(
        application,
        user=user,
        reason=_("Closed; refund owed: %(refund)s") % {"refund": _eur(owed)},
    )
    return proof


# --- Decision letters


def decision_snapshot(decision: FundingDecision) -> dict[str, Any]:
    """The complete text of a decision letter, frozen when it is issued."""
    application = decision.application
    municipality = application.municipality
    return {
        "kind": decision.kind,
        "kind_label": str(decision.get_kind_display()),
        "number": decision.number,
        "file_number": application.file_number,
        "reference": f"{application.file_number}/{decision.number}",
        "decided_on": decision.decided_on.isoformat(),
        "applicant": (
            f"{municipality.get_kind_display()} {municipality.name}"
            if municipality
            else application.applicant_name
        ),
        "applicant_ags": municipality.ags
        if municipality
        else (application.district.key if application.district else ""),
        "title": application.title,
        "funding_year": application.funding_year.year,
        "starts_on": application.starts_on.isoformat() if application.starts_on else None,
        "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        "submitted_on": application.submitted_on.isoformat() if application.submitted_on else None,
        "requested": str(application.requested_amount or ZERO),
        "eligible": str(application.eligible_costs or ZERO),
        "amount": str(decision.amount) if decision.amount is not None else None,
        "conditions": [line.strip() for line in decision.conditions.splitlines() if line.strip()],
        "reason": decision.reason,
        "recipient": application.recipient,
        "proof_due_on": application.proof_due_on.isoformat() if application.proof_due_on else None,
        "reimbursement": bool(
            decision.amount is not None and decision.amount < REIMBURSEMENT_THRESHOLD
        ),
    }


def decision_issue(*, decision: FundingDecision, user: Any) -> Job:
    """Freeze the letter's text, fingerprint it and queue its PDF (then mailed to the applicant)."""
    snapshot = decision_snapshot(decision)
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    decision.frozen_content = snapshot
    decision.content_fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    save_with_history(
        decision,
        user=user,
        reason=_("Letter text frozen"),
        update_fields=["frozen_content", "content_fingerprint"],
    )
    job = job_create(
        kind="decision_letter",
        title=_("Letter %(reference)s") % {"reference": snapshot["reference"]},
        targets=[decision],
        user=user,
    )
    return job_enqueue(job)


def decision_render_letter(*, decision_id: int) -> FundingDecision:
    """Render the letter once (outside any lock), store it under the row lock, then mail it."""
    import segno

    decision = FundingDecision.objects.select_related("application").get(pk=decision_id)
    if decision.letter:
        _mail_letter(decision)
        return decision
    if not decision.frozen_content:
        raise ValidationError(_("The letter has no frozen text."))
    url = settings.SITE_URL + reverse("verify_fingerprint", args=[decision.content_fingerprint])
    letter = decision.frozen_content
    rendered = render_pdf(
        "funding/pdf/decision.html",
        {
            "letter": letter,
            "decided_on": date.fromisoformat(letter["decided_on"]),
            "starts_on": date.fromisoformat(letter["starts_on"]) if letter["starts_on"] else None,
            "ends_on": date.fromisoformat(letter["ends_on"]) if letter["ends_on"] else None,
            "submitted_on": date.fromisoformat(letter["submitted_on"])
            if letter["submitted_on"]
            else None,
            "proof_due_on": date.fromisoformat(letter["proof_due_on"])
            if letter["proof_due_on"]
            else None,
            "amount": Decimal(letter["amount"]) if letter["amount"] else None,
            "requested": Decimal(letter["requested"]),
            "eligible": Decimal(letter["eligible"]),
            "fingerprint": decision.content_fingerprint,
            "short_fingerprint": short_fingerprint(decision.content_fingerprint),
            "verification_url": url,
            "qr_svg": segno.make(url, error="m", micro=False).svg_inline(scale=2, border=0),
        },
    )
    with transaction.atomic():
        decision = (
            FundingDecision.objects.select_for_update()
            .select_related("application")
            .get(pk=decision_id)
        )
        if not decision.letter:
            decision.letter.save(
                f"{letter['reference'].replace('/', '-')}.pdf",
                ContentFile(rendered.data),
                save=False,
            )
            decision.letter_sha256 = hashlib.sha256(rendered.data).hexdigest()
            decision.letter_pages = rendered.pages
            decision.save(update_fields=["letter", "letter_sha256", "letter_pages"])
    _mail_letter(decision)
    return decision


def _coordinator_addresses(application: FundingApplication) -> list[str]:
    municipality = application.municipality
    if municipality is None:
        return []
    return sorted(
        set(municipality.coordinators.filter(is_active=True).values_list("email", flat=True))
    )


def _mail_letter(decision: FundingDecision) -> None:
    """Send the letter to the municipality's coordinators, once."""
    with transaction.atomic():
        decision = (
            FundingDecision.objects.select_for_update()
            .select_related("application")
            .get(pk=decision.pk)
        )
        if decision.letter_sent_at or not decision.letter:
            return
        recipients = _coordinator_addresses(decision.application)
        if recipients:
            with translation.override("de"):
                letter = decision.frozen_content or {}
                message = EmailMessage(
                    subject=_("%(kind)s %(reference)s: %(title)s")
                    % {
                        "kind": letter.get("kind_label"),
                        "reference": letter.get("reference"),
                        "title": letter.get("title"),
                    },
                    body=render_to_string("funding/email/decision_body.txt", {"letter": letter}),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=recipients,
                )
                with decision.letter.open("rb") as handle:
                    message.attach(
                        decision.letter.name.rsplit("/", 1)[-1], handle.read(), "application/pdf"
                    )
                message.send()
        decision.letter_sent_at = timezone.now()
        decision.save(update_fields=["letter_sent_at"])


# --- Notifications


def _notify_office_of_submission(application: FundingApplication) -> None:
    with translation.override("de"):
        send_mail(
            _("Funding application %(number)s submitted: %(title)s")
            % {"number": application.file_number, "title": application.title},
            _(
                "%(applicant)s has submitted the application %(number)s “%(title)s” for the "
                "funding year %(year)d, requesting %(amount)s.\n\n%(url)s"
            )
            % {
                "applicant": application.applicant_name,
                "number": application.file_number,
                "title": application.title,
                "year": application.funding_year.year,
                "amount": _eur(application.requested_amount or ZERO),
                "url": settings.SITE_URL
                + reverse("admin:funding_fundingapplication_change", args=[application.pk]),
            },
            settings.DEFAULT_FROM_EMAIL,
            [settings.ASSKOMM_OFFICE_EMAIL],
        )


def proof_reminders_send(*, today: date | None = None, days_ahead: int = 30) -> int:
    """Remind the coordinators of proofs of use that fall due within ``days_ahead`` days (once)."""
    from datetime import timedelta

    today = today or timezone.localdate()
    due = FundingApplication.objects.filter(
        status__in=(Status.APPROVED, Status.PAID),
        proof_due_on__isnull=False,
        proof_due_on__lte=today + timedelta(days=days_ahead),
        reminder_sent_on__isnull=True,
    ).select_related("municipality")
    sent = 0
    for application in due:
        recipients = _coordinator_addresses(application)
        due_on = application.proof_due_on
        with translation.override("de"):
            if recipients and application.municipality is not None and due_on is not None:
                send_mail(
                    _("Proof of use due on %(date)s: %(title)s")
                    % {
                        "date": date_format(due_on, "SHORT_DATE_FORMAT"),
                        "title": application.title,
                    },
                    _(
                        "Hello,\n\nthe proof of use (Verwendungsnachweis) for %(number)s "
                        "“%(title)s” is due on %(date)s. "
                        "Please submit it in the ASSKomm portal:\n%(url)s\n\n"
                        "Landespräventionsrat Sachsen – ASSKomm"
                    )
                    % {
                        "number": application.file_number,
                        "title": application.title,
                        "date": date_format(due_on, "DATE_FORMAT"),
                        "url": settings.SITE_URL
                        + reverse(
                            "funding:application",
                            args=[application.municipality.ags, application.pk],
                        ),
                    },
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
                sent += 1
        FundingApplication.objects.filter(pk=application.pk).update(reminder_sent_on=today)
    return sent
