"""Personal data is marked, exported on request (GDPR Art. 15) and erased (Art. 17)."""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from agreements.models import CoachingProcess, CoachingSession, CooperationAgreement, Signatory
from agreements.services import agreement_submit_for_signature, content_fingerprint
from asskomm.backup import sha256_of
from asskomm.models import FormDraft, PersonalDataErasure
from asskomm.privacy import (
    PERSONAL_FIELD_NAMES,
    erase_personal_data,
    export_personal_data,
    find_person,
    personal_data_models,
)
from asskomm.verification import verify
from funding.models import FundingApplication, FundingDecision, FundingYear
from municipalities.models import Consultation, Contact, CouncilMember, Municipality

from .factories import MunicipalityFactory, PreventionCouncilFactory, UserFactory


def test_declared_personal_fields_exist() -> None:
    for model, fields in personal_data_models():
        names = {field.name for field in model._meta.get_fields()}
        assert set(fields) <= names, model


def test_no_field_with_personal_data_goes_unmarked() -> None:
    for model in apps.get_models():
        if model._meta.app_label not in {
            "accounts",
            "municipalities",
            "agreements",
            "funding",
            "analyses",
        }:
            continue
        if model.__name__.startswith("Historical"):
            continue
        declared = set(getattr(model, "PERSONAL_DATA_FIELDS", ()))
        personal = {
            field.name
            for field in model._meta.concrete_fields
            if field.name in PERSONAL_FIELD_NAMES
        }
        assert personal <= declared, (
            f"{model.__name__}: mark {personal - declared} in PERSONAL_DATA_FIELDS"
        )


def test_contacts_and_council_members_are_marked() -> None:
    marked = {model.__name__ for model, _fields in personal_data_models()}

    assert {"Contact", "CouncilMember", "User"} <= marked


# Export and erasure of one person's data ------------------------------------------------------

EMAIL = "anna.mueller@lpr.example"
# Every way her name is written, the name she had before, and how SQLite's JSON spells them.
NAMES = ("Anna Müller", "Müller, Anna", "Dr. Anna Müller", "Anna Schmidt")
NEEDLES = (EMAIL, *NAMES, *(json.dumps(name)[1:-1] for name in NAMES))
# The legal record: the frozen text of the signed agreement (its PDF is a file, not a column),
# decisions and payments (none of which names her here).
LEGAL_RECORD_COLUMNS = {("agreements_cooperationagreement", "frozen_content")}
LEGAL_RECORD_TABLES = {"funding_fundingdecision", "funding_payment", "agreements_agreementdocument"}


@dataclass
class World:
    user: Any
    contact: Contact
    agreement: CooperationAgreement
    session: CoachingSession
    decision: FundingDecision


@pytest.fixture
def anna(db: None, django_capture_on_commit_callbacks: Any) -> World:
    """Anna Müller (née Schmidt): officer, the agreement's contact, signatory, council member."""
    user = UserFactory(roles=[Role.OFFICER], email=EMAIL, first_name="Anna", last_name="Schmidt")
    user.last_name = "Müller"
    user.save()  # the history keeps "Anna Schmidt"
    contact = Contact.objects.create(
        title="Dr.",
        first_name="Anna",
        last_name="Müller",
        function="Referentin ASSKomm",
        organisation="Landespräventionsrat Sachsen",
        email="Anna.Mueller@lpr.example",
        phone="0351 564-3000",
        notes="Im August im Urlaub",
    )
    contact.phone = "0351 564-3092"
    contact.save()
    town = MunicipalityFactory(name="Dippoldiswalde", kind=Municipality.Kind.MAJOR_DISTRICT_TOWN)
    consultation = Consultation.objects.create(
        municipality=town,
        date=date(2021, 6, 1),
        kind=Consultation.Kind.FIRST_CONTACT,
        staff_member=user,
        notes="Vorbereitet von Dr. Anna Müller; Rückfragen an anna.mueller@lpr.example.",
    )
    consultation.participants.set([contact])
    council = PreventionCouncilFactory(municipalities=[town])
    CouncilMember.objects.create(council=council, organisation="LPR", person_name="Anna Müller")
    process = CoachingProcess.objects.create(coach=user, requested_on=date(2022, 3, 1))
    session = CoachingSession.objects.create(
        process=process,
        date=date(2022, 3, 15),
        duration_minutes=90,
        participants="Anna Müller, Bernd Schulz",
    )
    agreement = CooperationAgreement.objects.create(
        lpr_contact=contact, signing_place="Dippoldiswalde", planned_on=date(2021, 11, 9)
    )
    agreement.municipalities.set([town])
    for position, (party, name) in enumerate(
        [
            ("kommune", "Kerstin Körner"),
            ("polizeidirektion", "Peter Langer"),
            ("lpr", "Anna Müller"),
        ]
    ):
        Signatory.objects.create(
            agreement=agreement, party=party, person_name=name, function="Amt", position=position
        )
    with django_capture_on_commit_callbacks(execute=True):
        agreement_submit_for_signature(agreement=agreement, user=user)
    agreement.refresh_from_db()
    FormDraft.objects.create(user=user, key="consultation", data={"notes": "Anna Müller fragt"})
    year = FundingYear.objects.create(
        year=2022,
        budget=Decimal("1300000.00"),
        call_opens=date(2021, 8, 31),
        call_closes=date(2021, 10, 15),
    )
    application = FundingApplication.objects.create(
        funding_year=year, municipality=town, title="Sicherheitskreis"
    )
    decision = FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.REJECTION,
        decided_on=date(2022, 1, 10),
        reason="Nach Rücksprache mit Anna Müller nicht förderfähig.",
        decided_by=user,
    )
    return World(
        user=user, contact=contact, agreement=agreement, session=session, decision=decision
    )


def _traces(needles: tuple[str, ...]) -> list[str]:
    """Every table and text of a column that still holds one of ``needles`` (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in LEGAL_RECORD_TABLES:
                continue
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
                if (table, column.name) not in LEGAL_RECORD_COLUMNS
            ]
            for column in columns:
                conditions, parameters = [], []
                for needle in needles:
                    if connection.vendor == "postgresql":
                        needle = needle.replace("\\", "\\\\")
                    conditions.append(f'LOWER(CAST("{column}" AS TEXT)) LIKE %s')
                    parameters.append(f"%{needle.lower()}%")
                query = f'SELECT COUNT(*) FROM "{table}" WHERE {" OR ".join(conditions)}'  # noqa: S608
                cursor.execute(query, parameters)
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


def test_the_export_holds_every_record_that_names_the_person(anna: World) -> None:
    document = export_personal_data(find_person(email=EMAIL.upper()))

    # Independently of the export: every model (and history) that holds her personal data.
    pattern = re.compile("|".join(re.escape(needle) for needle in (EMAIL, *NAMES)), re.I)
    holding = set()
    for model, fields in personal_data_models():
        history = getattr(model, "history", None)
        for candidate in (model, history.model if history is not None else None):
            if candidate is None:
                continue
            for row in candidate._default_manager.all():
                if any(pattern.search(str(getattr(row, name) or "")) for name in fields):
                    holding.add(candidate._meta.label_lower)
    assert {
        "accounts.user",
        "accounts.historicaluser",
        "municipalities.contact",
        "municipalities.historicalcontact",
        "municipalities.councilmember",
        "agreements.signatory",
        "agreements.coachingsession",
    } <= holding
    assert holding <= set(document["models"])
    # References to her records, the changes she made, and the legal record that names her.
    relations = {(entry["model"], entry["relation"]) for entry in document["records"]}
    assert ("municipalities.consultation", "reference") in relations  # staff member, participant
    assert ("agreements.cooperationagreement", "reference") in relations  # LPR contact
    assert ("agreements.historicalcooperationagreement", "author") in relations
    assert ("asskomm.formdraft", "reference") in relations
    assert [(entry["model"], entry["pk"]) for entry in document["legal_records"]] == [
        ("agreements.cooperationagreement", anna.agreement.pk),
        ("funding.fundingdecision", anna.decision.pk),
    ]
    assert set(document["person"]["emails"]) == {EMAIL}
    assert "Anna Schmidt" in document["person"]["names"]
    assert "password" not in json.dumps(document)
    json.dumps(document)  # JSON-ready as it is


def test_erasure_leaves_no_trace_and_signed_documents_still_verify(
    anna: World, administrator: Any
) -> None:
    assert _traces(NEEDLES)  # the scan finds her before

    erasure = erase_personal_data(find_person(records=[anna.contact]), erased_by=administrator)

    assert _traces(NEEDLES) == []
    anna.user.refresh_from_db()
    assert not anna.user.is_active
    assert not anna.user.has_usable_password()
    assert anna.user.email.endswith(".invalid")
    anna.contact.refresh_from_db()
    assert (anna.contact.last_name, anna.contact.email, anna.contact.phone) == ("gelöscht", "", "")
    assert anna.contact.function == "Referentin ASSKomm"  # the office, not the person
    anna.session.refresh_from_db()
    assert anna.session.participants == "gelöscht, Bernd Schulz"
    assert Signatory.objects.filter(person_name="Kerstin Körner").exists()
    assert not FormDraft.objects.filter(user=anna.user).exists()

    # The legal record is untouched: the frozen text still names her and still verifies.
    agreement = CooperationAgreement.objects.get(pk=anna.agreement.pk)
    assert agreement.frozen_content == anna.agreement.frozen_content
    assert content_fingerprint(agreement.frozen_content) == agreement.content_fingerprint
    document = agreement.documents.get()
    assert sha256_of(Path(document.file.path)) == document.sha256
    assert verify(agreement.content_fingerprint) is not None
    assert verify(document.sha256) is not None
    # Decisions are never changed, not even the name in their reasons.
    decision = FundingDecision.objects.get(pk=anna.decision.pk)
    assert decision.reason == anna.decision.reason
    assert decision.decided_by_id == anna.user.pk

    # The erasure is logged: who, when, which records by key, nothing of the data.
    assert erasure.erased_by == administrator
    assert f"accounts.user:{anna.user.pk}" in erasure.subjects
    assert f"municipalities.contact:{anna.contact.pk}" in erasure.subjects
    assert erasure.retained == [
        f"agreements.cooperationagreement:{agreement.pk}",
        f"funding.fundingdecision:{decision.pk}",
    ]
    assert (
        erasure.changed["accounts.historicaluser"] == User.history.filter(id=anna.user.pk).count()
    )


def test_the_command_exports_as_json(anna: World, tmp_path: Path) -> None:
    call_command("personal_data", export=EMAIL, output=tmp_path / "anna.json")

    document = json.loads((tmp_path / "anna.json").read_text(encoding="utf-8"))
    assert "municipalities.councilmember" in document["models"]


def test_the_command_erases_only_when_confirmed(anna: World) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("personal_data", erase=EMAIL)
    assert User.objects.get(pk=anna.user.pk).is_active

    call_command("personal_data", erase=EMAIL, yes=True)

    assert not User.objects.get(pk=anna.user.pk).is_active
    assert PersonalDataErasure.objects.get().via == "command"


def test_an_unknown_address_is_reported(db: None) -> None:
    with pytest.raises(CommandError, match="keinen Benutzer"):
        call_command("personal_data", export="niemand@example.org")


def _action(client: Client, url: str, action: str, pk: Any, **extra: str) -> Any:
    return client.post(url, {"action": action, "_selected_action": [pk], **extra})


def test_lpr_administration_exports_and_erases_after_confirming(
    client: Client, anna: World, administrator: Any
) -> None:
    client.force_login(administrator)
    url = reverse("admin:municipalities_contact_changelist")

    response = _action(client, url, "export_personal_data_action", anna.contact.pk)
    assert response["Content-Type"].startswith("application/json")
    assert "agreements.signatory" in json.loads(response.content)["models"]

    page = _action(client, url, "erase_personal_data_action", anna.contact.pk)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Personenbezogene Daten löschen" in text
    assert "nicht rückgängig" in text
    # History tables by their German name, not simple-history's untranslated "historical …".
    assert "<td>Verlauf: Ansprechpersonen</td>" in text
    assert "istorical" not in text
    assert User.objects.get(pk=anna.user.pk).is_active  # nothing erased yet

    done = _action(client, url, "erase_personal_data_action", anna.contact.pk, confirm="erase")
    assert done.status_code == 302
    assert not User.objects.get(pk=anna.user.pk).is_active
    assert PersonalDataErasure.objects.get().erased_by == administrator


def test_officers_cannot_export_or_erase(client: Client, anna: World, officer: Any) -> None:
    client.force_login(officer)
    url = reverse("admin:accounts_user_changelist")

    form = client.get(url).context["action_form"]  # None: no action at all
    choices = dict(form.fields["action"].choices) if form is not None else {}
    assert "erase_personal_data_action" not in choices
    assert "export_personal_data_action" not in choices
    response = _action(client, url, "erase_personal_data_action", anna.user.pk, confirm="erase")
    export = _action(client, url, "export_personal_data_action", anna.user.pk)

    assert response.status_code in (200, 302, 403)
    assert not export["Content-Type"].startswith("application/json")
    assert User.objects.get(pk=anna.user.pk).is_active
    assert not PersonalDataErasure.objects.exists()
