"""Funding applications in the coordinators' portal: a guided form, the status, the proof of use."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from municipalities.models import Municipality
from municipalities.views import coordinator_view, render_portal

from .calculations import PlanSummary
from .forms import (
    AttachmentForm,
    CostLineFormSet,
    DescriptionForm,
    FinancingForm,
    NewApplicationForm,
    ProjectForm,
    ProofForm,
)
from .models import CostLine, FundingApplication, FundingDecision
from .selectors import application_of_municipality, applications_of_municipality, open_funding_years
from .services import (
    application_create,
    application_problems,
    application_save_draft,
    application_submit,
    application_withdraw,
    attachment_add,
    call_window_message,
    cost_plan_save,
    plan_summary,
    proof_submit,
)

Status = FundingApplication.Status

# The guided form: one step after the other, each saved as part of the draft.
STEPS = (
    ("projekt", gettext_lazy("Project")),
    ("beschreibung", gettext_lazy("Description")),
    ("kosten", gettext_lazy("Cost plan")),
    ("finanzierung", gettext_lazy("Financing")),
    ("anlagen", gettext_lazy("Attachments")),
    ("pruefen", gettext_lazy("Review and submit")),
)
STEP_KEYS = [key for key, _label in STEPS]


def _next_step(step: str) -> str:
    index = STEP_KEYS.index(step)
    return STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)]


def _previous_step(step: str) -> str | None:
    index = STEP_KEYS.index(step)
    return STEP_KEYS[index - 1] if index else None


@coordinator_view
@require_http_methods(["GET", "POST"])
def application_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's applications, and a new one for a year whose call has not closed."""
    years = open_funding_years(timezone.localdate())
    form = NewApplicationForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        application = application_create(
            municipality=municipality,
            funding_year=form.cleaned_data["funding_year"],
            title=form.cleaned_data["title"],
            user=request.user,
        )
        return redirect("funding:step", municipality.ags, application.pk, "projekt")
    return render_portal(
        request,
        "funding/application_list.html",
        municipality,
        section="funding",
        applications=applications_of_municipality(municipality).order_by(
            "-funding_year__year", "-pk"
        ),
        form=form,
        years=years,
    )


def _timeline(application: FundingApplication) -> list[Any]:
    return list(
        application.history.exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .order_by("history_date")
        .values("history_date", "history_change_reason")
    )


@coordinator_view
def application_detail(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    """Status, timeline, decisions and payments of an application."""
    application = application_of_municipality(municipality, pk)
    return render_portal(
        request,
        "funding/application_detail.html",
        municipality,
        section="funding",
        application=application,
        summary=plan_summary(application),
        timeline=_timeline(application),
        decisions=application.decisions.order_by("number"),
        payments=application.payments.order_by("paid_on"),
        lines=application.cost_lines.all(),
        proof=getattr(application, "proof", None),
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def application_step(
    request: HttpRequest, municipality: Municipality, pk: int, step: str
) -> HttpResponse:
    """One step of the guided application form; every step saves the draft."""
    if step not in STEP_KEYS:
        raise Http404
    application = application_of_municipality(municipality, pk)
    if application.status != Status.DRAFT:
        messages.info(
            request, _("This application has been submitted and can no longer be changed.")
        )
        return redirect("funding:application", municipality.ags, application.pk)
    context: dict[str, Any] = {}
    form: forms.BaseForm
    if step == "projekt":
        form = ProjectForm(
            request.POST or None,
            instance=application,
            consultations=municipality.consultations.order_by("-date"),
        )
        if request.method == "POST" and form.is_valid():
            return _saved(
                request, municipality, form.save(commit=False), step, _("Project data saved")
            )
        context["form"] = form
    elif step == "beschreibung":
        form = DescriptionForm(request.POST or None, instance=application)
        if request.method == "POST" and form.is_valid():
            return _saved(
                request, municipality, form.save(commit=False), step, _("Project description saved")
            )
        context["form"] = form
    elif step == "kosten":
        formset = CostLineFormSet(request.POST or None, instance=application, prefix="lines")
        if request.method == "POST" and formset.is_valid():
            try:
                cost_plan_save(application=application, formset=formset, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return _go_on(request, municipality, application, step)
        context["formset"] = formset
        context["summary"] = (
            _summary_from_post(application, request.POST)
            if request.method == "POST"
            else plan_summary(application)
        )
    elif step == "finanzierung":
        form = FinancingForm(request.POST or None, instance=application)
        if request.method == "POST" and form.is_valid():
            return _saved(
                request, municipality, form.save(commit=False), step, _("Financing plan saved")
            )
        context["form"] = form
        context["summary"] = plan_summary(application)
    elif step == "anlagen":
        form = AttachmentForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if "continue" in request.POST and not request.FILES:
                return _go_on(request, municipality, application, step)
            if form.is_valid():
                try:
                    attachment_add(
                        application=application,
                        title=form.cleaned_data["title"],
                        upload=form.cleaned_data["file"],
                        user=request.user,
                    )
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    messages.success(request, _("The attachment has been added."))
                    return redirect("funding:step", municipality.ags, application.pk, step)
        context["form"] = form
        context["attachments"] = application.attachments.all()
    else:
        today = timezone.localdate()
        year = application.funding_year
        context["problems"] = application_problems(application, today=today)
        context["summary"] = plan_summary(application)
        context["window_open"] = year.call_opens <= today <= year.call_closes
        context["window_message"] = call_window_message(year)
        context["lines"] = application.cost_lines.all()
        context["attachments"] = application.attachments.all()
    return render_portal(
        request,
        "funding/application_step.html",
        municipality,
        section="funding",
        application=application,
        step=step,
        steps=STEPS,
        previous=_previous_step(step),
        **context,
    )


def _saved(
    request: HttpRequest,
    municipality: Municipality,
    application: FundingApplication,
    step: str,
    reason: str,
) -> HttpResponse:
    try:
        application_save_draft(application=application, user=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("funding:application", municipality.ags, application.pk)
    return _go_on(request, municipality, application, step)


def _go_on(
    request: HttpRequest, municipality: Municipality, application: FundingApplication, step: str
) -> HttpResponse:
    if "back" in request.POST and _previous_step(step):
        return redirect("funding:step", municipality.ags, application.pk, _previous_step(step))
    if "stay" in request.POST:
        messages.success(request, _("Your entries are saved in the draft."))
        return redirect("funding:step", municipality.ags, application.pk, step)
    return redirect("funding:step", municipality.ags, application.pk, _next_step(step))


def _summary_from_post(application: FundingApplication, data: Any) -> PlanSummary:
    """The plan as typed so far, not yet saved: for the live check of the cost plan."""
    lines = []
    total = _int(data.get("lines-TOTAL_FORMS"), 0)
    for index in range(min(total, 200)):
        prefix = f"lines-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        amount = _decimal(data.get(prefix + "amount"))
        if amount is None or amount <= 0:
            continue
        lines.append(
            CostLine(
                kind=data.get(prefix + "kind") or CostLine.Kind.OTHER,
                amount=amount,
                is_capital_expenditure=bool(data.get(prefix + "is_capital_expenditure")),
                pay_group=data.get(prefix + "pay_group") or "",
                fte=_decimal(data.get(prefix + "fte")),
                months=_int(data.get(prefix + "months"), None),
            )
        )
    return plan_summary(application, lines=lines)


def _decimal(value: Any) -> Decimal | None:
    try:
        result = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() and abs(result) < Decimal("1e10") else None


def _int(value: Any, default: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@coordinator_view
@require_POST
def plan_check(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    """The totals and checks of the cost plan as typed, for htmx; nothing is saved."""
    application = application_of_municipality(municipality, pk)
    return render(
        request,
        "funding/_plan_summary.html",
        {"summary": _summary_from_post(application, request.POST), "application": application},
    )


@coordinator_view
@require_POST
def application_submit_view(
    request: HttpRequest, municipality: Municipality, pk: int
) -> HttpResponse:
    application = application_of_municipality(municipality, pk)
    try:
        application_submit(application=application, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("funding:step", municipality.ags, application.pk, "pruefen")
    messages.success(
        request, _("Your application has been submitted. The LPR office will review it.")
    )
    return redirect("funding:application", municipality.ags, application.pk)


@coordinator_view
@require_POST
def application_withdraw_view(
    request: HttpRequest, municipality: Municipality, pk: int
) -> HttpResponse:
    application = application_of_municipality(municipality, pk)
    try:
        application_withdraw(application=application, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The application has been withdrawn."))
    return redirect("funding:application", municipality.ags, application.pk)


@coordinator_view
@require_http_methods(["GET", "POST"])
def proof(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    """The proof of use: narrative report and the actual costs of every planned line."""
    application = application_of_municipality(municipality, pk)
    if application.status not in (Status.APPROVED, Status.PAID):
        messages.info(request, _("A proof of use can be submitted once funds have been granted."))
        return redirect("funding:application", municipality.ags, application.pk)
    lines = list(application.cost_lines.all())
    form = ProofForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            proof_submit(
                application=application,
                report=form.cleaned_data["report"],
                actuals=form.actuals(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The proof of use has been submitted."))
            return redirect("funding:application", municipality.ags, application.pk)
    return render_portal(
        request,
        "funding/proof.html",
        municipality,
        section="funding",
        application=application,
        form=form,
    )


@coordinator_view
def attachment_download(
    request: HttpRequest, municipality: Municipality, pk: int, attachment: int
) -> HttpResponseBase:
    application = application_of_municipality(municipality, pk)
    item = get_object_or_404(application.attachments.all(), pk=attachment)
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=f"{item.title}.pdf",
        content_type="application/pdf",
    )


@coordinator_view
def letter_download(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponseBase:
    decision = get_object_or_404(
        FundingDecision.objects.filter(application__municipality=municipality).exclude(letter=""),
        pk=pk,
    )
    name = decision.letter.name.rsplit("/", 1)[-1]
    return FileResponse(
        decision.letter.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )
