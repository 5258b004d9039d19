"""Fixtures for security analyses: a town in its Kreis, statistics, a survey file builder."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from analyses.models import SecurityAnalysis
from analyses.services import analysis_create
from analyses.survey_items import ITEMS
from municipalities.models import District, Municipality
from municipalities.services import coordinator_assign

from ..factories import DistrictFactory, MunicipalityFactory, UserFactory

HEADER = ["fragebogen", "altersgruppe", "ortsteil", *[item.code for item in ITEMS]]


def csv_file(lines: list[list[Any]], name: str = "daten.csv") -> SimpleUploadedFile:
    text = "\n".join(";".join(str(value) for value in line) for line in lines) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def survey_rows(
    count: int,
    *,
    start: int = 1,
    age: str = "40–59",
    district: str = "Mitte",
    answer: int | str = 2,
    night: int | str | None = None,
) -> list[list[Any]]:
    """``count`` questionnaires with the same answers (``night`` for the classic item)."""
    rows = []
    for number in range(start, start + count):
        answers = [
            (night if night is not None and item.code == "sicher_nachts" else answer)
            for item in ITEMS
        ]
        rows.append([f"Q{number:04d}", age, district, *answers])
    return rows


@pytest.fixture
def kreis(db: None) -> District:
    return DistrictFactory(key="14729", name="Leipzig", kind=District.Kind.RURAL_DISTRICT)


@pytest.fixture
def town(kreis: District) -> Municipality:
    return MunicipalityFactory(
        ags="14729260", name="Markkleeberg", district=kreis, kind=Municipality.Kind.TOWN
    )


@pytest.fixture
def coordinator(town: Municipality) -> Any:
    user = UserFactory(roles=[Role.COORDINATOR], email="koordination@markkleeberg.example")
    coordinator_assign(user=user, municipality=town)
    return user


@pytest.fixture
def make_analysis(town: Municipality, officer: Any) -> Callable[..., SecurityAnalysis]:
    def make(**fields: Any) -> SecurityAnalysis:
        municipalities = fields.pop("municipalities", [town])
        analysis = analysis_create(
            title=fields.pop("title", "Sicherheitsanalyse Markkleeberg"),
            year=fields.pop("year", 2021),
            municipalities=municipalities,
            user=officer,
            **fields,
        )
        SecurityAnalysis.objects.filter(pk=analysis.pk).update(planned_on=date(2021, 1, 10))
        analysis.refresh_from_db()
        return analysis

    return make
