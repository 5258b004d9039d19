"""Two municipalities, each with its coordinator, council, meeting, request and agreement."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.roles import Role
from agreements.models import AgreementDocument
from agreements.services import agreement_take_over
from analyses.models import ChecklistTask, SecurityAnalysis
from analyses.services import analysis_create
from funding.models import (
    Attachment,
    CostLine,
    FundingApplication,
    FundingDecision,
    FundingYear,
)
from municipalities.models import (
    CouncilMeeting,
    CouncilMember,
    Municipality,
    PreventionCouncil,
    ServiceRequest,
    WorkingGroup,
)
from municipalities.services import coordinator_assign

from ..factories import MunicipalityFactory, UserFactory


@dataclass
class Place:
    """A municipality with everything a coordinator can reach in the portal."""

    municipality: Municipality
    coordinator: Any
    council: PreventionCouncil
    meeting: CouncilMeeting
    request: ServiceRequest
    document: AgreementDocument
    draft: FundingApplication
    attachment: Attachment
    grant: FundingApplication
    decision: FundingDecision
    analysis: SecurityAnalysis
    task: ChecklistTask


def make_place(name: str, number: int, staff: Any) -> Place:
    municipality = MunicipalityFactory(name=name, kind=Municipality.Kind.TOWN)
    coordinator = UserFactory(roles=[Role.COORDINATOR], first_name="Koordination", last_name=name)
    coordinator_assign(user=coordinator, municipality=municipality)
    council = PreventionCouncil.objects.create(
        name=f"Kommunaler Präventionsrat {name}",
        level="gemeinde",
        status="aktiv",
        constituted_on="2020-05-04",
    )
    council.municipalities.set([municipality])
    group = WorkingGroup.objects.create(council=council, name="Sicherheitsabsprache")
    CouncilMember.objects.create(
        council=council, organisation="Polizeirevier", role="arbeitsgruppe", working_group=group
    )
    meeting = CouncilMeeting.objects.create(council=council, date="2024-03-05", topic="Stadtfest")
    meeting.minutes.save(
        "niederschrift.pdf", ContentFile(b"%PDF-1.4 minutes of " + name.encode()), save=True
    )
    request = ServiceRequest.objects.create(
        municipality=municipality,
        kind="coaching",
        message="Bitte um Coaching",
        requested_by=coordinator,
    )
    agreement = agreement_take_over(
        number=number,
        signed_on=date(2022, 5, 2),
        municipalities=[municipality],
        signatories=[
            ("kommune", "N. N.", "BM"),
            ("polizeidirektion", "N. N.", "PD"),
            ("lpr", "N. N.", "LPR"),
        ],
        user=staff,
    )
    document = AgreementDocument(
        agreement=agreement, kind="unterzeichnet", sha256=f"{number:064d}", size=10
    )
    document.file.save("kv.pdf", ContentFile(b"%PDF-1.4 signed " + name.encode()), save=True)
    draft, attachment, grant, decision = _funding(municipality, number)
    analysis = analysis_create(
        title=f"Sicherheitsanalyse {name}", year=2025, municipalities=[municipality], user=staff
    )
    analysis.final_report.save("bericht.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    analysis.final_report_sha256 = hashlib.sha256(b"%PDF-1.4 report").hexdigest()
    analysis.save()
    return Place(
        municipality,
        coordinator,
        council,
        meeting,
        request,
        document,
        draft,
        attachment,
        grant,
        decision,
        analysis,
        analysis.checklist.get(task="melderegister"),
    )


def _funding(
    municipality: Municipality, number: int
) -> tuple[FundingApplication, Attachment, FundingApplication, FundingDecision]:
    """A draft with an attachment, and a grant with its letter."""
    year, _created = FundingYear.objects.get_or_create(
        year=2026,
        defaults={
            "budget": Decimal("1300000.00"),
            "call_opens": date(2025, 8, 31),
            "call_closes": date(2025, 10, 15),
        },
    )
    draft = FundingApplication.objects.create(
        funding_year=year, municipality=municipality, title=f"Entwurf {municipality.name}"
    )
    CostLine.objects.create(
        application=draft, kind="sachkosten", description="Material", amount=Decimal("1000.00")
    )
    attachment = Attachment(application=draft, title="Konzept", sha256="0" * 64)
    attachment.file.save("anlage.pdf", ContentFile(b"%PDF-1.4 concept"), save=True)
    grant = FundingApplication.objects.create(
        funding_year=year,
        municipality=municipality,
        title=f"Projekt {municipality.name}",
        file_number=f"KP-2026-{number:03d}",
        status=FundingApplication.Status.APPROVED,
        requested_amount=Decimal("9000.00"),
        eligible_costs=Decimal("10000.00"),
        approved_amount=Decimal("9000.00"),
    )
    CostLine.objects.create(
        application=grant, kind="honorare", description="Referenten", amount=Decimal("10000.00")
    )
    decision = FundingDecision.objects.create(
        application=grant,
        kind=FundingDecision.Kind.GRANT,
        decided_on=date(2026, 1, 20),
        amount=Decimal("9000.00"),
        content_fingerprint=f"{number:064x}",
    )
    decision.letter.save("bescheid.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    return draft, attachment, grant, decision


@pytest.fixture
def place_a(db: None, officer: Any) -> Place:
    return make_place("Annaberg", 1, officer)


@pytest.fixture
def place_b(db: None, officer: Any) -> Place:
    return make_place("Borna", 2, officer)


@pytest.fixture
def coordinator_client(client: Client, place_a: Place) -> Client:
    client.force_login(place_a.coordinator)
    return client
