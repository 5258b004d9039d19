"""Writes and transitions of cooperation agreements and coaching processes.

An agreement moves Entwurf → Zur Unterzeichnung → Unterzeichnet → Beendet. Going to signature
freezes its text (snapshot and fingerprint) and queues the PDF; a frozen text is never edited
again, a new version (Fassung) is made instead.
"""

import hashlib
import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asskomm.counters import counter_next, counter_raise_to
from asskomm.history import save_with_history
from asskomm.jobs import job_create, job_enqueue
from asskomm.models import Job
from asskomm.pdf import SignatureField, render_pdf, short_fingerprint
from asskomm.uploads import validate_pdf_upload
from municipalities.models import Municipality, PoliceDirectorate

from . import texts
from .models import (
    AgreedMeasure,
    AgreementDocument,
    CoachingProcess,
    CooperationAgreement,
    Signatory,
)

AGREEMENT_COUNTER = "cooperation-agreement"


def _locked(agreement: CooperationAgreement) -> CooperationAgreement:
    return CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)


def agreement_police_directorate(agreement: CooperationAgreement) -> PoliceDirectorate | None:
    """The directorate named on the agreement, else the one of its Kreis (§ 1 SächsPolOrgVO)."""
    if agreement.police_directorate_id:
        return agreement.police_directorate
    if agreement.district is not None:
        return agreement.district.police_directorate
    first = agreement.municipalities.select_related("district__police_directorate").first()
    return first.district.police_directorate if first else None


def municipality_designation(municipality: Municipality) -> str:
    """How a municipality is named as a party: "Große Kreisstadt Dippoldiswalde"."""
    if municipality.kind == Municipality.Kind.DISTRICT_FREE_CITY:
        return municipality.district.name
    return f"{municipality.get_kind_display()} {municipality.name}"


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " " + _("and") + " " + names[-1]


def agreement_problems(agreement: CooperationAgreement) -> list[str]:
    """Everything that keeps an agreement from going to (or being) signed, in German."""
    problems = []
    municipalities = list(agreement.municipalities.all())
    if bool(municipalities) == bool(agreement.district_id):
        problems.append(_("Name either one or more municipalities or a Landkreis as partner."))
    if agreement_police_directorate(agreement) is None:
        problems.append(_("The police directorate is missing."))
    if agreement.lpr_contact_id is None:
        problems.append(_("The fixed contact person at the LPR is missing."))
    if not texts.lines(agreement.goals):
        problems.append(_("At least one goal is needed."))
    signatories = list(agreement.signatories.all())
    parties = {signatory.party for signatory in signatories}
    for party, label in Signatory.Party.choices:
        if party not in parties:
            problems.append(
                _("A signatory for the party “%(party)s” is missing.") % {"party": label}
            )
    if len(municipalities) > 1:
        signing = {
            s.municipality_id for s in signatories if s.party == Signatory.Party.MUNICIPALITY
        }
        for municipality in municipalities:
            if municipality.pk not in signing:
                problems.append(
                    _("In a Verbund every municipality signs: a signatory for %(name)s is missing.")
                    % {"name": municipality.name}
                )
    return problems


def agreement_snapshot(agreement: CooperationAgreement) -> dict[str, Any]:
    """The complete text of an agreement as it will be printed; fingerprinted when frozen."""
    municipalities = list(agreement.municipalities.select_related("district").order_by("name"))
    directorate = agreement_police_directorate(agreement)
    district = agreement.district
    partner_names = [municipality_designation(m) for m in municipalities]
    if not partner_names and district is not None:
        partner_names = [district.name]
    contact = agreement.lpr_contact
    return {
        "label": agreement.label,
        "number": agreement.number,
        "version": agreement.version,
        "title_parties": _joined(partner_names),
        "partners": partner_names,
        "municipalities": [
            {"ags": m.ags, "name": m.name, "official_name": m.official_name} for m in municipalities
        ],
        "district": {"key": district.key, "name": district.name} if district else None,
        "police_directorate": directorate.name if directorate else "",
        "signing_place": agreement.signing_place,
        "planned_on": agreement.planned_on.isoformat() if agreement.planned_on else None,
        "guests_of_honour": texts.lines(agreement.guests_of_honour),
        "preamble": [p.strip() for p in agreement.preamble.split("\n") if p.strip()],
        "goals": texts.lines(agreement.goals),
        "tasks": {
            "municipality": texts.lines(agreement.tasks_municipality),
            "police": texts.lines(agreement.tasks_police),
            "lpr": texts.lines(agreement.tasks_lpr),
        },
        "measures": [
            {"kind": str(measure.get_kind_display()), "description": measure.description.strip()}
            for measure in agreement.measures.all()
        ],
        "lpr_contact": {
            "name": contact.full_name,
            "function": contact.function,
            "phone": contact.phone,
            "email": contact.email,
        }
        if contact
        else None,
        "term_and_review": agreement.term_and_review.strip(),
        "signatories": [
            {
                "party": signatory.party,
                "party_label": str(signatory.get_party_display()),
                "name": signatory.person_name,
                "function": signatory.function,
                "organisation": signatory.organisation
                or _signatory_default_organisation(signatory, partner_names, directorate),
            }
            for signatory in agreement.signatories.select_related("municipality__district")
        ],
    }


def _signatory_default_organisation(
    signatory: Signatory, partner_names: list[str], directorate: PoliceDirectorate | None
) -> str:
    if signatory.party == Signatory.Party.POLICE:
        return directorate.name if directorate else ""
    if signatory.party == Signatory.Party.LPR:
        return "Landespräventionsrat Sachsen"
    if signatory.municipality is not None:
        return municipality_designation(signatory.municipality)
    return partner_names[0]


def content_fingerprint(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a frozen text: the same text, the same fingerprint."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verification_url(fingerprint: str) -> str:
    return settings.SITE_URL + reverse("verify_fingerprint", args=[fingerprint])


@transaction.atomic
def agreement_submit_for_signature(*, agreement: CooperationAgreement, user: Any) -> Job:
    """Freeze the text, give the agreement its running number and queue its PDF.

    Refused unless the agreement is a draft with partners, police directorate, LPR contact, goals
    and a signatory for every party (in a Verbund one per municipality).
    """
    agreement = _locked(agreement)
    if agreement.status != CooperationAgreement.Status.DRAFT:
        raise ValidationError(_("Only a draft can be released for signature."))
    problems = agreement_problems(agreement)
    if problems:
        raise ValidationError(problems)
    if agreement.number is None:
        agreement.number = counter_next(AGREEMENT_COUNTER)
        agreement.number_year = (agreement.planned_on or timezone.localdate()).year
    if agreement.police_directorate_id is None:
        agreement.police_directorate = agreement_police_directorate(agreement)
    agreement.frozen_at = timezone.now()
    snapshot = agreement_snapshot(agreement)
    snapshot["frozen_at"] = agreement.frozen_at.isoformat()
    agreement.frozen_content = snapshot
    agreement.content_fingerprint = content_fingerprint(snapshot)
    agreement.status = CooperationAgreement.Status.FOR_SIGNATURE
    if agreement.predecessor is not None:
        predecessor = _locked(agreement.predecessor)
        if predecessor.status == CooperationAgreement.Status.FOR_SIGNATURE:
            predecessor.status = CooperationAgreement.Status.SUPERSEDED
            save_with_history(
                predecessor,
                user=user,
                reason=_("Replaced by version %(version)d") % {"version": agreement.version},
            )
    save_with_history(agreement, user=user, reason=_("Released for signature"))
    return agreement_queue_documents(agreements=[agreement], user=user)


def agreement_queue_documents(*, agreements: list[CooperationAgreement], user: Any) -> Job:
    """A job that renders the signature-ready PDF of each frozen agreement (once only)."""
    frozen = [a for a in agreements if a.is_frozen]
    if len(frozen) != len(agreements):
        raise ValidationError(_("A draft has no document yet: release it for signature first."))
    labels = ", ".join(a.label for a in frozen[:3]) + (" …" if len(frozen) > 3 else "")
    job = job_create(
        kind="agreement_pdf",
        title=_("Agreement PDFs: %(labels)s") % {"labels": labels},
        targets=frozen,
        user=user,
    )
    return job_enqueue(job)


def agreement_render_document(*, agreement_id: int) -> AgreementDocument:
    """The signature-ready PDF of a frozen agreement: rendered once, afterwards returned as is.

    Rendering (the slow part) happens outside any lock, so that workers render in parallel. The
    file is written only under the agreement's row lock, after checking that no document exists
    yet: a task delivered twice, or two jobs at once, leave one document and one file.
    """
    agreement = CooperationAgreement.objects.get(pk=agreement_id)
    existing = agreement.documents.filter(kind=AgreementDocument.Kind.SIGNATURE_READY).first()
    if existing is not None:
        return existing
    if not agreement.is_frozen or not agreement.frozen_content:
        raise ValidationError(_("Only a frozen agreement is rendered."))
    data, pages = build_agreement_pdf(agreement)
    with transaction.atomic():
        agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement_id)
        existing = agreement.documents.filter(kind=AgreementDocument.Kind.SIGNATURE_READY).first()
        if existing is not None:
            return existing
        document = AgreementDocument(
            agreement=agreement,
            kind=AgreementDocument.Kind.SIGNATURE_READY,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            pages=pages,
        )
        name = agreement.label.replace(" ", "_").replace("(", "").replace(")", "")
        # A file without its row is what an attempt killed between writing and committing left
        # behind: replace it rather than keep it next to a renamed second copy.
        target = document.file.field.generate_filename(document, f"{name}.pdf")
        storage = document.file.storage
        if storage.exists(target) and not AgreementDocument.objects.filter(file=target).exists():
            storage.delete(target)
        document.file.save(f"{name}.pdf", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:
            document.file.delete(save=False)
            raise
        return document


def build_agreement_pdf(agreement: CooperationAgreement) -> tuple[bytes, int]:
    """Render the frozen text: A4, running header, numbered sections, signature blocks."""
    import segno

    snapshot = agreement.frozen_content or {}
    url = verification_url(agreement.content_fingerprint)
    qr_svg = segno.make(url, error="m", micro=False).svg_inline(scale=2, border=0, dark="#000")
    rendered = render_pdf(
        "agreements/pdf/agreement.html",
        {
            "agreement": snapshot,
            "fingerprint": agreement.content_fingerprint,
            "short_fingerprint": short_fingerprint(agreement.content_fingerprint),
            "verification_url": url,
            "qr_svg": qr_svg,
            "planned_on": date.fromisoformat(snapshot["planned_on"])
            if snapshot.get("planned_on")
            else None,
            "frozen_on": date_format(agreement.frozen_at, "DATE_FORMAT")
            if agreement.frozen_at
            else "",
        },
        signature_fields=[
            SignatureField(
                name=_("Signature %(number)d – %(name)s")
                % {"number": number, "name": signatory["name"]},
                anchor=f"signature-{number}",
            )
            for number, signatory in enumerate(snapshot.get("signatories", []), start=1)
        ],
    )
    return rendered.data, rendered.pages


@transaction.atomic
def agreement_sign(
    *, agreement: CooperationAgreement, signed_on: date, signed_copy: File, user: Any
) -> AgreementDocument:
    """Record the signing: date and the uploaded signed copy, itself fingerprinted.

    Only an agreement released for signature, with every signatory present, can be signed; a
    signed earlier version is then superseded by this one.
    """
    agreement = _locked(agreement)
    if agreement.status != CooperationAgreement.Status.FOR_SIGNATURE:
        raise ValidationError(_("Only an agreement released for signature can be signed."))
    problems = agreement_problems(agreement)
    if problems:
        raise ValidationError(problems)
    if signed_on > timezone.localdate():
        raise ValidationError(_("The date of signing cannot lie in the future."))
    data = validate_pdf_upload(signed_copy)
    digest = hashlib.sha256(data).hexdigest()
    if AgreementDocument.objects.filter(sha256=digest).exists():
        raise ValidationError(_("This file has already been uploaded."))
    document = AgreementDocument(
        agreement=agreement,
        kind=AgreementDocument.Kind.SIGNED_COPY,
        sha256=digest,
        size=len(data),
        created_by=user if getattr(user, "pk", None) else None,
    )
    document.file.save(
        f"{agreement.label.replace(' ', '_')}-unterzeichnet.pdf", ContentFile(data), save=False
    )
    reason = _("Signed on %(date)s") % {"date": signed_on.strftime("%d.%m.%Y")}
    save_with_history(document, user=user, reason=reason)
    agreement.status = CooperationAgreement.Status.SIGNED
    agreement.signed_on = signed_on
    save_with_history(agreement, user=user, reason=reason)
    if agreement.predecessor is not None:
        predecessor = _locked(agreement.predecessor)
        if predecessor.status == CooperationAgreement.Status.SIGNED:
            predecessor.status = CooperationAgreement.Status.SUPERSEDED
            save_with_history(
                predecessor,
                user=user,
                reason=_("Replaced by version %(version)d") % {"version": agreement.version},
            )
    return document


@transaction.atomic
def agreement_terminate(
    *, agreement: CooperationAgreement, terminated_on: date, reason: str, user: Any
) -> CooperationAgreement:
    """End a signed agreement, with date and reason; it stays on record as terminated."""
    agreement = _locked(agreement)
    if agreement.status != CooperationAgreement.Status.SIGNED:
        raise ValidationError(_("Only a signed agreement can be terminated."))
    if not reason.strip():
        raise ValidationError(_("Please give the reason for the termination."))
    if agreement.signed_on and terminated_on < agreement.signed_on:
        raise ValidationError(_("An agreement cannot end before it was signed."))
    agreement.status = CooperationAgreement.Status.TERMINATED
    agreement.terminated_on = terminated_on
    agreement.termination_reason = reason.strip()
    save_with_history(
        agreement,
        user=user,
        reason=_("Terminated on %(date)s") % {"date": terminated_on.strftime("%d.%m.%Y")},
    )
    return agreement


@transaction.atomic
def agreement_new_version(*, agreement: CooperationAgreement, user: Any) -> CooperationAgreement:
    """A new draft version with the same number, to change a frozen text.

    The frozen version stays as it is; it is marked superseded when the new version goes to
    signature (or, if it was signed, when the new version is signed).
    """
    agreement = _locked(agreement)
    if agreement.status not in (
        CooperationAgreement.Status.FOR_SIGNATURE,
        CooperationAgreement.Status.SIGNED,
    ):
        raise ValidationError(
            _("A new version can be made of an agreement released for signature or signed.")
        )
    if CooperationAgreement.objects.filter(predecessor=agreement).exists():
        raise ValidationError(_("There already is a newer version of this agreement."))
    copy_fields = (
        "number",
        "number_year",
        "district",
        "police_directorate",
        "signing_place",
        "planned_on",
        "guests_of_honour",
        "lpr_contact",
        "preamble",
        "goals",
        "tasks_municipality",
        "tasks_police",
        "tasks_lpr",
        "term_and_review",
    )
    successor = CooperationAgreement(
        version=agreement.version + 1,
        predecessor=agreement,
        status=CooperationAgreement.Status.DRAFT,
        **{name: getattr(agreement, name) for name in copy_fields},
    )
    reason = _("New version of %(label)s") % {"label": agreement.label}
    save_with_history(successor, user=user, reason=reason)
    successor.municipalities.set(agreement.municipalities.all())
    rows: list[Signatory | AgreedMeasure] = [
        *agreement.signatories.all(),
        *agreement.measures.all(),
    ]
    for row in rows:
        row.pk = None
        row.agreement = successor
        save_with_history(row, user=user, reason=reason)
    return successor


@transaction.atomic
def coaching_process_update(
    *, process: CoachingProcess, user: Any, **values: Any
) -> CoachingProcess:
    """A coach records the state of their process (status, dates, topics, goals, notes)."""
    allowed = {"status", "started_on", "ended_on", "topics", "goals", "notes"}
    for name, value in values.items():
        if name not in allowed:
            raise ValidationError(f"{name} cannot be changed here")
        setattr(process, name, value)
    if process.status == CoachingProcess.Status.RUNNING and not process.started_on:
        raise ValidationError({"started_on": _("A running coaching needs its start date.")})
    if process.status == CoachingProcess.Status.COMPLETED and not process.ended_on:
        raise ValidationError({"ended_on": _("A completed coaching needs its end date.")})
    process.full_clean(exclude=["municipalities", "coach"])
    save_with_history(process, user=user, reason=_("Updated by the coach"))
    return process


@transaction.atomic
def coaching_session_save(*, session: Any, user: Any) -> Any:
    """A coach records a session of their process; it cannot lie before the request."""
    if session.date < session.process.requested_on:
        raise ValidationError(
            {"date": _("A session cannot lie before the coaching was requested.")}
        )
    save_with_history(session, user=user, reason=_("Session recorded by the coach"))
    return session


@transaction.atomic
def agreement_take_over(
    *,
    number: int,
    signed_on: date,
    municipalities: list[Municipality],
    signatories: list[tuple[str, str, str]],
    user: Any,
    signing_place: str = "",
    notes: str = "",
) -> CooperationAgreement:
    """Record an agreement signed before the portal existed, with its original number.

    Its text is frozen and fingerprinted from the portal's standard wording; there is no
    portal PDF and no uploaded copy (the paper original stays with the LPR office).
    ``signatories`` are (party, name, function).
    """
    if CooperationAgreement.objects.filter(number=number).exists():
        raise ValidationError(_("Number %(number)d is already taken.") % {"number": number})
    agreement = CooperationAgreement(
        number=number,
        number_year=signed_on.year,
        signing_place=signing_place,
        planned_on=signed_on,
        signed_on=signed_on,
        notes=notes,
    )
    reason = _("Taken over from the records kept before the portal")
    save_with_history(agreement, user=user, reason=reason)
    agreement.municipalities.set(municipalities)
    for position, (party, name, function) in enumerate(signatories, start=1):
        signatory = Signatory(
            agreement=agreement, party=party, person_name=name, function=function, position=position
        )
        save_with_history(signatory, user=user, reason=reason)
    agreement.police_directorate = agreement_police_directorate(agreement)
    agreement.frozen_at = timezone.now()
    snapshot = agreement_snapshot(agreement)
    snapshot["frozen_at"] = agreement.frozen_at.isoformat()
    agreement.frozen_content = snapshot
    agreement.content_fingerprint = content_fingerprint(snapshot)
    agreement.status = CooperationAgreement.Status.SIGNED
    save_with_history(
        agreement, user=user, reason=_("Taken over from the records kept before the portal")
    )
    # Numbers given by the portal continue after the highest number taken over.
    counter_raise_to(AGREEMENT_COUNTER, number)
    return agreement
