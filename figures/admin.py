"""Staff admin of the figures app: training cohorts, boundary imports and yearly reports."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asskomm.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin

from .models import BoundaryImport, TrainingCohort, YearlyReport
from .report import FIRST_YEAR, yearly_report_create


@admin.register(TrainingCohort)
class TrainingCohortAdmin(HistoryAdmin):
    list_display = ("name", "programme", "starts_on", "ends_on", "participants", "graduates")
    list_filter = ("programme",)
    search_fields = ("name",)
    date_hierarchy = "starts_on"


@admin.register(BoundaryImport)
class BoundaryImportAdmin(ReadOnlyHistoryAdmin):
    """Read-only: boundaries come in through ``manage.py import_boundaries``."""

    list_display = ("source", "imported_at", "features", "matched", "attribution")
    readonly_fields = ("source", "sha256", "attribution", "features", "matched", "imported_at")


class YearForm(forms.Form):
    """The year of a new report: 2019 (the launch) to the current year."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = timezone.localdate().year
        years = range(current, FIRST_YEAR - 1, -1)
        field: Any = self.fields["year"]
        field.choices = [(year, str(year)) for year in years]
        field.initial = current - 1 if current > FIRST_YEAR else current
        field.error_messages["invalid_choice"] = _("Choose a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": current,
        }


REPORT_FILES = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@admin.register(YearlyReport)
class YearlyReportAdmin(ReadOnlyHistoryAdmin):
    """Reports are started here and never edited or deleted: every rendering is kept.

    A report is started through the "create" view below, not the add form."""

    change_list_template = "admin/figures/yearlyreport/change_list.html"
    change_form_template = "admin/figures/yearlyreport/change_form.html"
    list_display = ("__str__", "as_of", "status", "progress_display", "started_by", "created_at")
    list_filter = ("status", "year", "scheduled")
    fields = (
        "year",
        "as_of",
        "status",
        "progress",
        "error",
        "pages",
        "pdf_sha256",
        "csv_sha256",
        "xlsx_sha256",
        "scheduled",
        "created_by",
        "created_at",
        "finished_at",
    )
    readonly_fields = fields

    def _can_start(self, request: HttpRequest) -> bool:
        return request.user.has_perm("figures.add_yearlyreport")

    @admin.display(description=_("progress (%)"), ordering="progress")
    def progress_display(self, report: YearlyReport) -> str:
        return f"{report.progress} %"

    @admin.display(description=_("started by"), ordering="created_by")
    def started_by(self, report: YearlyReport) -> str:
        if report.scheduled:
            return str(_("schedule"))
        return str(report.created_by or "–")

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("erstellen/", view(self.start_view), name="figures_yearlyreport_start"),
            path(
                "<int:pk>/fortschritt/",
                view(self.progress_view),
                name="figures_yearlyreport_progress",
            ),
            path(
                "<int:pk>/datei/<str:kind>/",
                view(self.file_view),
                name="figures_yearlyreport_file",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "can_start": self._can_start(request)}
        return super().changelist_view(request, context)

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not self._can_start(request):
            raise PermissionDenied
        form = YearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            report = yearly_report_create(year=form.cleaned_data["year"], user=request.user)
            self.message_user(
                request,
                gettext("The yearly report %(year)s is being rendered.") % {"year": report.year},
                messages.SUCCESS,
            )
            return redirect("admin:figures_yearlyreport_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create yearly report"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/figures/yearlyreport/start.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(YearlyReport, pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/figures/yearlyreport/progress.html", {"report": report}
        )

    def file_view(self, request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
        if kind not in REPORT_FILES:
            raise Http404
        report = get_object_or_404(YearlyReport, pk=pk, status=YearlyReport.Status.DONE)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        stored = getattr(report, kind)
        if not stored:
            raise Http404
        content_type, extension = REPORT_FILES[kind]
        return FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=f"ASSKomm-Zahlen-Daten-Fakten-{report.year}-Stand-{report.as_of}.{extension}",
            content_type=content_type,
        )
