"""Staff admin of security analyses: the process, imports, recommendations and draft reports."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asskomm.admin_lists import ListRowsMixin
from asskomm.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin
from asskomm.models import Job
from municipalities.admin import MUNICIPALITY_NAMES, DistrictListFilter

from .forms import CsvUploadForm, ReportUploadForm, StageForm
from .models import (
    AreaPopulation,
    ChecklistTask,
    CrimeFigure,
    DataImport,
    Recommendation,
    ReportDraft,
    SecurityAnalysis,
    SurveyBenchmark,
    SurveyResponse,
)
from .services import (
    ImportSummary,
    analysis_advance,
    checklist_ensure,
    crime_statistics_import,
    final_report_upload,
    population_import,
    report_queue,
    survey_import,
)


def summary_message(summary: ImportSummary) -> str:
    return gettext(
        "%(rows)d rows read: %(created)d new, %(updated)d changed, %(unchanged)d unchanged."
    ) % {
        "rows": summary.rows,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }


class ChecklistInline(admin.TabularInline):
    model = ChecklistTask
    extra = 0
    fields = ("task", "done_on", "done_by", "note")
    readonly_fields = ("task", "done_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = (
        ("number", "priority", "progress", "field_of_action"),
        "title",
        "text",
        "funding_applications",
        "working_groups",
    )
    autocomplete_fields = ("funding_applications",)


class ReportDraftInline(admin.TabularInline):
    model = ReportDraft
    extra = 0
    fields = ("created_at", "pages", "responses", "download")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, draft: ReportDraft) -> str:
        url = reverse("admin:analyses_draft_download", args=[draft.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(SecurityAnalysis)
class SecurityAnalysisAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 10
    change_form_template = "admin/analyses/securityanalysis/change_form.html"
    list_display = ("title", "municipality_list", "year_display", "status", "returned", "report")
    list_filter = (
        "status",
        "year",
        "municipalities__district__police_directorate",
        ("municipalities__district", DistrictListFilter),
    )
    search_fields = ("title", "municipalities__name", "=municipalities__ags")
    autocomplete_fields = ("municipalities",)
    list_related_values = MUNICIPALITY_NAMES
    show_full_result_count = False
    inlines = (ChecklistInline, RecommendationInline, ReportDraftInline)
    readonly_fields = (
        "status",
        "final_report_link",
        "final_report_sha256",
        "final_report_uploaded_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "municipalities", "year", "contractor", "sample_size")}),
        (
            _("Stages"),
            {
                "fields": (
                    "status",
                    "planned_on",
                    "kickoff_on",
                    "survey_on",
                    "evaluation_on",
                    "presented_on",
                    "implementation_on",
                )
            },
        ),
        (
            _("Final report"),
            {"fields": ("final_report_link", "final_report_sha256", "final_report_uploaded_at")},
        ),
        (None, {"fields": ("notes",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[SecurityAnalysis]:
        return (
            super()
            .get_queryset(request)
            # A count per listed row, not a GROUP BY of every analysis with its questionnaires.
            .annotate(
                response_count=Coalesce(
                    Subquery(
                        SurveyResponse.objects.filter(analysis=OuterRef("pk"))
                        .order_by()
                        .values("analysis")
                        .annotate(n=Count("pk"))
                        .values("n")[:1]
                    ),
                    0,
                )
            )
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.final_report or obj.responses.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        checklist_ensure(form.instance)

    @admin.display(description=_("municipalities"))
    def municipality_list(self, analysis: SecurityAnalysis) -> str:
        return ", ".join(analysis.municipality_names)  # type: ignore[attr-defined]

    @admin.display(description=_("year"), ordering="year")
    def year_display(self, analysis: SecurityAnalysis) -> str:
        return str(analysis.year)

    @admin.display(description=_("questionnaires"), ordering="response_count")
    def returned(self, analysis: SecurityAnalysis) -> int:
        return getattr(analysis, "response_count", 0)

    @admin.display(description=_("final report"), boolean=True)
    def report(self, analysis: SecurityAnalysis) -> bool:
        return bool(analysis.final_report)

    @admin.display(description=_("final report (PDF)"))
    def final_report_link(self, analysis: SecurityAnalysis) -> str:
        if not analysis.final_report:
            return "–"
        url = reverse("admin:analyses_final_report", args=[analysis.pk])
        verify = reverse("verify_fingerprint", args=[analysis.final_report_sha256])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            _("Download"),
            verify,
            _("verification"),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/weiter/", view(self.advance_view), name="analyses_advance"),
            path("<int:pk>/bericht/", view(self.report_upload_view), name="analyses_report_upload"),
            path("<int:pk>/befragung/", view(self.survey_view), name="analyses_survey_import"),
            path("<int:pk>/entwurf/", view(self.draft_view), name="analyses_draft"),
            path("<int:pk>/fortschritt/", view(self.progress_view), name="analyses_progress"),
            path(
                "<int:pk>/abschlussbericht/",
                view(self.final_report_view),
                name="analyses_final_report",
            ),
            path(
                "entwuerfe/<int:pk>/",
                view(self.draft_download_view),
                name="analyses_draft_download",
            ),
            *super().get_urls(),
        ]

    def _for_change(self, request: HttpRequest, pk: int) -> SecurityAnalysis:
        analysis = get_object_or_404(SecurityAnalysis, pk=pk)
        if not self.has_change_permission(request, analysis):
            raise PermissionDenied
        return analysis

    def _back(self, analysis: SecurityAnalysis) -> HttpResponseRedirect:
        return redirect("admin:analyses_securityanalysis_change", analysis.pk)

    def _errors(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    def _form_errors(self, request: HttpRequest, form: Any) -> None:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                self.message_user(request, f"{label}: {error}" if label else error, messages.ERROR)

    def advance_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self._for_change(request, pk)
        if request.method != "POST":
            return self._back(analysis)
        form = StageForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(analysis)
        try:
            analysis = analysis_advance(
                analysis=analysis, on=form.cleaned_data["on"], user=request.user
            )
        except ValidationError as error:
            self._errors(request, error)
        else:
            self.message_user(
                request,
                gettext("Stage recorded: %(stage)s") % {"stage": analysis.get_status_display()},
                messages.SUCCESS,
            )
        return self._back(analysis)

    def report_upload_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self._for_change(request, pk)
        if request.method != "POST":
            return self._back(analysis)
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(analysis)
        try:
            final_report_upload(
                analysis=analysis, upload=form.cleaned_data["upload"], user=request.user
            )
        except ValidationError as error:
            self._errors(request, error)
        else:
            self.message_user(request, gettext("The final report is stored."), messages.SUCCESS)
        return self._back(analysis)

    def survey_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self._for_change(request, pk)
        if request.method != "POST":
            return self._back(analysis)
        form = CsvUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(analysis)
        try:
            summary = survey_import(
                analysis=analysis, upload=form.cleaned_data["upload"], user=request.user
            )
        except ValidationError as error:
            self.message_user(
                request, gettext("Nothing was imported. The file has errors:"), messages.ERROR
            )
            self._errors(request, error)
        else:
            self.message_user(request, summary_message(summary), messages.SUCCESS)
        return self._back(analysis)

    def draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self._for_change(request, pk)
        if request.method == "POST":
            report_queue(analysis=analysis, user=request.user)
            self.message_user(
                request, gettext("The draft report is being rendered."), messages.SUCCESS
            )
        return self._back(analysis)

    def _latest_job(self, analysis: SecurityAnalysis) -> Job | None:
        return (
            Job.objects.filter(
                kind="lagebericht",
                items__object_id=analysis.pk,
                items__content_type__model="securityanalysis",
            )
            .order_by("-created_at")
            .first()
        )

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = get_object_or_404(SecurityAnalysis, pk=pk)
        if not self.has_view_permission(request, analysis):
            raise PermissionDenied
        job = self._latest_job(analysis)
        return TemplateResponse(
            request,
            "admin/analyses/progress.html",
            {
                "analysis": analysis,
                "job": job,
                "item": job.items.first() if job else None,
                "draft": analysis.drafts.order_by("-created_at").first(),
            },
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        analysis = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if analysis is not None:
            order = [value for value, _field in SecurityAnalysis.MILESTONES]
            position = order.index(analysis.status)
            context.update(
                {
                    "next_stage": SecurityAnalysis.Status(order[position + 1]).label
                    if position + 1 < len(order)
                    else None,
                    "stage_form": StageForm(),
                    "report_form": ReportUploadForm(),
                    "survey_form": CsvUploadForm(auto_id="id_survey_%s"),
                    "returned": analysis.responses.count(),
                    "survey_imports": analysis.imports.order_by("-imported_at")[:5],
                    "latest_job": self._latest_job(analysis),
                }
            )
        return super().change_view(request, object_id, form_url, context)

    def final_report_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        analysis = get_object_or_404(SecurityAnalysis.objects.exclude(final_report=""), pk=pk)
        if not self.has_view_permission(request, analysis):
            raise PermissionDenied
        return FileResponse(
            analysis.final_report.open("rb"),
            as_attachment=True,
            filename=f"Sicherheitsanalyse-{analysis.pk}-Abschlussbericht.pdf",
            content_type="application/pdf",
        )

    def draft_download_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        draft = get_object_or_404(ReportDraft.objects.select_related("analysis"), pk=pk)
        if not self.has_view_permission(request, draft.analysis):
            raise PermissionDenied
        return FileResponse(
            draft.file.open("rb"),
            as_attachment=True,
            filename=draft.file.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )


class ImportMixin:
    """A page to import a CSV file of this kind, linked from the list."""

    import_service: Any = None
    import_title: Any = ""
    import_help: Any = ""

    def import_view(self, request: HttpRequest) -> HttpResponse:
        admin_self: Any = self
        if not admin_self.has_add_permission(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                summary = type(self).import_service(
                    upload=form.cleaned_data["upload"],
                    user=request.user,
                    source=form.cleaned_data["source"],
                )
            except ValidationError as error:
                errors = error.messages
            else:
                admin_self.message_user(request, summary_message(summary), messages.SUCCESS)
                return redirect(
                    f"admin:{admin_self.model._meta.app_label}_"
                    f"{admin_self.model._meta.model_name}_changelist"
                )
        context = {
            **admin_self.admin_site.each_context(request),
            "title": self.import_title,
            "help": self.import_help,
            "form": form,
            "errors": errors,
            "opts": admin_self.model._meta,
        }
        return TemplateResponse(request, "admin/analyses/import.html", context)


@admin.register(CrimeFigure)
class CrimeFigureAdmin(ImportMixin, HistoryAdmin):
    menu_order = 20
    change_list_template = "admin/analyses/change_list_import.html"
    list_display = ("area_key", "year_display", "offence_group", "cases", "source")
    list_filter = ("offence_group", "year")
    search_fields = ("=area_key",)
    import_service = staticmethod(crime_statistics_import)
    import_title = _("Import crime statistics")
    import_help = _(
        "Columns: schluessel (AGS, Kreis key or 14 for Saxony); jahr; straftatengruppe "
        "(insgesamt, diebstahl, sachbeschaedigung, rohheit, gewalt, strassen, rauschgift, pmk "
        "or the PKS summary key); faelle."
    )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="analyses_crimefigure_import",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("year"), ordering="year")
    def year_display(self, figure: CrimeFigure) -> str:
        return str(figure.year)


@admin.register(AreaPopulation)
class AreaPopulationAdmin(ImportMixin, HistoryAdmin):
    menu_order = 30
    change_list_template = "admin/analyses/change_list_import.html"
    list_display = ("area_key", "year_display", "population", "source")
    list_filter = ("year",)
    search_fields = ("=area_key",)
    import_service = staticmethod(population_import)
    import_title = _("Import population figures")
    import_help = _("Columns: schluessel (AGS, Kreis key or 14 for Saxony); jahr; einwohner.")

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="analyses_areapopulation_import",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("year"), ordering="year")
    def year_display(self, figure: AreaPopulation) -> str:
        return str(figure.year)


@admin.register(DataImport)
class DataImportAdmin(ReadOnlyHistoryAdmin):
    menu_order = 40
    list_display = ("imported_at", "kind", "file_name", "rows", "created", "updated", "imported_by")
    list_filter = ("kind",)


@admin.register(SurveyBenchmark)
class SurveyBenchmarkAdmin(HistoryAdmin):
    menu_order = 50
    list_display = ("item", "year_display", "share", "source")

    @admin.display(description=_("year"), ordering="year")
    def year_display(self, benchmark: SurveyBenchmark) -> str:
        return str(benchmark.year)
