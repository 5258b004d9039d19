"""Two municipalities, each with its coordinator, council, meeting, request and agreement."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.roles import Role
from agreements.models import AgreementDocument
from agreements.services import agreement_take_over
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
    return Place(municipality, coordinator, council, meeting, request, document)


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
