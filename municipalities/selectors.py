"""Reads of the register, and all scoping of what a user may see."""

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.roles import Role

from .models import Consultation, Municipality, PreventionCouncil


def user_has_role(user: Any, role: str) -> bool:
    return bool(user.is_authenticated) and user.groups.filter(name=role).exists()


def is_lpr_staff(user: Any) -> bool:
    """LPR staff (and superusers) see the whole register."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or user.groups.filter(name__in=Role.STAFF).exists()


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
