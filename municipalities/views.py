"""The coordinators' portal: a municipality's own pages, for its Koordinierungsstelle.

Every page is reached through ``/kommune/<ags>/…`` and loads the municipality with
the user's own municipalities (``coordinated_municipalities``): another key answers 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, Value, When
from django.forms.utils import ErrorDict, ErrorList
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from asskomm.drafts import draft_delete, draft_load, draft_save
from asskomm.portal import collect
from asskomm.stored import stored_fragments

from .forms import (
    ContactForm,
    CouncilCreateForm,
    CouncilForm,
    CouncilMeetingForm,
    CouncilMemberFormSet,
    ServiceRequestForm,
    WorkingGroupFormSet,
)
from .models import Contact, CouncilMeeting, CouncilMember, Municipality, ServiceRequest
from .selectors import (
    contact_of_municipality,
    coordinated_municipalities,
    council_of_municipality,
    councils_of_municipality,
    district_councils_of_municipality,
    meeting_of_municipality,
    requests_of_municipality,
    user_has_role,
)
from .services import (
    council_create,
    council_meeting_save,
    council_save,
    municipality_contact_update,
    service_request_create,
)

View = Callable[..., HttpResponseBase]


def coordinator_view(view: View) -> View:
    """Logged in, role "Kommunale Koordination", and the municipality of the URL is one's own."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, ags: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not user_has_role(request.user, Role.COORDINATOR):
            raise PermissionDenied(_("This page is for municipal coordinators."))
        # One query for the page's municipality and the switcher's list: one's own (a Verbund
        # has a few), the one of the URL among them, any other key 404.
        mine = list(
            coordinated_municipalities(request.user).select_related("district__police_directorate")
        )
        municipality = next((m for m in mine if m.ags == ags), None)
        if municipality is None:
            raise Http404
        request.portal_municipality = municipality  # type: ignore[attr-defined]
        request.portal_municipalities = mine  # type: ignore[attr-defined]
        return view(request, municipality, *args, **kwargs)

    return wrapped


def render_portal(
    request: HttpRequest, template: str, municipality: Municipality, **context: Any
) -> HttpResponse:
    """A portal page: the municipality, the switcher, and the section of the tab bar."""
    context.setdefault("section", "")
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "my_municipalities": getattr(request, "portal_municipalities", None)
            or coordinated_municipalities(request.user),
            **context,
        },
    )


@login_required
def portal_entry(request: HttpRequest) -> HttpResponse:
    """/kommune/: straight to one's municipality, or a choice for a Verbund."""
    if not user_has_role(request.user, Role.COORDINATOR):
        raise PermissionDenied(_("This page is for municipal coordinators."))
    municipalities = list(coordinated_municipalities(request.user))
    if len(municipalities) == 1:
        return redirect("portal:start", municipalities[0].ags)
    return render(request, "portal/choose.html", {"my_municipalities": municipalities})


@coordinator_view
def start(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's path through ASSKomm, what is due next, and its documents.

    The content is the municipality's on the day, the same for each of its coordinators: it is
    rendered once per build of the stored figures and kept (exact: any change to the tables it
    reads is noted and renders it anew, ``asskomm.stored``)."""
    day = timezone.localdate()
    content = stored_fragments(
        "portal-start",
        [str(municipality.pk), day.isoformat()],
        {"content": "portal/_start_content.html"},
        lambda _stored: {"municipality": municipality, **collect(municipality)},
    )["content"]
    return render_portal(
        request, "portal/start.html", municipality, section="start", content=content
    )


CONTACT_ROLES = (
    ("mayor", Contact.Role.MAYOR),
    ("office", Contact.Role.COORDINATION_OFFICE),
)


@coordinator_view
@require_http_methods(["GET", "POST"])
def municipality_data(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Contact data of the mayor and the Koordinierungsstelle; changes are recorded."""
    forms = {
        prefix: ContactForm(
            request.POST or None,
            prefix=prefix,
            instance=contact_of_municipality(municipality, role)
            or Contact(municipality=municipality, role=role),
        )
        for prefix, role in CONTACT_ROLES
    }
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        try:
            for prefix, role in CONTACT_ROLES:
                municipality_contact_update(
                    municipality=municipality,
                    role=role,
                    values=forms[prefix].cleaned_data,
                    user=request.user,
                )
        except ValidationError as error:
            forms["mayor"].add_error(None, error)
        else:
            messages.success(request, _("The contact data are saved."))
            return redirect("portal:municipality_data", municipality.ags)
    return render_portal(
        request,
        "portal/municipality_data.html",
        municipality,
        section="data",
        mayor_form=forms["mayor"],
        office_form=forms["office"],
    )


# Chair first, then steering group, working groups and the other members.
ROLE_ORDER = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(CouncilMember.Role.values)),
    default=Value(len(CouncilMember.Role.values)),
)


@coordinator_view
def council_overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's council(s): members, working groups, meetings with minutes."""
    councils = councils_of_municipality(municipality).prefetch_related(
        Prefetch(
            "members",
            queryset=CouncilMember.objects.select_related("working_group").order_by(
                ROLE_ORDER, "organisation"
            ),
        ),
        "working_groups",
        Prefetch("meetings", queryset=CouncilMeeting.objects.select_related("working_group")),
        "municipalities",
    )
    return render_portal(
        request,
        "portal/council_overview.html",
        municipality,
        section="council",
        councils=councils,
        district_councils=district_councils_of_municipality(municipality),
        create_form=CouncilCreateForm(),
    )


@coordinator_view
@require_POST
def council_new(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = CouncilCreateForm(request.POST)
    if form.is_valid():
        council = council_create(
            municipality=municipality, name=form.cleaned_data["name"], user=request.user
        )
        messages.success(request, _("The council has been created. Now enter its members."))
        return redirect("portal:council_edit", municipality.ags, council.pk)
    return render_portal(
        request,
        "portal/council_overview.html",
        municipality,
        section="council",
        councils=councils_of_municipality(municipality),
        district_councils=district_councils_of_municipality(municipality),
        create_form=form,
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def council_edit(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    """The council's data, working groups and members in one form; it can be saved as a draft."""
    council = council_of_municipality(municipality, pk)
    draft_key = f"council:{council.pk}"
    draft = None
    data: Any = request.POST if request.method == "POST" else None
    if request.method == "POST" and "discard_draft" in request.POST:
        draft_delete(user=request.user, key=draft_key)
        messages.info(request, _("The draft has been discarded."))
        return redirect("portal:council_edit", municipality.ags, council.pk)
    if request.method == "POST" and "save_draft" in request.POST:
        draft_save(user=request.user, key=draft_key, data=request.POST)
        messages.success(
            request, _("Your entries are saved as a draft. Nothing has been changed yet.")
        )
        return redirect("portal:council_edit", municipality.ags, council.pk)
    if data is None:
        data, draft = draft_load(user=request.user, key=draft_key)
    form = CouncilForm(data, instance=council)
    groups = WorkingGroupFormSet(data, instance=council, prefix="groups")
    members = CouncilMemberFormSet(
        data,
        instance=council,
        prefix="members",
        queryset=CouncilMember.objects.filter(council=council).select_related("working_group"),
    )
    if request.method == "POST" and form.is_valid() and groups.is_valid() and members.is_valid():
        council_save(form=form, formsets=[groups, members], user=request.user)
        draft_delete(user=request.user, key=draft_key)
        messages.success(request, _("The council has been saved."))
        return redirect("portal:council", municipality.ags)
    if draft is not None:
        # A restored draft is shown as typed, without complaining about what is still missing.
        _without_errors(form, groups, members)
    return render_portal(
        request,
        "portal/council_form.html",
        municipality,
        section="council",
        council=council,
        form=form,
        groups=groups,
        members=members,
        draft=draft,
    )


def _without_errors(*forms: Any) -> None:
    for form in forms:
        if hasattr(form, "forms"):
            form.is_valid()
            form._non_form_errors = ErrorList()
            _without_errors(*form.forms)
        else:
            form.is_valid()
            form._errors = ErrorDict()


@coordinator_view
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    council = council_of_municipality(municipality, pk)
    return _meeting_form(request, municipality, CouncilMeeting(council=council))


@coordinator_view
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    return _meeting_form(request, municipality, meeting_of_municipality(municipality, pk))


def _meeting_form(
    request: HttpRequest, municipality: Municipality, meeting: CouncilMeeting
) -> HttpResponse:
    form = CouncilMeetingForm(
        request.POST or None, request.FILES or None, instance=meeting, council=meeting.council
    )
    if request.method == "POST" and form.is_valid():
        try:
            council_meeting_save(
                meeting=form.save(commit=False),
                minutes=form.cleaned_data.get("minutes_upload"),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("minutes_upload", error)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("portal:council", municipality.ags)
    return render_portal(
        request,
        "portal/meeting_form.html",
        municipality,
        section="council",
        form=form,
        meeting=meeting,
    )


@coordinator_view
def meeting_minutes(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponseBase:
    """The minutes of a meeting, only for the municipality's own coordinators."""
    meeting = meeting_of_municipality(municipality, pk)
    if not meeting.minutes:
        raise Http404
    filename = f"Niederschrift-{meeting.date:%Y-%m-%d}.pdf"
    return FileResponse(
        meeting.minutes.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


REQUEST_KINDS = {
    "coaching": ServiceRequest.Kind.COACHING,
    "sicherheitsanalyse": ServiceRequest.Kind.SECURITY_ANALYSIS,
    "beratung": ServiceRequest.Kind.CONSULTATION,
}


@coordinator_view
def requests(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's requests to the LPR office and their state."""
    return render_portal(
        request,
        "portal/requests.html",
        municipality,
        section="requests",
        requests=requests_of_municipality(municipality),
        kinds=[(slug, kind.label) for slug, kind in REQUEST_KINDS.items()],
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, municipality: Municipality, kind: str) -> HttpResponse:
    """Ask for coaching, a security analysis or a consultation; the office is notified."""
    if kind not in REQUEST_KINDS:
        raise Http404
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service_request_create(
            municipality=municipality,
            kind=REQUEST_KINDS[kind],
            message=form.cleaned_data["message"],
            preferred_dates=form.cleaned_data["preferred_dates"],
            user=request.user,
        )
        messages.success(
            request, _("Your request has been sent. The Landespräventionsrat will contact you.")
        )
        return redirect("portal:requests", municipality.ags)
    return render_portal(
        request,
        "portal/request_form.html",
        municipality,
        section="requests",
        form=form,
        kind_label=REQUEST_KINDS[kind].label,
    )


@coordinator_view
def documents(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Every document of the municipality: agreement PDFs, minutes, later letters and reports."""
    return render_portal(
        request,
        "portal/documents.html",
        municipality,
        section="documents",
        documents=collect(municipality)["documents"],
    )
