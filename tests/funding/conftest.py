"""Fixtures for funding: a funding year, an applicant with a coordinator, complete applications."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.roles import Role
from funding.models import CostLine, FundingApplication, FundingYear
from funding.services import (
    application_approve,
    application_create,
    application_record_check,
    application_start_review,
    application_submit,
)
from municipalities.models import Consultation, Municipality
from municipalities.services import coordinator_assign

from ..factories import MunicipalityFactory, UserFactory

# Funding year 2026: the call ran from 31 August to 15 October 2025.
YEAR = 2026
IN_WINDOW = date(2025, 9, 15)


@pytest.fixture
def funding_year(db: None) -> FundingYear:
    return FundingYear.objects.create(
        year=YEAR,
        budget=Decimal("1300000.00"),
        call_opens=date(YEAR - 1, 8, 31),
        call_closes=date(YEAR - 1, 10, 15),
    )


@pytest.fixture
def town(db: None) -> Municipality:
    return MunicipalityFactory(name="Großenhain", kind=Municipality.Kind.TOWN)


@pytest.fixture
def coordinator(town: Municipality) -> Any:
    user = UserFactory(
        roles=[Role.COORDINATOR],
        first_name="Jörg",
        last_name="Weißbach",
        email="koordination@grossenhain.example",
    )
    coordinator_assign(user=user, municipality=town)
    return user


@pytest.fixture
def consultation(town: Municipality) -> Consultation:
    return Consultation.objects.create(
        municipality=town, date=date(2025, 6, 3), kind=Consultation.Kind.PROJECT_CONSULTATION
    )


PLAN = (
    # kind, description, amount, extra fields
    ("honorare", "Moderation der Bürgerwerkstätten", "8000.00", {}),
    ("sachkosten", "Müllsammelaktionen: Material und Entsorgung", "12000.00", {}),
    ("sonstiges", "Öffentlichkeitsarbeit", "3500.00", {}),
)


@pytest.fixture
def make_application(
    funding_year: FundingYear, town: Municipality, consultation: Consultation, coordinator: Any
) -> Callable[..., FundingApplication]:
    """A complete draft: 23,500 EUR eligible, 2,350 EUR own share, 21,150 EUR requested."""

    def make(
        *,
        lines: tuple[tuple[str, str, str, dict[str, Any]], ...] = PLAN,
        own_funds: str = "2350.00",
        third_party_funds: str = "0.00",
        **fields: Any,
    ) -> FundingApplication:
        application = application_create(
            municipality=fields.pop("municipality", town),
            funding_year=funding_year,
            title=fields.pop("title", "Bürger für unsere saubere Stadt"),
            user=coordinator,
        )
        for name, value in {
            "field_of_action": "vermuellung",
            "starts_on": date(YEAR, 3, 1),
            "ends_on": date(YEAR, 11, 30),
            "problem": "Wilde Müllablagerungen am Bahnhof und im Stadtpark.",
            "causes": "Fehlende Verantwortung, wenig soziale Kontrolle.",
            "goals": "Saubere Plätze, Bürgerinnen und Bürger übernehmen Patenschaften.",
            "measures": "Bürgerwerkstätten, Sammelaktionen, Patenschaften für Plätze.",
            "implementation": "Ordnungsamt mit Vereinen, März bis November.",
            "evaluation": "Zählung der Ablagerungen vorher und nachher, Befragung.",
            "consultation": consultation,
            "own_funds": Decimal(own_funds),
            "third_party_funds": Decimal(third_party_funds),
            **fields,
        }.items():
            setattr(application, name, value)
        application.save()
        for position, (kind, description, amount, extra) in enumerate(lines, start=1):
            CostLine.objects.create(
                application=application,
                position=position,
                kind=kind,
                description=description,
                amount=Decimal(amount),
                **extra,
            )
        return application

    return make


@pytest.fixture
def in_review(
    make_application: Callable[..., FundingApplication], coordinator: Any, officer: Any
) -> Callable[..., FundingApplication]:
    """A submitted application with both reviews recorded, ready for a decision."""

    def make(**kwargs: Any) -> FundingApplication:
        application = make_application(**kwargs)
        application_submit(application=application, user=coordinator, today=IN_WINDOW)
        application_start_review(application=application, user=officer)
        application_record_check(application=application, check="factual", user=officer)
        application_record_check(application=application, check="arithmetic", user=officer)
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed():`` runs what a service queues on commit (letters, mails)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def approved(
    in_review: Callable[..., FundingApplication], officer: Any, committed: Callable[[], Any]
) -> Callable[..., FundingApplication]:
    """A granted application; its letter is rendered and mailed."""

    def make(amount: str | None = None, **kwargs: Any) -> FundingApplication:
        application = in_review(**kwargs)
        with committed():
            application_approve(
                application=application,
                amount=Decimal(amount) if amount else application.requested_amount,
                decided_on=date(2026, 1, 20),
                user=officer,
            )
        application.refresh_from_db()
        return application

    return make
