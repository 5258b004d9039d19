"""Security analyses in the coordinators' portal: the process, the municipality's tasks, results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.models import Municipality
from municipalities.views import coordinator_view, render_portal

from .models import ChecklistTask
from .selectors import analyses_of_municipality, analysis_of_municipality
from .services import checklist_tick


@coordinator_view
def analysis_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render_portal(
        request,
        "analyses/analysis_list.html",
        municipality,
        section="analyses",
        analyses=analyses_of_municipality(municipality).prefetch_related("municipalities"),
    )


@coordinator_view
def analysis_detail(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    analysis = analysis_of_municipality(municipality, pk)
    return render_portal(
        request,
        "analyses/analysis_detail.html",
        municipality,
        section="analyses",
        analysis=analysis,
        checklist=analysis.checklist.select_related("done_by"),
        recommendations=analysis.recommendations.order_by("number"),
        returned=analysis.responses.count(),
        partners=analysis.municipalities.exclude(pk=municipality.pk).order_by("name"),
    )


@coordinator_view
@require_POST
def task_tick(request: HttpRequest, municipality: Municipality, pk: int, task: int) -> HttpResponse:
    """Tick a task of the municipality off, or take the tick back."""
    analysis = analysis_of_municipality(municipality, pk)
    item = get_object_or_404(ChecklistTask.objects.filter(analysis=analysis), pk=task)
    done = request.POST.get("done") == "1"
    try:
        checklist_tick(task=item, done=done, user=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("“%(task)s” is ticked off.") if done else _("“%(task)s” is open again."))
            % {"task": item.get_task_display()},
        )
    return redirect("analyses:analysis", municipality.ags, analysis.pk)


@coordinator_view
def final_report(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponseBase:
    analysis = analysis_of_municipality(municipality, pk)
    if not analysis.final_report:
        raise Http404
    return FileResponse(
        analysis.final_report.open("rb"),
        as_attachment=True,
        filename=f"Sicherheitsanalyse-{analysis.year}-Abschlussbericht.pdf",
        content_type="application/pdf",
    )
