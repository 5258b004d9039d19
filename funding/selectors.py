"""Reads of the funding app: scoped to the user, and the sums of a funding year."""

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asskomm.verification import VerifiedDocument
from municipalities.selectors import is_lpr_staff, municipalities_visible_to

from .models import (
    ZERO,
    ApplicationTotal,
    FundingApplication,
    FundingDecision,
    FundingYear,
    Payment,
    PaymentTotal,
)

MONEY_FIELD: DecimalField = DecimalField(max_digits=12, decimal_places=2)


def applications_visible_to(user: Any) -> QuerySet[FundingApplication]:
    """Staff see all applications; coordinators and police those of municipalities they see."""
    applications = FundingApplication.objects.all()
    if is_lpr_staff(user):
        return applications
    visible = municipalities_visible_to(user)
    return applications.filter(
        Q(municipality__in=visible) | Q(district__municipalities__in=visible)
    ).distinct()


def applications_of_municipality(municipality: Any) -> QuerySet[FundingApplication]:
    return FundingApplication.objects.filter(municipality=municipality).select_related(
        "funding_year"
    )


def application_of_municipality(municipality: Any, pk: int) -> FundingApplication:
    return get_object_or_404(applications_of_municipality(municipality), pk=pk)


def with_paid(queryset: QuerySet[FundingApplication]) -> QuerySet[FundingApplication]:
    """Applications annotated with the sum paid out so far (one query for any number)."""
    paid = (
        Payment.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return queryset.annotate(
        paid_total=Coalesce(Subquery(paid, output_field=MONEY_FIELD), Value(ZERO))
    )


def year_totals(year: FundingYear) -> dict[str, Decimal]:
    """Requested, approved (committed) and paid sums of a funding year, and what is free."""
    sums = year.applications.exclude(
        status__in=[FundingApplication.Status.DRAFT, FundingApplication.Status.WITHDRAWN]
    ).aggregate(requested=Sum("requested_amount"))
    paid = Payment.objects.filter(funding_year=year).aggregate(total=Sum("amount"))
    return {
        "budget": year.budget,
        "requested": sums["requested"] or ZERO,
        "approved": year.committed,
        "paid": paid["total"] or ZERO,
        "free": year.free,
    }


def kept_year_totals() -> dict[int, dict[str, Any]]:
    """Per funding year, from the totals the database keeps (migration 0007), in two small
    queries: ``applications`` (count), ``requested_all`` and ``approved`` (sums over every
    application), ``requested`` (without drafts and withdrawn ones, as ``year_totals``) and
    ``paid``. Exact: the triggers update them in the transaction of every write."""
    not_requested = {FundingApplication.Status.DRAFT, FundingApplication.Status.WITHDRAWN}
    years: dict[int, dict[str, Any]] = {}

    def year(pk: int) -> dict[str, Any]:
        zero = {"applications": 0, "requested_all": ZERO, "requested": ZERO, "approved": ZERO}
        return years.setdefault(pk, {**zero, "paid": ZERO})

    totals = ApplicationTotal.objects.order_by().values_list(
        "funding_year_id", "status", "applications", "requested", "approved"
    )
    for year_id, status, applications, requested, approved in totals:
        figures = year(year_id)
        figures["applications"] += applications
        figures["requested_all"] += requested
        figures["approved"] += approved
        if status not in not_requested:
            figures["requested"] += requested
    for year_id, amount in PaymentTotal.objects.order_by().values_list("funding_year_id", "amount"):
        year(year_id)["paid"] += amount
    return years


def open_funding_years(today: Any) -> QuerySet[FundingYear]:
    """Funding years one may still start an application for: their call has not closed."""
    return (
        FundingYear.objects.filter(call_closes__gte=today)
        .exclude(status=FundingYear.Status.CLOSED)
        .order_by("year")
    )


def verify_decision_fingerprint(fingerprint: str) -> VerifiedDocument | None:
    """What the public verification page may say about a decision letter."""
    decision = (
        FundingDecision.objects.filter(
            Q(content_fingerprint__startswith=fingerprint) | Q(letter_sha256=fingerprint)
        )
        .select_related("application__funding_year")
        .first()
    )
    if decision is None or not decision.content_fingerprint:
        return None
    letter = decision.frozen_content or {}
    application = decision.application
    later = application.decisions.filter(number__gt=decision.number).order_by("-number").first()
    details = [(str(_("Decided on")), date_format(decision.decided_on, "DATE_FORMAT"))]
    if later is not None:
        details.append(
            (
                str(_("Replaced by")),
                f"{later.get_kind_display()} {application.file_number}/{later.number}",
            )
        )
    return VerifiedDocument(
        kind=str(decision.get_kind_display()),
        label=letter.get("reference", ""),
        parties=[letter.get("applicant", ""), "Landespräventionsrat Sachsen"],
        status=str(application.get_status_display()),
        details=details,
        warning=str(_("A later decision has changed this one.")) if later else "",
        matched_file=str(_("letter")) if decision.letter_sha256 == fingerprint else "",
    )
