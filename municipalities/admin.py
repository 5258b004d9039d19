"""Staff admin of the register: lists that cost the same few queries for 10 rows or 10,000."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from asskomm.admin_lists import ListRowsMixin, kept_for_build
from asskomm.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin

from .models import (
    AdministrativeAssociation,
    Consultation,
    Contact,
    CouncilMeeting,
    CouncilMember,
    DirectorateMember,
    District,
    MunicipalCoordinator,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
    RegisterImport,
    ServiceRequest,
    Topic,
    WorkingGroup,
)
from .selectors import municipalities_with_register_status
from .services import coordinator_invite


class RegisterRecordAdmin(ListRowsMixin, HistoryAdmin):
    """Rows of the official register are never deleted: records point to them."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HasCouncilFilter(admin.SimpleListFilter):
    title = _("prevention council")
    parameter_name = "council"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("with council")), ("no", _("without council"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(has_council=True)
        if self.value() == "no":
            return queryset.filter(has_council=False)
        return queryset


class DissolvedFilter(admin.SimpleListFilter):
    title = _("status in the register")
    parameter_name = "dissolved"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("existing")), ("yes", _("dissolved"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(dissolved_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(dissolved_on__isnull=True)
        return queryset


# Filters a list offers on every page: a few links each, however many rows there are ------------

DISTRICTS_LISTED_AT_ONCE = 40


def district_choices(
    directorate: str | None, selected: Any = None, *, key: str = "pk", request: Any = None
) -> tuple[list[tuple[Any, str]], bool]:
    """The Kreise a list's filter offers, and whether a police directorate must be chosen first.

    At the scale of a Land (13 Kreise in Saxony) all of them. At the scale of Germany (about
    400) a filter listing all of them rendered 400 links on every page of a list: there the
    filter offers the Kreise of the police directorate chosen in the list's directorate filter
    (and the one already selected), one small query either way, kept per build of the stored
    figures for the ``request``'s list (``kept_for_build``: the Kreise's changes are noted).
    """
    return kept_for_build(
        request,
        District._meta.db_table,
        ("districts", key, directorate, selected),
        lambda: _read_district_choices(directorate, selected, key),
    )


def _read_district_choices(
    directorate: str | None, selected: Any, key: str
) -> tuple[list[tuple[Any, str]], bool]:
    # (key, name) pairs: the Kreis's str() is its name.
    districts = District.objects.order_by("name").values_list(key, "name")
    if directorate and directorate.isdigit():
        return list(districts.filter(police_directorate_id=int(directorate))), False
    # The first few by name, and the one chosen (wherever it is), in one query: more than the
    # few means there are too many to list.
    first = District.objects.order_by("name").values("pk")[: DISTRICTS_LISTED_AT_ONCE + 1]
    wanted = Q(pk__in=first) | Q(**{key: selected}) if selected else Q(pk__in=first)
    chosen = list(districts.filter(wanted))
    narrowed = len(chosen) > DISTRICTS_LISTED_AT_ONCE
    if narrowed:
        chosen = [pair for pair in chosen if selected and str(pair[0]) == str(selected)]
    return chosen, narrowed


class DistrictListFilter(admin.RelatedFieldListFilter):
    """A list's filter by Kreis (a foreign key path ending in a District), see district_choices.

    ``directorate_parameter`` is the query parameter of the list's police directorate filter;
    by default the directorate of the same path (``<path>__police_directorate__id__exact``).
    """

    directorate_parameter = ""
    narrowed = False

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        parameter = (
            self.directorate_parameter or f"{self.field_path}__police_directorate__id__exact"
        )
        selected = self.lookup_val[-1] if self.lookup_val else None
        directorate = request.GET.get(parameter)
        selected = selected if str(selected or "").isdigit() else None
        choices, self.narrowed = district_choices(directorate, selected, request=request)
        return choices

    def has_output(self) -> bool:
        return self.narrowed or super().has_output()

    def choices(self, changelist: Any) -> Any:
        if self.narrowed:
            self.title = _("%(title)s (choose a police directorate first)") % {
                "title": self.lookup_title
            }
        return super().choices(changelist)


# The names of a row's municipalities, for a list's column of names (ListRowsMixin).
MUNICIPALITY_NAMES = {"municipality_names": ("municipalities", "name", ("name", "ags"))}


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("role", "title", "first_name", "last_name", "function", "email", "phone")
    extra = 0
    show_change_link = True


class ConsultationInline(admin.TabularInline):
    model = Consultation
    fields = ("date", "kind", "staff_member", "notes")
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }
    extra = 0
    show_change_link = True
    ordering = ("-date",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consultation]:
        return super().get_queryset(request).select_related("staff_member")


class MunicipalCoordinatorInline(admin.TabularInline):
    model = MunicipalCoordinator
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("coordinator (portal access)")
    verbose_name_plural = _("coordinators (portal access)")


@admin.register(Municipality)
class MunicipalityAdmin(RegisterRecordAdmin):
    menu_order = 10
    list_display = (
        "ags",
        "register_name",
        "district",
        "police_directorate",
        "population",
        "model_municipality",
        "council",
        "consultations",
        "last_consultation",
    )
    list_display_links = ("ags", "register_name")
    list_filter = (
        ("district", DistrictListFilter),
        "district__police_directorate",
        "is_model_municipality",
        HasCouncilFilter,
        DissolvedFilter,
        "kind",
    )
    search_fields = ("=ags", "^ags", "name", "official_name", "sorbian_name")
    list_select_related = ("district__police_directorate", "association")
    list_related_fields = {"district__police_directorate": ("seat",)}  # the column "PD"
    list_max_show_all = 500
    show_full_result_count = False
    ordering = ("name", "ags")
    autocomplete_fields = ("successor", "association")
    readonly_fields = ("created_at", "updated_at")
    inlines = (MunicipalCoordinatorInline, ContactInline, ConsultationInline)
    fieldsets = (
        (None, {"fields": ("ags", "ars", "name", "official_name", "sorbian_name", "kind")}),
        (
            _("Location"),
            {"fields": ("district", "association", "postcode", "has_several_postcodes")},
        ),
        (_("Figures"), {"fields": ("population", "population_date", "area_km2")}),
        (_("ASSKomm"), {"fields": ("is_model_municipality",)}),
        (_("Territorial change"), {"fields": ("dissolved_on", "successor")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        return municipalities_with_register_status(super().get_queryset(request))

    def get_urls(self) -> list[Any]:
        invite = self.admin_site.admin_view(self.invite_view)
        return [path("einladen/", invite, name="municipalities_invite"), *super().get_urls()]

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        """Invite a municipal coordinator: account, municipalities, and the mail with the link."""
        if not request.user.has_perm("municipalities.add_municipalcoordinator"):
            raise PermissionDenied
        initial = {}
        if request.GET.get("municipality", "").isdigit():
            initial["municipalities"] = [int(request.GET["municipality"])]
        form = InviteCoordinatorForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                user = coordinator_invite(invited_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(email)s has been invited.") % {"email": user.email},
                    messages.SUCCESS,
                )
                return redirect("admin:municipalities_municipality_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite a municipal coordinator"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/municipalities/invite.html", context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The key identifies the municipality everywhere; it is set once.
        return (*self.readonly_fields, "ags") if obj else self.readonly_fields

    @admin.display(description=_("name"), ordering="name")
    def register_name(self, municipality: Municipality) -> str:
        """German and Sorbian name; a dissolved municipality says so."""
        if municipality.dissolved_on:
            return _("%(name)s (dissolved %(date)s)") % {
                "name": municipality.display_name,
                "date": date_format(municipality.dissolved_on, "SHORT_DATE_FORMAT"),
            }
        return municipality.display_name

    # Short headings keep the list within a laptop screen; the filters spell them out.
    @admin.display(description=_("PD"), ordering="district__police_directorate__name")
    def police_directorate(self, municipality: Municipality) -> str:
        directorate = municipality.district.police_directorate
        return directorate.seat if directorate else "–"

    @admin.display(description=_("model"), boolean=True, ordering="is_model_municipality")
    def model_municipality(self, municipality: Municipality) -> bool:
        return municipality.is_model_municipality

    @admin.display(description=_("KPR"), boolean=True, ordering="has_council")
    def council(self, municipality: Municipality) -> bool:
        return municipality.has_council  # type: ignore[attr-defined]

    @admin.display(description=_("consultations"), ordering="consultation_count")
    def consultations(self, municipality: Municipality) -> int:
        return municipality.consultation_count  # type: ignore[attr-defined]

    @admin.display(description=_("last consultation"), ordering="last_consultation_on")
    def last_consultation(self, municipality: Municipality) -> Any:
        return municipality.last_consultation_on  # type: ignore[attr-defined]


@admin.register(Consultation)
class ConsultationAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 20
    list_display = ("date", "municipality", "district", "kind", "staff_member", "topic_list")
    list_filter = (
        "kind",
        "municipality__district__police_directorate",
        ("municipality__district", DistrictListFilter),
        "topics",
        "staff_member",
    )
    date_hierarchy = "date"
    search_fields = ("municipality__name", "=municipality__ags", "notes")
    list_select_related = ("municipality__district", "staff_member")
    autocomplete_fields = ("municipality", "participants", "staff_member")
    filter_horizontal = ("topics",)
    show_full_result_count = False
    list_related_values = {"topic_names": ("topics", "name", ("position", "name"))}

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("staff_member", request.user.pk)
        return initial

    @admin.display(description=_("district"), ordering="municipality__district__name")
    def district(self, consultation: Consultation) -> Any:
        return consultation.municipality.district

    @admin.display(description=_("topics"))
    def topic_list(self, consultation: Consultation) -> str:
        return ", ".join(consultation.topic_names)  # type: ignore[attr-defined]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    fields = (
        "organisation",
        "person_name",
        "function",
        "role",
        "working_group",
        "joined_on",
        "left_on",
    )
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "working_group":
            # Only the working groups of the council being edited can be chosen.
            match = request.resolver_match
            council_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = WorkingGroup.objects.filter(council_id=council_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CouncilMeetingInline(admin.TabularInline):
    model = CouncilMeeting
    fields = ("date", "body", "working_group", "topic", "minutes")
    extra = 0


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    fields = ("name", "topic", "is_standing", "established_on", "dissolved_on")
    extra = 0


@admin.register(PreventionCouncil)
class PreventionCouncilAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 30
    list_display = (
        "name",
        "level",
        "municipality_list",
        "district",
        "constituted_on",
        "reactivated_on",
        "status",
    )
    list_filter = (
        "status",
        "level",
        "municipalities__district__police_directorate",
        ("municipalities__district", DistrictListFilter),
    )
    search_fields = ("name", "municipalities__name", "=municipalities__ags")
    list_select_related = ("district",)
    list_related_values = MUNICIPALITY_NAMES
    show_full_result_count = False
    autocomplete_fields = ("municipalities", "district", "chair", "coordination_contact")
    inlines = (WorkingGroupInline, CouncilMemberInline, CouncilMeetingInline)
    date_hierarchy = "constituted_on"
    fieldsets = (
        (None, {"fields": ("name", "level", "municipalities", "district", "status")}),
        (
            _("Dates"),
            {
                "fields": (
                    "constituted_on",
                    "reactivated_on",
                    "resolution_on",
                    "resolution_reference",
                    "dissolved_on",
                )
            },
        ),
        (_("People"), {"fields": ("chair", "coordination_contact")}),
        (None, {"fields": ("notes",)}),
    )

    @admin.display(description=_("municipalities"))
    def municipality_list(self, council: PreventionCouncil) -> str:
        return ", ".join(council.municipality_names)  # type: ignore[attr-defined]


@admin.register(Contact)
class ContactAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 40
    list_display = (
        "last_name",
        "first_name",
        "function",
        "organisation",
        "municipality",
        "police_directorate",
        "email",
        "phone",
    )
    list_display_links = ("last_name", "first_name")
    # The Kreis filter follows the directorate of the contact's municipality.
    list_filter = (
        "police_directorate",
        "municipality__district__police_directorate",
        ("municipality__district", DistrictListFilter),
    )
    search_fields = (
        "last_name",
        "first_name",
        "organisation",
        "function",
        "email",
        "municipality__name",
    )
    list_select_related = ("municipality", "police_directorate")
    autocomplete_fields = ("municipality", "district", "police_directorate")
    show_full_result_count = False


@admin.register(District)
class DistrictAdmin(RegisterRecordAdmin):
    menu_order = 50
    list_display = (
        "key",
        "name",
        "kind",
        "seat",
        "police_directorate",
        "municipality_count",
        "population",
    )
    list_filter = ("kind", "police_directorate")
    search_fields = ("=key", "name", "official_name")
    list_select_related = ("police_directorate",)
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[District]:
        # Per listed Kreis (indexed by district), not a GROUP BY of every municipality of the
        # country that the list's COUNT queries repeated (bench/scale.py).
        members = Municipality.objects.filter(district=OuterRef("pk")).order_by().values("district")
        return (
            super()
            .get_queryset(request)
            .annotate(
                municipality_count=Coalesce(
                    Subquery(members.annotate(n=Count("pk")).values("n")[:1]), 0
                ),
                population_total=Subquery(
                    members.annotate(total=Sum("population")).values("total")[:1]
                ),
            )
        )

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipality_count(self, district: District) -> int:
        return district.municipality_count  # type: ignore[attr-defined]

    @admin.display(description=_("population"), ordering="population_total")
    def population(self, district: District) -> int | None:
        return district.population_total  # type: ignore[attr-defined]


@admin.register(AdministrativeAssociation)
class AdministrativeAssociationAdmin(RegisterRecordAdmin):
    menu_order = 60
    list_display = ("key", "name", "kind", "seat", "district", "member_count", "dissolved_on")
    list_filter = ("kind", "district__police_directorate", ("district", DistrictListFilter))
    search_fields = ("=key", "name", "seat")
    list_select_related = ("district",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdministrativeAssociation]:
        # A grouped query ignores Meta.ordering: order explicitly (the autocomplete paginates it).
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("municipalities"))
            .order_by("name", "pk")
        )

    @admin.display(description=_("municipalities"), ordering="member_count")
    def member_count(self, association: AdministrativeAssociation) -> int:
        return association.member_count  # type: ignore[attr-defined]


class DirectorateMemberInline(admin.TabularInline):
    model = DirectorateMember
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(PoliceDirectorate)
class PoliceDirectorateAdmin(RegisterRecordAdmin):
    menu_order = 70
    list_display = ("name", "seat", "district_list", "municipality_count")
    search_fields = ("name", "seat")
    inlines = (DirectorateMemberInline,)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PoliceDirectorate]:
        return (
            super()
            .get_queryset(request)
            .annotate(municipality_count=Count("districts__municipalities"))
            .prefetch_related(
                Prefetch(
                    "districts",
                    queryset=District.objects.only("id", "name", "police_directorate_id"),
                    to_attr="district_rows",
                )
            )
        )

    @admin.display(description=_("districts"))
    def district_list(self, directorate: PoliceDirectorate) -> str:
        return ", ".join(d.name for d in directorate.district_rows)  # type: ignore[attr-defined]

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipality_count(self, directorate: PoliceDirectorate) -> int:
        return directorate.municipality_count  # type: ignore[attr-defined]


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    menu_order = 80
    list_display = ("name", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Consultations and working groups refer to topics: deactivate one instead.
        return False


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyHistoryAdmin):
    menu_order = 90
    list_display = (
        "territorial_date",
        "format",
        "file_name",
        "imported_at",
        "imported_by",
        "created",
        "updated",
        "unchanged",
        "dissolved",
    )
    list_select_related = ("imported_by",)


class InviteCoordinatorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("municipalities"),
        queryset=Municipality.objects.filter(dissolved_on__isnull=True).order_by("name"),
        widget=FilteredSelectMultiple(_("municipalities"), is_stacked=False),
        help_text=_("One person may coordinate several municipalities (a Verbund)."),
    )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ListRowsMixin, HistoryAdmin):
    menu_order = 25
    list_display = ("created_at", "municipality", "kind", "status", "requested_by")
    list_filter = (
        "status",
        "kind",
        "municipality__district__police_directorate",
        ("municipality__district", DistrictListFilter),
    )
    search_fields = ("municipality__name", "=municipality__ags", "message")
    list_select_related = ("municipality", "requested_by")
    show_full_result_count = False
    readonly_fields = (
        "municipality",
        "kind",
        "message",
        "preferred_dates",
        "requested_by",
        "created_at",
    )
    fields = (
        "municipality",
        "kind",
        "message",
        "preferred_dates",
        "requested_by",
        "created_at",
        "status",
        "staff_notes",
    )
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the municipalities

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
