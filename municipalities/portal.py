"""What the register contributes to a coordinator's start page."""

from datetime import date
from typing import Any

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asskomm.portal import Contribution, Milestone, PortalDocument, Todo

from .models import CouncilMeeting, PreventionCouncil, ServiceRequest


def funding_call_todo(today: date) -> Todo:
    """The yearly call of the RL KommPräv: 31 August to 15 October for the following year."""
    opens, closes = date(today.year, 8, 31), date(today.year, 10, 15)
    if today > closes:
        opens, closes = date(today.year + 1, 8, 31), date(today.year + 1, 10, 15)
    if opens <= today <= closes:
        text = _("The funding call (RL Kommunale Prävention) for %(year)d is open until %(date)s.")
        return Todo(text=text % {"year": closes.year + 1, "date": date_format(closes)}, due=closes)
    text = _("The next funding call (RL Kommunale Prävention) runs from %(opens)s to %(closes)s.")
    return Todo(text=text % {"opens": date_format(opens), "closes": date_format(closes)}, due=opens)


def contribution(municipality: Any) -> Contribution:
    """Consultations, council, open requests and minutes of one municipality (4 queries)."""
    first_consultation = municipality.consultations.aggregate(first=Min("date"))["first"]
    councils = list(
        PreventionCouncil.objects.filter(municipalities=municipality).exclude(
            status=PreventionCouncil.Status.DISSOLVED
        )
    )
    established = [c.established_on for c in councils if c.established_on]
    open_requests = list(
        ServiceRequest.objects.filter(municipality=municipality).exclude(
            status=ServiceRequest.Status.DONE
        )
    )
    minutes = CouncilMeeting.objects.filter(council__municipalities=municipality).exclude(
        minutes=""
    )
    milestones = [
        Milestone(
            step="beratung",
            done=first_consultation is not None,
            date=first_consultation,
            detail=_("first consultation") if first_consultation else "",
        ),
        Milestone(
            step="praeventionsrat",
            done=bool(established),
            date=min(established) if established else None,
            detail=councils[0].get_status_display() if councils else "",
        ),
    ]
    requested = {request.kind: request for request in open_requests}
    for kind, step in (
        (ServiceRequest.Kind.COACHING, "coaching"),
        (ServiceRequest.Kind.SECURITY_ANALYSIS, "sicherheitsanalyse"),
    ):
        if kind in requested:
            milestones.append(
                Milestone(
                    step=step,
                    done=False,
                    date=timezone.localdate(requested[kind].created_at),
                    detail=_("requested"),
                )
            )
    todos = [funding_call_todo(timezone.localdate())]
    if councils and not established:
        todos.append(
            Todo(
                text=_("Record when your council was constituted."),
                url=reverse("portal:council_edit", args=[municipality.ags, councils[0].pk]),
            )
        )
    documents = [
        PortalDocument(
            title=_("Minutes: %(meeting)s") % {"meeting": meeting},
            date=meeting.date,
            url=reverse("portal:meeting_minutes", args=[municipality.ags, meeting.pk]),
            kind=_("Minutes"),
        )
        for meeting in minutes
    ]
    return Contribution(milestones=milestones, documents=documents, todos=todos)
