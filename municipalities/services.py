"""Writes to the register. Every function validates, then saves, inside one transaction."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from asskomm.history import save_with_history
from asskomm.uploads import validate_pdf_upload

from .models import (
    AdministrativeAssociation,
    Contact,
    CouncilMeeting,
    DirectorateMember,
    District,
    MunicipalCoordinator,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
    RegisterImport,
    ServiceRequest,
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


RowT = TypeVar("RowT", bound=models.Model)


class _RegisterWriter:
    """Creates and updates rows of one import, each save with its history entry."""

    def __init__(self, *, user: Any, reason: str) -> None:
        self.user = user
        self.reason = reason

    def save(self, instance: models.Model) -> None:
        save_with_history(instance, user=self.user, reason=self.reason)

    def upsert(
        self,
        instance: RowT | None,
        build: Callable[..., RowT],
        values: dict[str, Any],
        counts: ImportCounts,
    ) -> tuple[RowT, bool]:
        """Create (with ``build(**values)``) or update; count it; True if it was created."""
        if instance is None:
            instance = build(**values)
            self.save(instance)
            counts.created += 1
            return instance, True
        changed = False
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        if changed:
            self.save(instance)
            counts.updated += 1
        else:
            counts.unchanged += 1
        return instance, False


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
    writer = _RegisterWriter(
        user=user,
        reason=_("Import of the municipality register, territorial status %(date)s")
        % {"date": edition.territorial_date.strftime("%d.%m.%Y")},
    )
    summary = ImportSummary()
    dissolution_date = dissolved_on or edition.territorial_date
    districts = _import_districts(edition, writer, summary)
    associations = _import_associations(edition, writer, summary, districts, dissolution_date)
    municipalities, created = _import_municipalities(
        edition, writer, summary, districts, associations
    )
    if edition.is_complete:
        _dissolve_missing(
            edition, writer, summary, municipalities, created, dissolution_date, successors or {}
        )
    summary.register_import = RegisterImport(
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
    save_with_history(summary.register_import, user=user, reason=writer.reason)
    return summary


def _import_districts(
    edition: RegisterEdition, writer: _RegisterWriter, summary: ImportSummary
) -> dict[str, District]:
    directorate_by_district = {
        key: directorate
        for directorate in PoliceDirectorate.objects.all()
        for key in directorate.district_keys
    }
    districts = {d.key: d for d in District.objects.filter(key__in=edition.districts)}
    for record in edition.districts.values():
        district = districts.get(record.key)
        values: dict[str, Any] = {
            "official_name": record.official_name,
            "kind": record.kind,
            "seat": record.seat,
            "dissolved_on": None,
        }
        # The display name may have been edited by staff; it follows only a changed official
        # name. The police directorate (§ 1 Abs. 2 SächsPolOrgVO) is set once, then left to staff.
        if district is None or district.official_name != record.official_name:
            values["name"] = record.name
        if (district is None or district.police_directorate_id is None) and (
            record.key in directorate_by_district
        ):
            values["police_directorate"] = directorate_by_district[record.key]
        district, created = writer.upsert(
            district, partial(District, key=record.key), values, summary.districts
        )
        districts[record.key] = district
        if created and district.police_directorate_id is None and record.key.startswith("14"):
            summary.warnings.append(
                _("District %(key)s %(name)s has no police directorate.")
                % {"key": record.key, "name": record.name}
            )
    return districts


def _import_associations(
    edition: RegisterEdition,
    writer: _RegisterWriter,
    summary: ImportSummary,
    districts: dict[str, District],
    dissolution_date: date,
) -> dict[str, AdministrativeAssociation]:
    associations = {
        a.key: a
        for a in AdministrativeAssociation.objects.filter(district__key__in=edition.districts)
    }
    for record in edition.associations.values():
        associations[record.key], _created = writer.upsert(
            associations.get(record.key),
            partial(AdministrativeAssociation, key=record.key),
            {
                "name": record.name,
                "kind": record.kind,
                "seat": record.seat,
                "district": districts[record.district_key],
                "dissolved_on": None,
            },
            summary.associations,
        )
    if edition.is_complete:
        for key, association in associations.items():
            if key not in edition.associations and association.dissolved_on is None:
                association.dissolved_on = dissolution_date
                writer.save(association)
                summary.associations.dissolved += 1
    return associations


def _import_municipalities(
    edition: RegisterEdition,
    writer: _RegisterWriter,
    summary: ImportSummary,
    districts: dict[str, District],
    associations: dict[str, AdministrativeAssociation],
) -> tuple[dict[str, Municipality], set[str]]:
    existing = {
        m.ags: m
        for m in Municipality.objects.filter(district__key__in=edition.districts).select_related(
            "district", "association"
        )
    }
    created: set[str] = set()
    for record in edition.municipalities.values():
        municipality = existing.get(record.ags)
        values: dict[str, Any] = {
            "ars": record.ars,
            "name": record.name,
            "official_name": record.official_name,
            "sorbian_name": record.sorbian_name,
            "kind": record.kind,
            "district": districts[record.district_key],
            "association": associations.get(record.association_key or ""),
            "population": record.population,
            "population_date": edition.population_date if record.population is not None else None,
            "area_km2": record.area_km2,
            "postcode": record.postcode,
            "has_several_postcodes": record.has_several_postcodes,
        }
        if municipality is not None:
            if record.name_possibly_truncated and municipality.official_name.startswith(
                record.official_name
            ):
                # A cut-off name in the file never replaces the full name we already hold.
                for name in ("official_name", "name", "sorbian_name"):
                    values.pop(name)
            if (
                record.kind == Municipality.Kind.TOWN
                and municipality.kind == Municipality.Kind.MAJOR_DISTRICT_TOWN
            ):
                # Destatis codes a Große Kreisstadt as a plain Stadt; keep the precise status.
                values.pop("kind")
            if municipality.dissolved_on is not None:
                values.update(dissolved_on=None, successor=None)
        municipality, was_created = writer.upsert(
            municipality, partial(Municipality, ags=record.ags), values, summary.municipalities
        )
        existing[record.ags] = municipality
        if was_created:
            created.add(record.ags)
        if record.name_possibly_truncated and municipality.official_name == record.official_name:
            summary.warnings.append(
                _("The name of %(ags)s may be cut off in the file: “%(name)s”. Please check it.")
                % {"ags": record.ags, "name": record.official_name}
            )
    return existing, created


def _dissolve_missing(
    edition: RegisterEdition,
    writer: _RegisterWriter,
    summary: ImportSummary,
    municipalities: dict[str, Municipality],
    created: set[str],
    dissolution_date: date,
    successors: dict[str, str],
) -> None:
    """Mark municipalities missing from a complete edition as dissolved, with their successor."""
    created_by_district: dict[str, list[Municipality]] = {}
    for ags in created:
        created_by_district.setdefault(ags[:5], []).append(municipalities[ags])
    for ags, municipality in sorted(municipalities.items()):
        if ags in edition.municipalities or municipality.dissolved_on is not None:
            continue
        if ags in successors:
            successor = Municipality.objects.filter(ags=successors[ags]).first()
            if successor is None:
                raise ValidationError(
                    _("Successor %(ags)s given for %(old)s is not in the register.")
                    % {"ags": successors[ags], "old": ags}
                )
        else:
            # A merger creates one new municipality in the Kreis (Ostrau + Zschaitz-Ottewig →
            # Jahnatal); with none or several new ones, the successor is left to staff.
            candidates = created_by_district.get(ags[:5], [])
            successor = candidates[0] if len(candidates) == 1 else None
        municipality.dissolved_on = dissolution_date
        municipality.successor = successor
        writer.save(municipality)
        summary.municipalities.dissolved += 1
        summary.dissolved.append((municipality, successor))


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


# --- The coordinators' portal


@transaction.atomic
def coordinator_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    municipalities: list[Municipality],
    invited_by: Any,
) -> Any:
    """Give a person access to the portal for municipalities and send the invitation mail.

    A new person (or one who never set a password) gets a one-time link to set the password;
    somebody who already has access is only told about the additional municipalities.
    """
    from django.contrib.auth import get_user_model

    from accounts.services import invitation_create, invitation_send

    if not municipalities:
        raise ValidationError(_("Choose at least one municipality."))
    email = email.strip().lower()
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(email, first_name=first_name, last_name=last_name)
    for municipality in municipalities:
        coordinator_assign(user=user, municipality=municipality)
    names = ", ".join(m.name for m in municipalities)
    if not user.has_usable_password():
        token = invitation_create(user=user, invited_by=invited_by)
        transaction.on_commit(
            lambda: invitation_send(user=user, token=token, context={"municipalities": names})
        )
    else:
        transaction.on_commit(lambda: _notify_new_access(user, names))
    return user


def _notify_new_access(user: Any, names: str) -> None:
    with translation.override("de"):
        send_mail(
            _("ASSKomm portal: additional municipality"),
            _(
                "Hello,\n\nin the ASSKomm portal you now also look after: %(names)s.\n"
                "Log in as usual: %(url)s\n\nLandespräventionsrat Sachsen – ASSKomm"
            )
            % {"names": names, "url": settings.SITE_URL + "/anmelden/"},
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


CONTACT_FIELDS = ("title", "first_name", "last_name", "function", "organisation", "email", "phone")


@transaction.atomic
def municipality_contact_update(
    *, municipality: Municipality, role: str, values: dict[str, Any], user: Any
) -> Contact:
    """Keep the municipality's contact of a role (mayor, coordination office) up to date.

    Changes are recorded in the contact's history with author and time, for the LPR staff.
    """
    contact = (
        Contact.objects.select_for_update()
        .filter(municipality=municipality, role=role)
        .order_by("-updated_at")
        .first()
    )
    if contact is None:
        contact = Contact(municipality=municipality, role=role)
    for name in CONTACT_FIELDS:
        if name in values:
            setattr(contact, name, values[name])
    contact.full_clean()
    save_with_history(contact, user=user, reason=_("Changed in the coordinators' portal"))
    return contact


@transaction.atomic
def council_create(*, municipality: Municipality, name: str, user: Any) -> PreventionCouncil:
    """A municipality founds (or records) its prevention council."""
    council = PreventionCouncil(
        name=name.strip(),
        level=PreventionCouncil.Level.MUNICIPALITY,
        status=PreventionCouncil.Status.IN_PREPARATION,
    )
    council.full_clean(exclude=["municipalities"])
    save_with_history(council, user=user, reason=_("Created in the coordinators' portal"))
    council.municipalities.add(municipality)
    return council


@transaction.atomic
def council_save(*, form: Any, formsets: list[Any], user: Any) -> PreventionCouncil:
    """Save the council with its working groups and members, all or nothing."""
    council = form.save(commit=False)
    save_with_history(council, user=user, reason=_("Changed in the coordinators' portal"))
    for formset in formsets:
        formset.instance = council
        for instance in formset.save(commit=False):
            save_with_history(instance, user=user, reason=_("Changed in the coordinators' portal"))
        for instance in formset.deleted_objects:
            instance._history_user = user
            instance.delete()
    return council


@transaction.atomic
def council_meeting_save(*, meeting: CouncilMeeting, minutes: Any, user: Any) -> CouncilMeeting:
    """A meeting with its minutes; the minutes must be a clean PDF and are fingerprinted."""
    if minutes:
        data = validate_pdf_upload(minutes)
        meeting.minutes.save("niederschrift.pdf", ContentFile(data), save=False)
        meeting.minutes_sha256 = hashlib.sha256(data).hexdigest()
    save_with_history(meeting, user=user, reason=_("Recorded in the coordinators' portal"))
    return meeting


@transaction.atomic
def service_request_create(
    *, municipality: Municipality, kind: str, message: str, preferred_dates: str, user: Any
) -> ServiceRequest:
    """A request to the LPR office; the office is told by mail."""
    request = ServiceRequest(
        municipality=municipality,
        kind=kind,
        message=message.strip(),
        preferred_dates=preferred_dates.strip(),
        requested_by=user,
    )
    request.full_clean()
    save_with_history(request, user=user, reason=_("Sent from the coordinators' portal"))
    transaction.on_commit(lambda: _notify_office(request))
    return request


def _notify_office(request: ServiceRequest) -> None:
    from django.urls import reverse

    with translation.override("de"):
        subject = _("ASSKomm portal: %(kind)s requested by %(municipality)s") % {
            "kind": request.get_kind_display(),
            "municipality": request.municipality.name,
        }
        body = _(
            "%(municipality)s (AGS %(ags)s) asks for: %(kind)s.\n\n%(message)s\n\n"
            "Preferred dates: %(dates)s\nRequested by: %(user)s <%(email)s>\n\n%(url)s"
        ) % {
            "municipality": request.municipality.name,
            "ags": request.municipality.ags,
            "kind": request.get_kind_display(),
            "message": request.message,
            "dates": request.preferred_dates or "–",
            "user": request.requested_by.get_full_name() or request.requested_by.email,
            "email": request.requested_by.email,
            "url": settings.SITE_URL
            + reverse("admin:municipalities_servicerequest_change", args=[request.pk]),
        }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [settings.ASSKOMM_OFFICE_EMAIL])
