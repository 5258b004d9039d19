"""Reads of the register, and all scoping of what a user may see."""

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.roles import Role

from .models import (
    Consultation,
    Contact,
    CouncilMeeting,
    Municipality,
    PreventionCouncil,
    ServiceRequest,
)


def user_has_role(user: Any, role: str) -> bool:
    """Whether the user has the role; the roles are read once per loaded user (per request)."""
    return bool(user.is_authenticated) and role in user.role_names


def is_lpr_staff(user: Any) -> bool:
    """LPR staff (and superusers) see the whole register."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or not user.role_names.isdisjoint(Role.STAFF)


def municipalities_visible_to(user: Any) -> QuerySet[Municipality]:
    """Staff see every municipality; a coordinator those they coordinate; police their area."""
    municipalities = Municipality.objects.all()
    if is_lpr_staff(user):
        return municipalities
    if not user.is_authenticated or not user.is_active:
        return municipalities.none()
    return municipalities.filter(
        Q(coordinations__user=user) | Q(district__police_directorate__memberships__user=user)
    ).distinct()


def councils_visible_to(user: Any) -> QuerySet[PreventionCouncil]:
    """Councils of the municipalities (or the Landkreis) a user may see."""
    councils = PreventionCouncil.objects.all()
    if is_lpr_staff(user):
        return councils
    visible = municipalities_visible_to(user)
    return councils.filter(
        Q(municipalities__in=visible) | Q(district__municipalities__in=visible)
    ).distinct()


def municipalities_with_register_status(
    queryset: QuerySet[Municipality] | None = None,
) -> QuerySet[Municipality]:
    """Municipalities annotated with what the register lists show about them, in one query."""
    queryset = Municipality.objects.all() if queryset is None else queryset
    consultations = Consultation.objects.filter(municipality=OuterRef("pk"))
    return queryset.select_related("district__police_directorate", "association").annotate(
        has_council=Exists(
            PreventionCouncil.municipalities.through.objects.filter(municipality_id=OuterRef("pk"))
        ),
        consultation_count=Coalesce(
            Subquery(
                consultations.order_by()
                .values("municipality")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
        last_consultation_on=Subquery(
            consultations.order_by()
            .values("municipality")
            .annotate(last=Max("date"))
            .values("last")[:1]
        ),
    )


# --- The coordinators' portal: everything is scoped to the municipalities a user coordinates.


def coordinated_municipalities(user: Any) -> QuerySet[Municipality]:
    """The municipalities a (still active) user coordinates."""
    if not user.is_authenticated or not user.is_active:
        return Municipality.objects.none()
    return Municipality.objects.filter(coordinations__user=user).order_by("name")


def municipality_for_coordinator(user: Any, ags: str) -> Municipality:
    """One of the user's municipalities by its key; any other key answers 404."""
    return get_object_or_404(
        coordinated_municipalities(user).select_related("district__police_directorate"), ags=ags
    )


def councils_of_municipality(municipality: Municipality) -> QuerySet[PreventionCouncil]:
    """The councils the municipality belongs to itself (alone or in a Verbund)."""
    return PreventionCouncil.objects.filter(municipalities=municipality).order_by("name")


def council_of_municipality(municipality: Municipality, pk: int) -> PreventionCouncil:
    return get_object_or_404(councils_of_municipality(municipality), pk=pk)


def district_councils_of_municipality(municipality: Municipality) -> QuerySet[PreventionCouncil]:
    """The Landkreis-level council of the municipality's Kreis, shown for information."""
    return PreventionCouncil.objects.filter(district_id=municipality.district_id)


def meeting_of_municipality(municipality: Municipality, pk: int) -> CouncilMeeting:
    return get_object_or_404(
        CouncilMeeting.objects.filter(council__municipalities=municipality).select_related(
            "council", "working_group"
        ),
        pk=pk,
    )


def requests_of_municipality(municipality: Municipality) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(municipality=municipality).select_related("requested_by")


def contact_of_municipality(municipality: Municipality, role: str) -> Contact | None:
    return (
        Contact.objects.filter(municipality=municipality, role=role).order_by("-updated_at").first()
    )
