"""Staff admin of funding: years with their budget, applications with review and decisions.

Every change of status goes through the services (buttons on the application and two list
actions); the admin's own form only edits drafts. Decisions and payments are read-only records.
"""

from decimal import Decimal
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Q, QuerySet, Sum, Value
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from asskomm.admin_lists import (
    LabelFilter,
    ListRowsChangeList,
    ListRowsMixin,
    compiled_with_marks,
    kept_for_build,
)
from asskomm.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin
from asskomm.memo import per_request
from municipalities.admin import district_choices
from municipalities.models import PoliceDirectorate

from .exports import export_queryset, to_csv, to_xlsx
from .forms import (
    AmendForm,
    ApproveForm,
    BulkApproveForm,
    BulkRejectForm,
    LateForm,
    PaymentForm,
    RejectForm,
)
from .models import (
    ZERO,
    Attachment,
    CostLine,
    FundingApplication,
    FundingDecision,
    FundingYear,
    PayGroupCap,
    Payment,
    PaymentTotal,
)
from .selectors import kept_year_totals, with_paid
from .services import (
    application_accept_late,
    application_amend,
    application_approve,
    application_problems,
    application_record_check,
    application_reject,
    application_start_review,
    application_withdraw,
    payment_record,
    plan_summary,
    proof_review,
)

Status = FundingApplication.Status


def year_totals_of(
    years: list[FundingYear], kept: dict[int, dict[str, Any]] | None = None
) -> list[tuple[FundingYear, dict[str, Decimal]]]:
    """``year_totals`` of several funding years from the totals the database keeps (two small
    queries, none if ``kept`` from ``kept_year_totals`` is given)."""
    kept = kept_year_totals() if kept is None else kept
    return [
        (
            year,
            {
                "budget": year.budget,
                "requested": kept.get(year.pk, {}).get("requested", ZERO),
                "approved": year.committed,
                "paid": kept.get(year.pk, {}).get("paid", ZERO),
                "free": year.free,
            },
        )
        for year in years
    ]


def eur(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=2, force_grouping=True) + " €"


def percent(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return number_format(rate * 100, decimal_pos=1) + " %"


class PaidChangeList(ListRowsChangeList):
    """The list of funding years with what was paid in each, for the listed years only.

    Read from the totals the database keeps (``PaymentTotal``): an annotation joined every
    application and payment into the list's COUNT queries (0.7 s at Germany scale), a grouped
    sum of the payments still took 8 ms (bench/scale.py).
    """

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        years = list(self.result_list)
        paid = dict(
            PaymentTotal.objects.filter(funding_year__in=[year.pk for year in years])
            .order_by()
            .values_list("funding_year", "amount")
        )
        for year in years:
            year.paid_sum = paid.get(year.pk)
        self.result_list = years


@admin.register(FundingYear)
class FundingYearAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 10
    list_display = (
        "year_label",
        "status",
        "call_window",
        "budget_display",
        "approved_display",
        "paid_display",
        "free_display",
        "applications_link",
    )
    list_display_links = ("year_label",)
    readonly_fields = ("committed",)
    fields = ("year", "status", "budget", "committed", "call_opens", "call_closes", "notes")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PaidChangeList

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The year of an existing funding year is its identity (file numbers carry it).
        return ("year", "committed") if obj else ("committed",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.applications.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("funding year"), ordering="year")
    def year_label(self, year: FundingYear) -> str:
        return str(year.year)

    @admin.display(description=_("call window"))
    def call_window(self, year: FundingYear) -> str:
        return f"{year.call_opens:%d.%m.%Y} – {year.call_closes:%d.%m.%Y}"

    @admin.display(description=_("budget"), ordering="budget")
    def budget_display(self, year: FundingYear) -> str:
        return eur(year.budget)

    @admin.display(description=_("approved"), ordering="committed")
    def approved_display(self, year: FundingYear) -> str:
        return eur(year.committed)

    @admin.display(description=_("paid"))
    def paid_display(self, year: FundingYear) -> str:
        return eur(getattr(year, "paid_sum", None) or ZERO)

    @admin.display(description=_("free"))
    def free_display(self, year: FundingYear) -> str:
        return eur(year.free)

    @admin.display(description=_("applications"))
    def applications_link(self, year: FundingYear) -> str:
        url = reverse("admin:funding_fundingapplication_changelist")
        return format_html(
            '<a href="{}?funding_year__id__exact={}">{}</a>', url, year.pk, _("Applications")
        )


@admin.register(PayGroupCap)
class PayGroupCapAdmin(HistoryAdmin):
    menu_order = 90
    list_display = ("pay_group", "valid_from", "cap_display", "source")
    list_filter = ("pay_group",)

    @admin.display(description=_("monthly ceiling"), ordering="monthly_cap")
    def cap_display(self, cap: PayGroupCap) -> str:
        return eur(cap.monthly_cap)


class DraftOnlyInlineMixin:
    """Lines of an application change only while it is a draft."""

    def _draft(self, obj: Any) -> bool:
        return obj is None or obj.status == Status.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class CostLineInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = CostLine
    extra = 0
    fields = (
        "position",
        "kind",
        "description",
        "amount",
        "is_capital_expenditure",
        "pay_group",
        "fte",
        "months",
    )


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("title", "download", "uploaded_at", "uploaded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment) -> str:
        url = reverse("admin:funding_attachment_download", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class RecordInline(admin.TabularInline):
    """Decisions and payments are records: shown, never edited or deleted here."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DecisionInline(RecordInline):
    model = FundingDecision
    fields = ("reference", "kind", "decided_on", "amount_display", "decided_by", "letter_link")
    readonly_fields = fields

    @admin.display(description=_("reference"))
    def reference(self, decision: FundingDecision) -> str:
        return f"{decision.application.file_number}/{decision.number}"

    @admin.display(description=_("amount"))
    def amount_display(self, decision: FundingDecision) -> str:
        return eur(decision.amount)

    @admin.display(description=_("letter (PDF)"))
    def letter_link(self, decision: FundingDecision) -> str:
        if not decision.letter:
            return str(_("being rendered …"))
        url = reverse("admin:funding_letter_download", args=[decision.pk])
        sent = (
            _("mailed %(when)s")
            % {"when": timezone.localtime(decision.letter_sent_at).strftime("%d.%m.%Y %H:%M")}
            if decision.letter_sent_at
            else _("not mailed (no coordinator)")
        )
        verify = reverse("verify_fingerprint", args=[decision.content_fingerprint])
        return format_html(
            '<a href="{}">{}</a> · {} · <a href="{}">{}</a>',
            url,
            _("Download"),
            sent,
            verify,
            _("verification"),
        )


class PaymentInline(RecordInline):
    model = Payment
    fields = ("paid_on", "kind", "amount_display", "reference", "created_by", "created_at")
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def amount_display(self, payment: Payment) -> str:
        return eur(payment.amount)


class DistrictFilter(admin.SimpleListFilter):
    """The Kreis of the applicant: of the municipality, or the Landkreis itself.

    Few enough to list: all Kreise of a Land, at the scale of Germany those of the police
    directorate chosen in the next filter (``district_choices``).
    """

    title = _("Kreis")
    parameter_name = "kreis"
    narrowed = False

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, Any]]:
        directorate = request.GET.get(PoliceDirectorateFilter.parameter_name)
        selected = self.value()
        choices, self.narrowed = district_choices(directorate, selected, key="key", request=request)
        if self.narrowed:
            self.title = _("Kreis (choose a police directorate first)")
        return choices

    def has_output(self) -> bool:
        return self.narrowed or super().has_output()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        return queryset.filter(
            Q(municipality__district__key=self.value()) | Q(district__key=self.value())
        )


class FundingYearFilter(LabelFilter):
    """The funding years of the request (``FundingApplicationAdmin.funding_years``)."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        return [(year.pk, str(year)) for year in model_admin.funding_years(request)]


class PoliceDirectorateFilter(admin.SimpleListFilter):
    title = _("police directorate")
    parameter_name = "pd"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, Any]]:
        return kept_for_build(
            request,
            PoliceDirectorate._meta.db_table,
            ("directorates",),
            lambda: list(PoliceDirectorate.objects.order_by("name").values_list("pk", "name")),
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        try:
            pk = int(self.value() or "")
        except ValueError:
            return queryset.none()
        return queryset.filter(
            Q(municipality__district__police_directorate_id=pk)
            | Q(district__police_directorate_id=pk)
        )


YEAR_FILTER = "funding_year__id__exact"


def kept_scope(request: HttpRequest, queryset: QuerySet[Any]) -> tuple[bool, int | None]:
    """Whether the kept totals answer for the list: (True, None) for every application (the
    query has no condition), (True, year id) when the only filter is the funding year's (order
    and page aside), (False, None) otherwise."""
    if not queryset.query.where:
        return True, None
    year = request.GET.get(YEAR_FILTER, "")
    # The condition itself is compared, not the query string: a narrower list (a search, a
    # filter, a scope the admin may add one day) never takes the totals of the whole year.
    if year.isdigit():
        one_year = FundingApplication.objects.filter(funding_year__id__exact=int(year))
        if queryset.query.where == one_year.query.where:
            return True, int(year)
    return False, None


class ApplicationChangeList(ListRowsChangeList):
    """The list of applications, its page fetched in two steps.

    The default order (newest funding year first, then by file number) sorts on the funding
    year's table: PostgreSQL joined every application of the newest year and sorted them to
    find fifty (7-9 ms at Germany scale, with or without a filter, bench/scale.py). So first the
    ids of the page alone: on PostgreSQL in that order as one UNION ALL of each funding year's
    first rows, read from the index on (year, file number, id); then the rows with their joins
    and paid sums by id.
    """

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        page = self.result_list
        if not isinstance(page, QuerySet):
            return
        low, high = page.query.low_mark, page.query.high_mark
        default = list(self.opts.ordering or ())  # ends with "-pk"; the admin may add it again
        ordering = self.get_ordering(request, self.root_queryset)
        if (
            connections[page.db].vendor == "postgresql"
            and high is not None
            and ordering[: len(default)] == default
            and set(ordering[len(default) :]) <= {"-pk"}
        ):
            model_admin = cast("FundingApplicationAdmin", self.model_admin)
            years = [year.pk for year in model_admin.funding_years(request)]
            ids = self._page_ids_year_by_year(low, high, years)
        else:
            ids = list(page.values_list("pk", flat=True))
        rows = self.narrow(self.queryset.order_by()).in_bulk(ids)
        self.result_list = [rows[pk] for pk in ids if pk in rows]

    def _page_ids_year_by_year(self, low: int, high: int, years: list[int]) -> list[int]:
        """The ids of rows ``low`` to ``high`` in the default order, each year's (``years``:
        ids, newest first) read from the index in one query.

        The first rows of one year are compiled once and that SQL repeated for each year with
        its id as the parameter: built by the ORM for each year and put together as a union,
        the query cost 2.5 ms of Python at Germany scale (ten years), the database 0.7 ms."""
        if not years:
            return []
        base = self.queryset.order_by()

        def first_rows(year: int, rank: int) -> QuerySet[Any]:
            return (
                base.filter(funding_year_id=year)
                .annotate(rank=Value(rank))
                .order_by("file_number", "-pk")
                .values_list("pk", "rank", "file_number")[:high]
            )

        part = first_rows(YEAR_MARK, 0)
        found = compiled_with_marks(part.query, part.db, [YEAR_MARK])
        if found is None:  # the mark not seen once: the ORM builds the union
            parts = [first_rows(year, rank) for rank, year in enumerate(years)]
            ordered = parts[0].union(*parts[1:], all=True).order_by("rank", "file_number", "-pk")
            return [pk for pk, _rank, _number in ordered[low:high]]
        sql, params, (at,) = found
        every: list[Any] = []
        for year in years:
            params[at] = year
            every += params
        union = " UNION ALL ".join(
            f"SELECT {rank:d} AS rank, part.id, part.file_number "  # noqa: S608
            f"FROM ({sql}) AS part (id, unranked, file_number)"
            for rank in range(len(years))
        )
        query = (
            f"SELECT id FROM ({union}) AS page ORDER BY rank, file_number, id DESC "  # noqa: S608
            f"LIMIT {high - low:d} OFFSET {low:d}"
        )
        with connections[part.db].cursor() as cursor:
            cursor.execute(query, every)
            return [pk for (pk,) in cursor.fetchall()]


# Stands for a funding year's id in the page's query compiled once (no id is negative).
YEAR_MARK = -7301


STATE_FIELDS = (
    "file_number",
    "status",
    "requested_amount",
    "eligible_costs",
    "approved_amount",
    "submitted_on",
    "submitted_by",
    "late_acceptance_reason",
    "factual_check_at",
    "factual_check_by",
    "arithmetic_check_at",
    "arithmetic_check_by",
    "proof_due_on",
    "reminder_sent_on",
)


@admin.register(FundingApplication)
class FundingApplicationAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 20
    change_form_template = "admin/funding/fundingapplication/change_form.html"
    change_list_template = "admin/funding/fundingapplication/change_list.html"
    list_display = (
        "number_display",
        "title",
        "applicant",
        "funding_year",
        "field_of_action",
        "status",
        "requested_display",
        "approved_display",
        "paid_display",
    )
    list_display_links = ("number_display", "title")
    list_filter = (
        ("funding_year", FundingYearFilter),
        "status",
        "field_of_action",
        DistrictFilter,
        PoliceDirectorateFilter,
    )
    search_fields = ("file_number", "title", "municipality__name", "=municipality__ags")
    list_select_related = ("funding_year", "municipality", "district")
    # What the list's columns and the row's str() read of an application.
    list_columns = (
        "file_number",
        "title",
        "field_of_action",
        "status",
        "requested_amount",
        "approved_amount",
    )
    autocomplete_fields = ("municipality", "district", "consultation")
    inlines = (CostLineInline, AttachmentInline, DecisionInline, PaymentInline)
    actions = ("approve_selected", "reject_selected", "export_csv", "export_xlsx")
    # "100 results (100,000 total)" counted every application a second time on each page.
    show_full_result_count = False
    fieldsets = (
        (
            _("Applicant"),
            {"fields": ("funding_year", "municipality", "district", "recipient", "consultation")},
        ),
        (
            _("Project"),
            {"fields": ("title", "field_of_action", "starts_on", "ends_on")},
        ),
        (
            _("Description (Beccaria standard)"),
            {
                "fields": (
                    "problem",
                    "causes",
                    "goals",
                    "measures",
                    "implementation",
                    "evaluation",
                )
            },
        ),
        (
            _("Financing"),
            {"fields": ("own_funds", "own_contribution_in_kind", "third_party_funds")},
        ),
        (_("Status"), {"fields": STATE_FIELDS}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[FundingApplication]:
        return with_paid(super().get_queryset(request))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ApplicationChangeList

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only a draft is edited in the form; after submission the application is a record and
        # changes only through the decisions below it.
        if obj is not None and obj.status != Status.DRAFT:
            return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]
        return STATE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._history_user = request.user
        obj._change_reason = gettext("Draft edited by the LPR office")
        super().save_model(request, obj, form, change)

    @admin.display(description=_("file number"), ordering="file_number")
    def number_display(self, application: FundingApplication) -> str:
        return application.file_number or str(_("Draft"))

    @admin.display(description=_("applicant"))
    def applicant(self, application: FundingApplication) -> str:
        return application.applicant_name

    @admin.display(description=_("amount requested"), ordering="requested_amount")
    def requested_display(self, application: FundingApplication) -> str:
        return eur(application.requested_amount)

    @admin.display(description=_("approved"), ordering="approved_amount")
    def approved_display(self, application: FundingApplication) -> str:
        return eur(application.approved_amount)

    @admin.display(description=_("paid"), ordering="paid_total")
    def paid_display(self, application: FundingApplication) -> str:
        paid = getattr(application, "paid_total", None)
        return eur(paid) if paid else "–"

    # --- The list: sums of the filtered applications and of the funding year

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is None or "cl" not in context:
            return response
        changelist = context["cl"]
        year_id = request.GET.get(YEAR_FILTER)
        every = self.funding_years(request)
        if year_id and year_id.isdigit():
            years = [year for year in every if year.pk == int(year_id)]
        else:
            # The years money is still being decided or paid in.
            years = [year for year in every if year.status != FundingYear.Status.CLOSED][:3]
        # The list of every application, or of one funding year's, is summed from the totals
        # the database keeps (at Germany scale the sums over 100,000 applications and 48,000
        # payments took 35 ms; bench/scale.py). Any other filter or search sums the listed
        # applications and their payments.
        answered, year = kept_scope(request, changelist.queryset)
        if answered:
            scope = self.kept_in_scope(request, year)
            requested = sum((figures.get("requested_all", ZERO) for figures in scope), ZERO)
            approved = sum((figures.get("approved", ZERO) for figures in scope), ZERO)
            paid = sum((figures.get("paid", ZERO) for figures in scope), ZERO)
        else:
            applications = changelist.queryset.order_by()
            sums = applications.aggregate(
                requested=Sum("requested_amount"), approved=Sum("approved_amount")
            )
            requested, approved = sums["requested"], sums["approved"]
            paid = Payment.objects.filter(application__in=applications.values("pk")).aggregate(
                total=Sum("amount")
            )["total"]
        context["funding_sums"] = {
            "requested": eur(requested or ZERO),
            "approved": eur(approved or ZERO),
            "paid": eur(paid or ZERO),
        }
        context["funding_years"] = [
            {"year": year, **{key: eur(value) for key, value in figures.items()}}
            for year, figures in year_totals_of(years, self.kept_totals(request))
        ]
        return response

    def list_count(self, request: HttpRequest, queryset: QuerySet[Any]) -> int | None:
        """Counted from the kept totals where they answer (kept_scope): a COUNT of every
        application took 6 ms at Germany scale."""
        answered, year = kept_scope(request, queryset)
        if not answered:
            return None
        return sum(figures.get("applications", 0) for figures in self.kept_in_scope(request, year))

    def funding_years(self, request: HttpRequest) -> list[FundingYear]:
        """Every funding year, newest first, read once per request: the year filter, the
        order of the list's page and the budget table each read them (three queries before)."""
        return per_request(
            request, "funding years", lambda: list(FundingYear.objects.order_by("-year"))
        )

    def kept_totals(self, request: HttpRequest) -> dict[int, dict[str, Any]]:
        """``kept_year_totals`` once per request: the list's count and its sums both read them
        (a query fewer)."""
        return per_request(request, "kept year totals", kept_year_totals)

    def kept_in_scope(self, request: HttpRequest, year: int | None) -> list[dict[str, Any]]:
        """The kept totals of the list's scope (``kept_scope``): every year's, or one year's."""
        kept = self.kept_totals(request)
        return list(kept.values()) if year is None else [kept.get(year, {})]

    # --- Actions on the list

    @admin.action(description=_("Approve the selected at the amounts requested"))
    def approve_selected(
        self, request: HttpRequest, queryset: QuerySet[FundingApplication]
    ) -> HttpResponse | None:
        return self._bulk_decision(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected"))
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[FundingApplication]
    ) -> HttpResponse | None:
        return self._bulk_decision(request, queryset, approve=False)

    def _bulk_decision(
        self, request: HttpRequest, queryset: QuerySet[FundingApplication], *, approve: bool
    ) -> HttpResponse | None:
        """An intermediate page with the total and the free budget; each decision on its own."""
        applications = list(queryset.select_related("funding_year", "municipality", "district"))
        form_class = BulkApproveForm if approve else BulkRejectForm
        form = form_class(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done, failed = 0, []
            for application in applications:
                try:
                    if approve:
                        application_approve(
                            application=application,
                            amount=application.requested_amount or ZERO,
                            decided_on=form.cleaned_data["decided_on"],
                            conditions=form.cleaned_data["conditions"],
                            user=request.user,
                        )
                    else:
                        application_reject(
                            application=application,
                            reason=form.cleaned_data["reason"],
                            decided_on=form.cleaned_data["decided_on"],
                            user=request.user,
                        )
                except ValidationError as error:
                    failed.append(f"{application}: {' '.join(error.messages)}")
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d application decided; its letter is being rendered.",
                        "%(count)d applications decided; their letters are being rendered.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            for failure in failed:
                self.message_user(request, failure, messages.ERROR)
            return None
        totals: dict[int, dict[str, Any]] = {}
        for application in applications:
            year = application.funding_year
            entry = totals.setdefault(year.pk, {"year": year, "sum": ZERO})
            entry["sum"] += application.requested_amount or ZERO
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve applications") if approve else _("Reject applications"),
            "opts": self.model._meta,
            "applications": [
                (application, eur(application.requested_amount)) for application in applications
            ],
            "not_in_review": [a for a in applications if a.status != Status.IN_REVIEW],
            "years": [
                {
                    "year": entry["year"].year,
                    "sum": eur(entry["sum"]),
                    "free": eur(entry["year"].free),
                    "exceeds": entry["sum"] > entry["year"].free,
                }
                for entry in totals.values()
            ],
            "form": form,
            "approve": approve,
            "action": request.POST.get("action"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/funding/bulk_decision.html", context)

    def _export_name(self, queryset: QuerySet[FundingApplication], extension: str) -> str:
        years = sorted(
            {str(year) for year in queryset.values_list("funding_year__year", flat=True)}
        )
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        return f"foerderantraege-{'-'.join(years[:3]) or 'leer'}-{stamp}.{extension}"

    @admin.action(description=_("Export the selected as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[FundingApplication]
    ) -> HttpResponse:
        data = to_csv(export_queryset(queryset))
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self._export_name(queryset, "csv")}"'
        )
        return response

    @admin.action(description=_("Export the selected as XLSX"))
    def export_xlsx(
        self, request: HttpRequest, queryset: QuerySet[FundingApplication]
    ) -> HttpResponse:
        data = to_xlsx(export_queryset(queryset), sheet_title=gettext("Funding applications"))
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self._export_name(queryset, "xlsx")}"'
        )
        return response

    # --- Transitions on the application's page

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        transitions = [
            ("pruefung-beginnen", "start_review"),
            ("sachlich-geprueft", "factual_check"),
            ("rechnerisch-geprueft", "arithmetic_check"),
            ("bewilligen", "approve"),
            ("ablehnen", "reject"),
            ("aendern", "amend"),
            ("verspaetet-annehmen", "accept_late"),
            ("zurueckziehen", "withdraw"),
            ("auszahlung", "payment"),
            ("nachweis-pruefen", "proof_review"),
        ]
        return [
            *[
                path(
                    f"<int:pk>/{slug}/",
                    view(self._transition_view(name)),
                    name=f"funding_{name}",
                )
                for slug, name in transitions
            ],
            path(
                "export/<int:year>/<str:fmt>/", view(self.year_export_view), name="funding_export"
            ),
            path("bescheide/<int:pk>/pdf/", view(self.letter_view), name="funding_letter_download"),
            path(
                "anlagen/<int:pk>/", view(self.attachment_view), name="funding_attachment_download"
            ),
            *super().get_urls(),
        ]

    TRANSITIONS: dict[str, tuple[Any, Any, Any]] = {
        "start_review": (application_start_review, None, _("The review has started.")),
        "factual_check": (
            lambda **kw: application_record_check(check="factual", **kw),
            None,
            _("Factual review recorded."),
        ),
        "arithmetic_check": (
            lambda **kw: application_record_check(check="arithmetic", **kw),
            None,
            _("Arithmetic review recorded."),
        ),
        "approve": (
            application_approve,
            ApproveForm,
            _("Approved; the grant letter is being rendered and will be mailed."),
        ),
        "reject": (
            application_reject,
            RejectForm,
            _("Rejected; the letter is being rendered and will be mailed."),
        ),
        "amend": (
            application_amend,
            AmendForm,
            _("Amended; the letter is being rendered and will be mailed."),
        ),
        "accept_late": (
            application_accept_late,
            LateForm,
            _("Accepted outside the call window; the reason is on record."),
        ),
        "withdraw": (application_withdraw, None, _("The application has been withdrawn.")),
        "payment": (payment_record, PaymentForm, _("The payment has been recorded.")),
        "proof_review": (proof_review, None, _("The proof of use has been reviewed; closed.")),
    }

    def _transition_view(self, name: str) -> Any:
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            return self._transition(request, pk, name)

        return view

    def _back(self, application: FundingApplication) -> HttpResponseRedirect:
        return redirect("admin:funding_fundingapplication_change", application.pk)

    def _transition(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        """A status button: POST only; form errors and refused rules come back as messages."""
        application = get_object_or_404(FundingApplication, pk=pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        if request.method != "POST":
            return self._back(application)
        action, form_class, done = self.TRANSITIONS[name]
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    for error in errors:
                        self.message_user(
                            request, f"{label}: {error}" if label else error, messages.ERROR
                        )
                return self._back(application)
            data = form.cleaned_data
        try:
            action(application=application, user=request.user, **data)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(application)
        self.message_user(request, str(done), messages.SUCCESS)
        return self._back(application)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        application = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if application is not None:
            today = timezone.localdate()
            year = application.funding_year
            summary = plan_summary(application)
            context.update(
                {
                    "summary": summary,
                    "summary_eur": {
                        "total": eur(summary.total_costs),
                        "eligible": eur(summary.eligible_costs),
                        "own": eur(summary.own_share),
                        "third": eur(summary.third_party_funds),
                        "requested": eur(summary.requested),
                        "max_grant": eur(summary.max_grant),
                        "own_rate": percent(summary.own_share_rate),
                        "rate": percent(summary.funding_rate),
                    },
                    "approved": eur(application.approved_amount),
                    "problems": application_problems(application, today=today)
                    if application.status == Status.DRAFT
                    else [],
                    "window_open": year.call_opens <= today <= year.call_closes,
                    "year_free": eur(year.free),
                    "paid": eur(getattr(application, "paid_total", None) or ZERO),
                    "open_to_pay": eur(
                        (application.approved_amount or ZERO)
                        - (getattr(application, "paid_total", None) or ZERO)
                    ),
                    "proof": getattr(application, "proof", None),
                    "approve_form": ApproveForm(
                        initial={"amount": application.requested_amount, "decided_on": today},
                        auto_id="id_approve_%s",
                    ),
                    "reject_form": RejectForm(
                        initial={"decided_on": today}, auto_id="id_reject_%s"
                    ),
                    "amend_form": AmendForm(
                        initial={"amount": application.approved_amount, "decided_on": today},
                        auto_id="id_amend_%s",
                    ),
                    "late_form": LateForm(auto_id="id_late_%s"),
                    "payment_form": PaymentForm(
                        initial={
                            "paid_on": today,
                            "kind": Payment.Kind.REIMBURSEMENT,
                        },
                        auto_id="id_payment_%s",
                    ),
                }
            )
            if context["proof"] is not None:
                context["proof_lines"] = [
                    (line.cost_line, eur(line.cost_line.amount), eur(line.actual_amount))
                    for line in context["proof"].lines.select_related("cost_line")
                ]
                context["proof_eur"] = {
                    "eligible": eur(context["proof"].eligible_actual),
                    "earned": eur(context["proof"].funded_actual),
                    "refund": eur(context["proof"].refund_amount),
                }
        return super().change_view(request, object_id, form_url, context)

    # --- Files and exports

    def year_export_view(self, request: HttpRequest, year: int, fmt: str) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        funding_year = get_object_or_404(FundingYear, year=year)
        applications = export_queryset(FundingApplication.objects.filter(funding_year=funding_year))
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        if fmt == "csv":
            response = HttpResponse(to_csv(applications), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(
                to_xlsx(applications, sheet_title=f"Förderjahr {funding_year.year}"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404
        response["Content-Disposition"] = (
            f'attachment; filename="foerderjahr-{funding_year.year}-{stamp}.{fmt}"'
        )
        return response

    def letter_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        decision = get_object_or_404(FundingDecision.objects.exclude(letter=""), pk=pk)
        return FileResponse(
            decision.letter.open("rb"),
            as_attachment=True,
            filename=decision.letter.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )

    def attachment_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=f"{attachment.title}.pdf",
            content_type="application/pdf",
        )


@admin.register(FundingDecision)
class FundingDecisionAdmin(ListRowsMixin, ReadOnlyHistoryAdmin):
    """Made by the application's buttons, never changed or deleted (the model refuses it too)."""

    menu_order = 30
    list_display = ("__str__", "decided_on", "amount_display", "decided_by", "amends")
    list_filter = ("kind", "application__funding_year")
    search_fields = ("application__file_number", "application__title")
    list_select_related = ("application", "decided_by", "amends__application")
    show_full_result_count = False  # a second COUNT(*) of every decision on each page
    # By the application's id (its creation order), not its Meta.ordering: that joined the funding
    # year into a sort of every decision (bench/scale.py); (application, number) is indexed.
    ordering = ("application_id", "number")
    fields = (
        "application",
        "kind",
        "number",
        "decided_on",
        "amount",
        "conditions",
        "reason",
        "decided_by",
        "amends",
        "amended_by_display",
        "content_fingerprint",
        "letter_sha256",
        "letter_sent_at",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, decision: FundingDecision) -> str:
        return eur(decision.amount)

    @admin.display(description=_("amended by"))
    def amended_by_display(self, decision: FundingDecision) -> str:
        successor = getattr(decision, "amended_by", None)
        return str(successor) if successor else "–"


@admin.register(Payment)
class PaymentAdmin(ListRowsMixin, ReadOnlyHistoryAdmin):
    """Recorded through the application, never changed or deleted (the model refuses it too)."""

    menu_order = 40
    list_display = ("__str__", "application", "kind", "reference", "created_by")
    list_filter = ("kind", "application__funding_year")
    search_fields = ("application__file_number", "reference")
    list_select_related = ("application", "created_by")
    show_full_result_count = False  # a second COUNT(*) of every payment on each page
    # As for decisions: grouped by application id, not by the application's own ordering.
    ordering = ("application_id", "paid_on", "pk")
    fields = (
        "application",
        "kind",
        "amount",
        "paid_on",
        "reference",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
