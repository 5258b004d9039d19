"""Writes to the register. Every function validates, then saves, inside one transaction."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.roles import Role

from .models import (
    AdministrativeAssociation,
    DirectorateMember,
    District,
    MunicipalCoordinator,
    Municipality,
    PoliceDirectorate,
    RegisterImport,
)
from .register_files import RegisterEdition


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dissolved: int = 0


@dataclass
class ImportSummary:
    """What an import did, for the command's report and the ``RegisterImport`` row."""

    municipalities: ImportCounts = field(default_factory=ImportCounts)
    districts: ImportCounts = field(default_factory=ImportCounts)
    associations: ImportCounts = field(default_factory=ImportCounts)
    dissolved: list[tuple[Municipality, Municipality | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    register_import: RegisterImport | None = None


def _apply(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the values that differ; True if anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _save_with_history(instance: models.Model, *, user: Any, reason: str) -> None:
    instance._change_reason = reason  # type: ignore[attr-defined]
    if user is not None:
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save()


@transaction.atomic
def register_import(
    *,
    edition: RegisterEdition,
    user: Any = None,
    file_name: str = "",
    sha256: str = "",
    dissolved_on: date | None = None,
    successors: dict[str, str] | None = None,
    allow_older: bool = False,
) -> ImportSummary:
    """Bring the register in line with an edition of the official register.

    Creates and updates districts, associations and municipalities; municipalities missing from
    the edition are marked dissolved (never deleted: agreements and grants point to them), with a
    successor when one is given or when exactly one municipality appeared in the same Kreis.
    """
    successors = successors or {}
    latest = (
        RegisterImport.objects.exclude(format=RegisterImport.Format.BUILTIN)
        .order_by("-territorial_date")
        .first()
    )
    if latest and edition.territorial_date < latest.territorial_date and not allow_older:
        raise ValidationError(
            _(
                "The file has territorial status %(file)s, older than the status %(latest)s "
                "already imported. Use --allow-older to import it anyway."
            )
            % {
                "file": edition.territorial_date.strftime("%d.%m.%Y"),
                "latest": latest.territorial_date.strftime("%d.%m.%Y"),
            }
        )
    reason = _("Import of the municipality register, territorial status %(date)s") % {
        "date": edition.territorial_date.strftime("%d.%m.%Y")
    }
    summary = ImportSummary()
    dissolution_date = dissolved_on or edition.territorial_date

    directorate_by_district = {
        key: directorate
        for directorate in PoliceDirectorate.objects.all()
        for key in directorate.district_keys
    }

    districts = {d.key: d for d in District.objects.filter(key__in=edition.districts)}
    for district_record in edition.districts.values():
        district = districts.get(district_record.key)
        if district is None:
            district = District(
                key=district_record.key,
                name=district_record.name,
                official_name=district_record.official_name,
                kind=district_record.kind,
                seat=district_record.seat,
                police_directorate=directorate_by_district.get(district_record.key),
            )
            _save_with_history(district, user=user, reason=reason)
            districts[district_record.key] = district
            summary.districts.created += 1
            if district.police_directorate is None and district_record.key.startswith("14"):
                summary.warnings.append(
                    _("District %(key)s %(name)s has no police directorate.")
                    % {"key": district_record.key, "name": district_record.name}
                )
            continue
        values: dict[str, Any] = {
            "official_name": district_record.official_name,
            "kind": district_record.kind,
            "seat": district_record.seat,
            "dissolved_on": None,
        }
        # The display name may have been edited by staff; it follows only a changed official name.
        if district.official_name != district_record.official_name:
            values["name"] = district_record.name
        if (
            district.police_directorate_id is None
            and district_record.key in directorate_by_district
        ):
            values["police_directorate"] = directorate_by_district[district_record.key]
        if _apply(district, values):
            _save_with_history(district, user=user, reason=reason)
            summary.districts.updated += 1
        else:
            summary.districts.unchanged += 1

    associations = {
        a.key: a
        for a in AdministrativeAssociation.objects.filter(district__key__in=edition.districts)
    }
    for association_record in edition.associations.values():
        association = associations.get(association_record.key)
        values = {
            "name": association_record.name,
            "kind": association_record.kind,
            "seat": association_record.seat,
            "district": districts[association_record.district_key],
            "dissolved_on": None,
        }
        if association is None:
            association = AdministrativeAssociation(key=association_record.key, **values)
            _save_with_history(association, user=user, reason=reason)
            associations[association_record.key] = association
            summary.associations.created += 1
        elif _apply(association, values):
            _save_with_history(association, user=user, reason=reason)
            summary.associations.updated += 1
        else:
            summary.associations.unchanged += 1
    for key, association in associations.items():
        if (
            edition.is_complete
            and key not in edition.associations
            and association.dissolved_on is None
        ):
            association.dissolved_on = dissolution_date
            _save_with_history(association, user=user, reason=reason)
            summary.associations.dissolved += 1

    existing = {
        m.ags: m
        for m in Municipality.objects.filter(district__key__in=edition.districts).select_related(
            "district", "association"
        )
    }
    created_now: set[str] = set()
    for municipality_record in edition.municipalities.values():
        municipality = existing.get(municipality_record.ags)
        values = {
            "ars": municipality_record.ars,
            "name": municipality_record.name,
            "official_name": municipality_record.official_name,
            "sorbian_name": municipality_record.sorbian_name,
            "kind": municipality_record.kind,
            "district": districts[municipality_record.district_key],
            "association": associations.get(municipality_record.association_key)
            if municipality_record.association_key
            else None,
            "population": municipality_record.population,
            "population_date": edition.population_date
            if municipality_record.population is not None
            else None,
            "area_km2": municipality_record.area_km2,
            "postcode": municipality_record.postcode,
            "has_several_postcodes": municipality_record.has_several_postcodes,
        }
        if municipality is None:
            municipality = Municipality(ags=municipality_record.ags, **values)
            _save_with_history(municipality, user=user, reason=reason)
            existing[municipality_record.ags] = municipality
            created_now.add(municipality_record.ags)
            summary.municipalities.created += 1
            continue
        if municipality_record.name_possibly_truncated and municipality.official_name.startswith(
            municipality_record.official_name
        ):
            # A cut-off name in the file never replaces the full name we already hold.
            for name in ("official_name", "name", "sorbian_name"):
                values.pop(name)
        if municipality_record.kind == Municipality.Kind.TOWN and (
            municipality.kind == Municipality.Kind.MAJOR_DISTRICT_TOWN
        ):
            # Destatis codes a Große Kreisstadt as a plain Stadt; keep the more precise status.
            values.pop("kind")
        if municipality.dissolved_on is not None:
            values["dissolved_on"] = None
            values["successor"] = None
        if _apply(municipality, values):
            _save_with_history(municipality, user=user, reason=reason)
            summary.municipalities.updated += 1
        else:
            summary.municipalities.unchanged += 1

    for municipality_record in edition.municipalities.values():
        if (
            municipality_record.name_possibly_truncated
            and existing[municipality_record.ags].official_name == municipality_record.official_name
        ):
            summary.warnings.append(
                _("The name of %(ags)s may be cut off in the file: “%(name)s”. Please check it.")
                % {"ags": municipality_record.ags, "name": municipality_record.official_name}
            )

    created_by_district: dict[str, list[Municipality]] = {}
    for ags in created_now:
        municipality = existing[ags]
        created_by_district.setdefault(municipality.district.key, []).append(municipality)

    for ags, municipality in sorted(existing.items()):
        if (
            not edition.is_complete
            or ags in edition.municipalities
            or municipality.dissolved_on is not None
        ):
            continue
        successor = None
        if ags in successors:
            successor = Municipality.objects.filter(ags=successors[ags]).first()
            if successor is None:
                raise ValidationError(
                    _("Successor %(ags)s given for %(old)s is not in the register.")
                    % {"ags": successors[ags], "old": ags}
                )
        else:
            candidates = created_by_district.get(municipality.district.key, [])
            if len(candidates) == 1:
                successor = candidates[0]
        municipality.dissolved_on = dissolution_date
        municipality.successor = successor
        _save_with_history(municipality, user=user, reason=reason)
        summary.municipalities.dissolved += 1
        summary.dissolved.append((municipality, successor))

    summary.register_import = RegisterImport.objects.create(
        territorial_date=edition.territorial_date,
        population_date=edition.population_date,
        format=edition.format,
        file_name=file_name,
        sha256=sha256,
        imported_by=user,
        created=summary.municipalities.created,
        updated=summary.municipalities.updated,
        unchanged=summary.municipalities.unchanged,
        dissolved=summary.municipalities.dissolved,
    )
    return summary


@transaction.atomic
def coordinator_assign(*, user: Any, municipality: Municipality) -> MunicipalCoordinator:
    """Let a user coordinate a municipality; the user gets the role "Kommunale Koordination"."""
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))
    link, _created = MunicipalCoordinator.objects.get_or_create(
        user=user, municipality=municipality
    )
    return link


@transaction.atomic
def directorate_member_assign(*, user: Any, directorate: PoliceDirectorate) -> DirectorateMember:
    """Give a police user read access for their directorate; the user gets the role "Polizei"."""
    user.groups.add(Group.objects.get(name=Role.POLICE))
    link, _created = DirectorateMember.objects.get_or_create(user=user, directorate=directorate)
    return link
