"""What funding contributes to a coordinator's start page (3 queries)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asskomm.portal import Contribution, Milestone, PortalDocument, Todo

from .models import FundingApplication, FundingDecision

Status = FundingApplication.Status


def contribution(municipality: Any) -> Contribution:
    applications = list(FundingApplication.objects.filter(municipality=municipality))
    decisions = list(
        FundingDecision.objects.filter(application__municipality=municipality)
        .exclude(letter="")
        .select_related("application")
    )
    result = Contribution()
    granted = [a for a in applications if a.approved_amount]
    first_grant = min(
        (d.decided_on for d in decisions if d.kind == FundingDecision.Kind.GRANT), default=None
    )
    if granted:
        result.milestones.append(
            Milestone(
                step="projekte",
                done=True,
                date=first_grant,
                detail=ngettext(
                    "%(count)d funded project", "%(count)d funded projects", len(granted)
                )
                % {"count": len(granted)},
            )
        )
    elif any(a.status in (Status.SUBMITTED, Status.IN_REVIEW) for a in applications):
        result.milestones.append(
            Milestone(step="projekte", done=False, detail=_("application submitted"))
        )
    today = timezone.localdate()
    for application in applications:
        url = reverse("funding:application", args=[municipality.ags, application.pk])
        if application.status == Status.DRAFT:
            result.todos.append(
                Todo(
                    text=_("Finish and submit the application “%(title)s”.")
                    % {"title": application.title},
                    url=url,
                )
            )
        if (
            application.status in (Status.APPROVED, Status.PAID)
            and application.proof_due_on
            and application.proof_due_on <= today + timedelta(days=90)
        ):
            result.todos.append(
                Todo(
                    text=_("The proof of use for “%(title)s” is due on %(date)s.")
                    % {
                        "title": application.title,
                        "date": date_format(application.proof_due_on, "SHORT_DATE_FORMAT"),
                    },
                    due=application.proof_due_on,
                    url=reverse("funding:proof", args=[municipality.ags, application.pk]),
                )
            )
    for decision in decisions:
        number = f"{decision.application.file_number}/{decision.number}"
        result.documents.append(
            PortalDocument(
                title=f"{decision.get_kind_display()} {number}",
                date=decision.decided_on,
                url=reverse("funding:letter", args=[municipality.ags, decision.pk]),
                kind=decision.application.title,
            )
        )
    return result
