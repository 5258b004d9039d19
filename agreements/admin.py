"""Staff admin of agreements and coaching: transitions as buttons, documents, job progress."""

import io
import zipfile
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from asskomm.admin_lists import ListRowsMixin
from asskomm.history_admin import HistoryAdmin
from asskomm.models import Job
from municipalities.admin import MUNICIPALITY_NAMES, DistrictListFilter

from .forms import SignForm, TerminateForm
from .models import (
    AgreedMeasure,
    AgreementDocument,
    CoachingProcess,
    CoachingSession,
    CooperationAgreement,
    Signatory,
)
from .services import (
    agreement_new_version,
    agreement_problems,
    agreement_queue_documents,
    agreement_sign,
    agreement_submit_for_signature,
    agreement_terminate,
)


class FrozenInlineMixin:
    """Rows of a frozen agreement are shown, never changed: a new version is made instead."""

    def _frozen(self, obj: Any) -> bool:
        return bool(obj and obj.is_frozen)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class SignatoryInline(FrozenInlineMixin, admin.TabularInline):
    model = Signatory
    fields = ("position", "party", "person_name", "function", "organisation", "municipality")
    autocomplete_fields = ("municipality",)
    extra = 0


class AgreedMeasureInline(FrozenInlineMixin, admin.TabularInline):
    model = AgreedMeasure
    fields = ("position", "kind", "description")
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2})}}
    extra = 0


class AgreementDocumentInline(admin.TabularInline):
    model = AgreementDocument
    fields = ("kind", "download", "fingerprint", "pages", "size", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, document: AgreementDocument) -> str:
        url = reverse("admin:agreements_document_download", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download PDF"))

    @admin.display(description=_("SHA-256 of the file"))
    def fingerprint(self, document: AgreementDocument) -> str:
        return format_html("<code>{}</code>", document.sha256)


class AgreementYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, Any]]:
        years = (
            CooperationAgreement.objects.exclude(number_year__isnull=True)
            .order_by("-number_year")
            .values_list("number_year", flat=True)
            .distinct()
        )
        return [(year, str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(number_year=self.value()) if self.value() else queryset


EDITABLE_WHEN_FROZEN = ("notes",)


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 10
    change_form_template = "admin/agreements/cooperationagreement/change_form.html"
    list_display = ("display_label", "parties", "police_directorate", "status", "signed_on")
    list_display_links = ("display_label", "parties")
    list_filter = (
        "status",
        "police_directorate",
        "municipalities__district__police_directorate",
        ("municipalities__district", DistrictListFilter),
        AgreementYearFilter,
    )
    search_fields = ("=number", "municipalities__name", "=municipalities__ags", "district__name")
    list_select_related = ("police_directorate", "district")
    list_related_values = MUNICIPALITY_NAMES
    autocomplete_fields = ("municipalities", "district", "police_directorate", "lpr_contact")
    inlines = (SignatoryInline, AgreedMeasureInline, AgreementDocumentInline)
    actions = ("render_documents",)
    show_full_result_count = False
    fieldsets = (
        (_("Partners"), {"fields": ("municipalities", "district", "police_directorate")}),
        (
            _("Signing"),
            {"fields": ("signing_place", "planned_on", "guests_of_honour", "lpr_contact")},
        ),
        (
            _("Text"),
            {
                "fields": (
                    "preamble",
                    "goals",
                    "tasks_municipality",
                    "tasks_police",
                    "tasks_lpr",
                    "term_and_review",
                )
            },
        ),
        (
            _("Status"),
            {
                "fields": (
                    "status",
                    "number",
                    "year",
                    "version",
                    "predecessor",
                    "frozen_at",
                    "content_fingerprint",
                    "signed_on",
                    "terminated_on",
                    "termination_reason",
                )
            },
        ),
        (None, {"fields": ("notes",)}),
    )
    STATE_FIELDS = (
        "status",
        "number",
        "year",
        "version",
        "predecessor",
        "frozen_at",
        "content_fingerprint",
        "signed_on",
        "terminated_on",
        "termination_reason",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Transitions change the state, never the form; a frozen text is read-only.
        if obj and obj.is_frozen:
            return [
                name
                for fieldset in self.fieldsets
                for name in fieldset[1]["fields"]
                if name not in EDITABLE_WHEN_FROZEN
            ]
        return self.STATE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a draft that was never released may be deleted; everything else stays on record
        # (the model refuses it as well: ``CooperationAgreement.protected_records``).
        if obj is not None and obj.is_protected_record():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk deletion: a list mixes drafts and records; a draft is deleted on its own page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("year of the number"))
    def year(self, agreement: CooperationAgreement) -> str:
        # A year is not a quantity: no thousands separator.
        return str(agreement.number_year) if agreement.number_year else "–"

    @admin.display(description=_("number"), ordering="number")
    def display_label(self, agreement: CooperationAgreement) -> str:
        return agreement.label or str(_("Draft"))

    @admin.display(description=_("partners"))
    def parties(self, agreement: CooperationAgreement) -> str:
        if agreement.district is not None:
            return agreement.district.name
        return ", ".join(agreement.municipality_names)  # type: ignore[attr-defined]

    @admin.action(
        description=_("Render the PDFs of the selected agreements"), permissions=["change"]
    )
    def render_documents(
        self, request: HttpRequest, queryset: QuerySet[CooperationAgreement]
    ) -> HttpResponse | None:
        try:
            job = agreement_queue_documents(agreements=list(queryset), user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        return redirect("admin:agreements_job", job.pk)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/freigeben/", view(self.submit_view), name="agreements_submit"),
            path("<int:pk>/unterzeichnen/", view(self.sign_view), name="agreements_sign"),
            path("<int:pk>/beenden/", view(self.terminate_view), name="agreements_terminate"),
            path(
                "<int:pk>/neue-fassung/", view(self.new_version_view), name="agreements_new_version"
            ),
            path(
                "dokumente/<int:pk>/", view(self.document_view), name="agreements_document_download"
            ),
            path("auftraege/<int:pk>/", view(self.job_view), name="agreements_job"),
            path(
                "auftraege/<int:pk>/fortschritt/",
                view(self.job_progress_view),
                name="agreements_job_progress",
            ),
            path("auftraege/<int:pk>/zip/", view(self.job_zip_view), name="agreements_job_zip"),
            *super().get_urls(),
        ]

    def _agreement_for_change(self, request: HttpRequest, pk: int) -> CooperationAgreement:
        agreement = get_object_or_404(CooperationAgreement, pk=pk)
        if not self.has_change_permission(request, agreement):
            raise PermissionDenied
        return agreement

    def _back(self, agreement: CooperationAgreement) -> HttpResponseRedirect:
        return redirect("admin:agreements_cooperationagreement_change", agreement.pk)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        agreement = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if agreement is not None:
            context["agreement_problems"] = (
                agreement_problems(agreement) if agreement.status == agreement.Status.DRAFT else []
            )
            context["latest_job"] = (
                Job.objects.filter(
                    kind="agreement_pdf",
                    items__object_id=agreement.pk,
                    items__content_type__model="cooperationagreement",
                )
                .order_by("-created_at")
                .first()
            )
            context["sign_form"] = SignForm()
            context["terminate_form"] = TerminateForm()
        return super().change_view(request, object_id, form_url, context)

    def _transition(
        self,
        request: HttpRequest,
        pk: int,
        action: Any,
        done: str,
        form_class: type[forms.Form] | None = None,
    ) -> HttpResponse:
        """A status button: POST only; form errors and refused rules come back as messages."""
        agreement = self._agreement_for_change(request, pk)
        if request.method != "POST":
            return self._back(agreement)
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, error, messages.ERROR)
                return self._back(agreement)
            data = form.cleaned_data
        try:
            result = action(agreement=agreement, user=request.user, **data)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(agreement)
        self.message_user(request, done, messages.SUCCESS)
        if isinstance(result, CooperationAgreement) and result.pk != agreement.pk:
            return self._back(result)
        return self._back(agreement)

    def submit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._transition(
            request,
            pk,
            agreement_submit_for_signature,
            str(_("Released for signature; the PDF is being rendered.")),
        )

    def sign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._transition(
            request, pk, agreement_sign, str(_("Recorded as signed.")), form_class=SignForm
        )

    def terminate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._transition(
            request,
            pk,
            agreement_terminate,
            str(_("The agreement has been terminated.")),
            form_class=TerminateForm,
        )

    def new_version_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._transition(
            request,
            pk,
            agreement_new_version,
            str(_("A new draft version was created; edit it and release it for signature.")),
        )

    def document_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
        if not self.has_view_permission(request, document.agreement):
            raise PermissionDenied
        name = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )

    def _job(self, request: HttpRequest, pk: int) -> Job:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Job, pk=pk, kind="agreement_pdf")

    def job_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self._job(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": job.title,
            "job": job,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/agreements/job.html", context)

    def job_progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self._job(request, pk)
        items = list(job.items.all())
        agreements = CooperationAgreement.objects.in_bulk([item.object_id for item in items])
        rows = [(item, agreements.get(item.object_id)) for item in items]
        return TemplateResponse(
            request, "admin/agreements/job_progress.html", {"job": job, "rows": rows}
        )

    def job_zip_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """A ZIP of the signature-ready PDFs of a job's agreements, built on request."""
        job = self._job(request, pk)
        documents = AgreementDocument.objects.filter(
            kind=AgreementDocument.Kind.SIGNATURE_READY,
            agreement_id__in=job.items.values("object_id"),
        ).select_related("agreement")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for document in documents:
                with document.file.open("rb") as handle:
                    archive.writestr(document.file.name.rsplit("/", 1)[-1], handle.read())
        buffer.seek(0)
        return FileResponse(
            buffer,
            as_attachment=True,
            filename=f"kooperationsvereinbarungen-{job.pk}.zip",
            content_type="application/zip",
        )


class CoachingSessionInline(admin.TabularInline):
    model = CoachingSession
    fields = ("date", "duration_minutes", "participants", "notes")
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2})}}
    extra = 0


class CoachingProcessAdminForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("topics"),
        choices=CoachingProcess.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CoachingProcess
        fields = (
            "municipalities",
            "coach",
            "requested_on",
            "started_on",
            "ended_on",
            "topics",
            "status",
            "goals",
            "notes",
        )


@admin.register(CoachingProcess)
class CoachingProcessAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 20
    form = CoachingProcessAdminForm
    list_display = (
        "municipality_list",
        "coach",
        "status",
        "requested_on",
        "started_on",
        "ended_on",
    )
    list_filter = (
        "status",
        "coach",
        "municipalities__district__police_directorate",
        ("municipalities__district", DistrictListFilter),
    )
    search_fields = ("municipalities__name", "=municipalities__ags", "coach__last_name")
    list_select_related = ("coach",)
    list_related_values = MUNICIPALITY_NAMES
    show_full_result_count = False
    autocomplete_fields = ("municipalities", "coach")
    inlines = (CoachingSessionInline,)
    date_hierarchy = "requested_on"

    @admin.display(description=_("municipalities"))
    def municipality_list(self, process: CoachingProcess) -> str:
        return ", ".join(process.municipality_names)  # type: ignore[attr-defined]
