"""Fixtures for agreements: a complete draft, ready to be released for signature."""

from collections.abc import Callable
from typing import Any

import pytest

from agreements.models import AgreedMeasure, CoachingProcess, CooperationAgreement, Signatory
from municipalities.models import Contact, Municipality

from ..factories import MunicipalityFactory, UserFactory


@pytest.fixture
def lpr_contact(db: None) -> Contact:
    return Contact.objects.create(
        first_name="Torsten",
        last_name="Kosuch",
        function="Referent ASSKomm",
        organisation="Landespräventionsrat Sachsen",
        phone="0351 564-3092",
        email="asskomm@lpr.example",
    )


@pytest.fixture
def make_draft(db: None, lpr_contact: Contact) -> Callable[..., CooperationAgreement]:
    """A draft agreement with every signatory; ``municipalities`` defaults to one new town."""

    def make(
        municipalities: list[Municipality] | None = None, **fields: Any
    ) -> CooperationAgreement:
        municipalities = municipalities or [
            MunicipalityFactory(name="Dippoldiswalde", kind=Municipality.Kind.MAJOR_DISTRICT_TOWN)
        ]
        agreement = CooperationAgreement.objects.create(
            lpr_contact=lpr_contact,
            signing_place=fields.pop("signing_place", "Dippoldiswalde"),
            planned_on=fields.pop("planned_on", "2021-11-09"),
            **fields,
        )
        agreement.municipalities.set(municipalities)
        position = 1
        for municipality in municipalities:
            Signatory.objects.create(
                agreement=agreement,
                party=Signatory.Party.MUNICIPALITY,
                person_name="Kerstin Körner",
                function="Oberbürgermeisterin",
                municipality=municipality if len(municipalities) > 1 else None,
                position=position,
            )
            position += 1
        Signatory.objects.create(
            agreement=agreement,
            party=Signatory.Party.POLICE,
            person_name="Peter Langer",
            function="Leitender Polizeidirektor",
            position=position,
        )
        Signatory.objects.create(
            agreement=agreement,
            party=Signatory.Party.LPR,
            person_name="Sven Forkert",
            function="Geschäftsführer des Landespräventionsrates Sachsen",
            position=position + 1,
        )
        AgreedMeasure.objects.create(
            agreement=agreement,
            kind=AgreedMeasure.Kind.COORDINATION_OFFICE,
            description="Einrichtung einer Koordinierungsstelle für den „Sicherheitskreis“.",
        )
        return agreement

    return make


@pytest.fixture
def coach(db: None) -> Any:
    from accounts.roles import Role

    return UserFactory(roles=[Role.COACH], first_name="Jana", last_name="Richter")


@pytest.fixture
def make_process(coach: Any) -> Callable[..., CoachingProcess]:
    def make(**fields: Any) -> CoachingProcess:
        fields.setdefault("coach", coach)
        fields.setdefault("requested_on", "2022-03-01")
        process = CoachingProcess.objects.create(**fields)
        process.municipalities.set([MunicipalityFactory()])
        return process

    return make


@pytest.fixture
def release(django_capture_on_commit_callbacks: Any, officer: Any) -> Callable[..., Any]:
    """Release an agreement for signature and run what is queued on commit (its PDF job)."""
    from agreements.services import agreement_submit_for_signature

    def run(agreement: CooperationAgreement, user: Any = None) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            job = agreement_submit_for_signature(agreement=agreement, user=user or officer)
        job.refresh_from_db()
        agreement.refresh_from_db()
        return job

    return run
