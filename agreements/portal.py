"""What agreements and coaching contribute to a coordinator's start page (3 queries)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from asskomm.portal import Contribution, Milestone, PortalDocument, Todo

from .models import AgreementDocument, CoachingProcess, CooperationAgreement


def agreements_of_municipality(municipality: Any) -> Any:
    """The agreements a municipality is party to, itself or through its Landkreis.

    By id from the two indexed ways in (a union), not an OR across a join of every agreement
    with its municipalities and a DISTINCT over all their columns: that grew with the number of
    agreements in the country (3 ms of the coordinator's start page at Germany scale).
    """
    own = (
        CooperationAgreement.municipalities.through.objects.filter(municipality_id=municipality.pk)
        .order_by()
        .values_list("cooperationagreement_id")
    )
    of_district = (
        CooperationAgreement.objects.filter(district_id=municipality.district_id)
        .order_by()
        .values_list("pk")
    )
    return CooperationAgreement.objects.filter(pk__in=own.union(of_district))


# What the start page shows of an agreement: its label, status and dates, not its frozen text.
LISTED = ("id", "number", "number_year", "version", "status", "signed_on", "planned_on")


def contribution(municipality: Any) -> Contribution:
    agreements = list(
        agreements_of_municipality(municipality)
        .exclude(status=CooperationAgreement.Status.DRAFT)
        .order_by("-number", "-version")
        .only(*LISTED)
    )
    documents = list(
        AgreementDocument.objects.filter(agreement__in=[a.pk for a in agreements])
        .select_related("agreement")
        .only("id", "kind", "created_at", "agreement_id", *(f"agreement__{f}" for f in LISTED))
    )
    processes = list(
        CoachingProcess.objects.filter(municipalities=municipality)
        .exclude(status=CoachingProcess.Status.CANCELLED)
        .order_by("-requested_on")
    )
    result = Contribution()
    signed = [a for a in agreements if a.signed_on and a.status != a.Status.TERMINATED]
    if signed:
        latest = max(signed, key=lambda a: a.signed_on)
        result.milestones.append(
            Milestone(
                step="kooperationsvereinbarung",
                done=True,
                date=latest.signed_on,
                detail=latest.label,
            )
        )
    for agreement in agreements:
        if agreement.status == CooperationAgreement.Status.FOR_SIGNATURE:
            result.milestones.append(
                Milestone(
                    step="kooperationsvereinbarung",
                    done=False,
                    date=agreement.planned_on,
                    detail=_("ready for signature"),
                )
            )
            result.todos.append(
                Todo(
                    text=_("Cooperation agreement %(label)s is ready for signature.")
                    % {"label": agreement.label},
                    due=agreement.planned_on,
                    url=reverse("portal:documents", args=[municipality.ags]),
                )
            )
    started = sorted(p.started_on for p in processes if p.started_on)
    if started:
        result.milestones.append(
            Milestone(
                step="coaching",
                done=True,
                date=started[0],
                detail=processes[0].get_status_display(),
            )
        )
    elif processes:
        result.milestones.append(
            Milestone(
                step="coaching", done=False, date=processes[0].requested_on, detail=_("requested")
            )
        )
    for document in documents:
        result.documents.append(
            PortalDocument(
                title=_("Cooperation agreement %(label)s") % {"label": document.agreement.label},
                date=document.agreement.signed_on
                if document.kind == AgreementDocument.Kind.SIGNED_COPY
                else document.created_at.date(),
                url=reverse(
                    "agreements:coordinator_document", args=[municipality.ags, document.pk]
                ),
                kind=str(document.get_kind_display()),
            )
        )
    return result
