"""Reads of agreements and coaching, scoped to what a user may see."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asskomm.verification import VerifiedDocument
from municipalities.selectors import is_lpr_staff, municipalities_visible_to

from .models import AgreementDocument, CoachingProcess, CooperationAgreement


def documents_matching_fingerprint(
    fingerprint: str,
) -> tuple[CooperationAgreement | None, AgreementDocument | None]:
    """The agreement whose text, or the document whose file, has this SHA-256 (or prefix).

    A prefix of at least 16 hex digits is accepted, as printed in the footer; for the file hash
    of an uploaded PDF the full 64 digits are used.
    """
    if len(fingerprint) < 16:
        return None, None
    agreement = (
        CooperationAgreement.objects.filter(content_fingerprint__startswith=fingerprint)
        .select_related("police_directorate", "district")
        .first()
    )
    if agreement is not None:
        return agreement, None
    document = (
        AgreementDocument.objects.filter(sha256__startswith=fingerprint)
        .select_related("agreement__police_directorate", "agreement__district")
        .first()
    )
    return (document.agreement, document) if document else (None, None)


def agreements_visible_to(user: Any) -> QuerySet[CooperationAgreement]:
    """Staff see every agreement; coordinators and police those of municipalities they see."""
    agreements = CooperationAgreement.objects.all()
    if is_lpr_staff(user):
        return agreements
    visible = municipalities_visible_to(user)
    return agreements.filter(
        Q(municipalities__in=visible) | Q(district__municipalities__in=visible)
    ).distinct()


def coaching_processes_visible_to(user: Any) -> QuerySet[CoachingProcess]:
    """Staff see all processes, a coach their own, a coordinator those of their municipalities."""
    processes = CoachingProcess.objects.all()
    if is_lpr_staff(user):
        return processes
    if not user.is_authenticated or not user.is_active:
        return processes.none()
    return processes.filter(
        Q(coach=user) | Q(municipalities__in=municipalities_visible_to(user))
    ).distinct()


def coaching_processes_of_coach(user: Any) -> QuerySet[CoachingProcess]:
    """The processes a coach works on: only their own, whatever else they may see."""
    if not user.is_authenticated or not user.is_active:
        return CoachingProcess.objects.none()
    return CoachingProcess.objects.filter(coach=user)


def verify_agreement_fingerprint(fingerprint: str) -> VerifiedDocument | None:
    """What the public verification page may say about an agreement's document."""
    agreement, document = documents_matching_fingerprint(fingerprint)
    if agreement is None:
        return None
    content = agreement.frozen_content or {}
    details = (
        [(str(_("Text frozen on")), date_format(agreement.frozen_at, "DATE_FORMAT"))]
        if agreement.frozen_at
        else []
    )
    if agreement.signed_on:
        details.append((str(_("Signed on")), date_format(agreement.signed_on, "DATE_FORMAT")))
    if agreement.terminated_on:
        details.append(
            (str(_("Terminated on")), date_format(agreement.terminated_on, "DATE_FORMAT"))
        )
    successor = CooperationAgreement.objects.filter(predecessor=agreement).first()
    if successor is not None and successor.label:
        details.append((str(_("Newer version")), successor.label))
    warning = ""
    if agreement.status == CooperationAgreement.Status.TERMINATED:
        warning = str(_("This agreement has been terminated and is no longer in force."))
    elif agreement.status == CooperationAgreement.Status.SUPERSEDED:
        warning = str(_("This version has been replaced by a newer one."))
    return VerifiedDocument(
        kind=str(_("Cooperation agreement")),
        label=agreement.label,
        parties=[
            *content.get("partners", []),
            content.get("police_directorate", ""),
            "Landespräventionsrat Sachsen",
        ],
        status=str(agreement.get_status_display()),
        details=details,
        warning=warning,
        matched_file=str(document.get_kind_display()) if document else "",
    )
