"""The coach's own pages, and the agreement documents in the coordinators' portal."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Role
from municipalities.selectors import user_has_role
from municipalities.views import coordinator_view

from .forms import CoachingProcessForm, CoachingSessionForm
from .models import AgreementDocument, CoachingProcess, CoachingSession
from .portal import agreements_of_municipality
from .selectors import coaching_processes_of_coach
from .services import coaching_process_update, coaching_session_save


def _coach_only(request: HttpRequest) -> None:
    if not user_has_role(request.user, Role.COACH):
        raise PermissionDenied(_("This page is for ASSKomm coaches."))


@login_required
def coach_process_list(request: HttpRequest) -> HttpResponse:
    """A coach's own coaching processes."""
    _coach_only(request)
    # What still needs the coach comes first: running, then requested, then the finished ones.
    rank = Case(
        When(status=CoachingProcess.Status.RUNNING, then=Value(0)),
        When(status=CoachingProcess.Status.REQUESTED, then=Value(1)),
        default=Value(2),
    )
    processes = (
        coaching_processes_of_coach(request.user)
        .prefetch_related("municipalities")
        .order_by(rank, "-requested_on")
    )
    return render(request, "agreements/coach/process_list.html", {"processes": processes})


@login_required
def coach_process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coach_only(request)
    process = get_object_or_404(
        coaching_processes_of_coach(request.user).prefetch_related("municipalities", "sessions"),
        pk=pk,
    )
    return render(request, "agreements/coach/process_detail.html", {"process": process})


@login_required
@require_http_methods(["GET", "POST"])
def coach_process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _coach_only(request)
    process = get_object_or_404(coaching_processes_of_coach(request.user), pk=pk)
    form = CoachingProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        try:
            coaching_process_update(
                process=process,
                user=request.user,
                **{name: form.cleaned_data[name] for name in CoachingProcessForm.Meta.fields},
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("agreements:coach_process_detail", process.pk)
    return render(request, "agreements/coach/process_form.html", {"process": process, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def coach_session_create(request: HttpRequest, pk: int) -> HttpResponse:
    _coach_only(request)
    process = get_object_or_404(coaching_processes_of_coach(request.user), pk=pk)
    return _session_form(request, process, CoachingSession(process=process))


@login_required
@require_http_methods(["GET", "POST"])
def coach_session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _coach_only(request)
    session = get_object_or_404(
        CoachingSession.objects.filter(process__in=coaching_processes_of_coach(request.user)), pk=pk
    )
    return _session_form(request, session.process, session)


def _session_form(request: HttpRequest, process: object, session: CoachingSession) -> HttpResponse:
    form = CoachingSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            coaching_session_save(session=form.instance, user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("agreements:coach_process_detail", session.process_id)
    return render(
        request,
        "agreements/coach/session_form.html",
        {"process": process, "form": form, "session": session},
    )


def _add_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)  # type: ignore[attr-defined]
    else:
        form.add_error(None, error.messages)  # type: ignore[attr-defined]


@coordinator_view
def coordinator_document(request: HttpRequest, municipality: Any, pk: int) -> HttpResponseBase:
    """A document of one of the municipality's agreements, for its coordinators only."""
    document = get_object_or_404(
        AgreementDocument.objects.filter(
            agreement__in=agreements_of_municipality(municipality)
        ).select_related("agreement"),
        pk=pk,
    )
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
