"""What the report shows, computed from stored figures: hand-computed values and protections."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analyses.models import AreaPopulation, CrimeFigure, SecurityAnalysis, SurveyBenchmark
from analyses.selectors import area_profile, survey_results
from analyses.services import survey_import

from .conftest import HEADER, csv_file, survey_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def statistics(town: Any, kreis: Any) -> None:
    """Two years of all offences for the town, its Kreis and Saxony."""
    for key, population, cases in (
        ("14729260", {2020: 25_000, 2021: 25_100}, {2020: 1_000, 2021: 1_100}),
        ("14729", {2020: 258_000, 2021: 258_100}, {2020: 12_900, 2021: 11_614}),
        ("14", {2020: 4_056_941, 2021: 4_043_002}, {2020: 262_611, 2021: 259_896}),
    ):
        for year in (2020, 2021):
            AreaPopulation.objects.create(area_key=key, year=year, population=population[year])
            CrimeFigure.objects.create(
                area_key=key, year=year, offence_group="insgesamt", cases=cases[year]
            )


def test_area_profile_rates_against_kreis_and_saxony(
    make_analysis: Callable[..., SecurityAnalysis], statistics: None
) -> None:
    profile = area_profile(make_analysis())

    total = profile.offence("insgesamt")
    assert total is not None
    assert [area.name for area in total.areas] == ["Markkleeberg", "Landkreis Leipzig", "Sachsen"]
    town, kreis, saxony = total.areas
    # 1,000 × 100,000 / 25,000 = 4,000.0; 1,100 × 100,000 / 25,100 = 4,382.47… → 4,382.5
    assert town.rates == {2020: Decimal("4000.0"), 2021: Decimal("4382.5")}
    # 12,900 / 258,000 → 5,000.0; 11,614 / 258,100 → 4,499.8
    assert kreis.rates == {2020: Decimal("5000.0"), 2021: Decimal("4499.8")}
    # 262,611 / 4,056,941 → 6,473.1; 259,896 / 4,043,002 → 6,428.3
    assert saxony.rates == {2020: Decimal("6473.1"), 2021: Decimal("6428.3")}
    assert town.trend is not None
    assert town.trend.direction == "steigend"
    assert kreis.trend is not None
    assert kreis.trend.direction == "fallend"


def test_a_missing_population_gives_no_rate_not_a_wrong_one(
    make_analysis: Callable[..., SecurityAnalysis], statistics: None
) -> None:
    AreaPopulation.objects.filter(area_key="14729260", year=2021).delete()
    town = area_profile(make_analysis()).offence("insgesamt").areas[0]  # type: ignore[union-attr]
    assert town.rates[2021] is None
    assert town.cases[2021] == 1_100


def _import(analysis: SecurityAnalysis, rows: list[list[Any]], officer: Any) -> None:
    survey_import(analysis=analysis, upload=csv_file([HEADER, *rows]), user=officer)


def test_survey_distribution_response_rate_and_intervals(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis(sample_size=200)
    # 40 answers on the night item: 10 × "sehr unsicher" (4), 30 × "eher sicher" (2); 2 without.
    rows = [
        *survey_rows(10, night=4),
        *survey_rows(30, start=11, night=2),
        *survey_rows(2, start=41, night=""),
    ]
    _import(analysis, rows, officer)

    results = survey_results(analysis)

    assert results.returned == 42
    assert results.response_rate == Decimal("21.0")  # 42 of 200
    night = results.item("sicher_nachts")
    assert night is not None
    assert (night.distribution.n, night.distribution.missing) == (40, 2)
    assert night.distribution.negative_share == pytest.approx(0.25)  # 10 of 40 unsafe
    # Wilson 10 of 40: centre (0.25 + 0.048017) / 1.096035 = 0.271904;
    # half 1.959964 × √(0.0046875 + 0.0006003) / 1.096035 = 0.130050 → (0.1419, 0.4020)
    assert night.distribution.negative_low == pytest.approx(0.1419, abs=1e-3)
    assert night.distribution.negative_high == pytest.approx(0.4020, abs=1e-3)


def test_small_groups_are_hidden_the_same_way_in_every_question(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis()
    rows = [
        *survey_rows(40, district="Mitte"),
        *survey_rows(15, start=41, district="Wachau"),
        *survey_rows(12, start=56, district="Zöbigker"),
        *survey_rows(6, start=68, district="Auenhain", answer=4),
    ]
    # In one question Wachau has only 9 answers: it is hidden there anyway.
    for row in rows[40:46]:
        row[HEADER.index("problem_laerm")] = ""
    _import(analysis, rows, officer)

    results = survey_results(analysis)

    for item in results.items:
        cells = {cell.group: cell for cell in item.by_district}
        # Auenhain (6 people) is hidden, and with it the next smallest, Zöbigker (12), so the
        # total minus the shown groups cannot give Auenhain away — in every question alike.
        assert cells["Auenhain"].suppressed
        assert cells["Auenhain"].n is None
        assert cells["Zöbigker"].suppressed
        assert cells["Zöbigker"].negative_share is None
        assert not cells["Mitte"].suppressed
    laerm = {cell.group: cell for cell in results.item("problem_laerm").by_district}  # type: ignore[union-attr]
    assert laerm["Wachau"].suppressed


def test_the_gap_between_crime_and_feeling_uses_saxony_and_the_benchmark(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any, statistics: None
) -> None:
    analysis = make_analysis()
    _import(analysis, [*survey_rows(30, night=4), *survey_rows(70, start=31, night=1)], officer)

    without = survey_results(analysis)
    assert without.gap.fear_index is None  # no benchmark yet
    assert without.gap.crime_index == Decimal("68")  # 4,382.5 / 6,428.3 × 100 = 68.2

    SurveyBenchmark.objects.create(
        item="sicher_nachts", share=Decimal("20.0"), year=2021, source="Test"
    )
    results = survey_results(analysis)
    # 30 % feel unsafe against 20 %: index 150; crime index 68; difference 82 → clearly higher.
    assert results.gap.fear_index == Decimal("150")
    assert results.gap.difference == Decimal("82")
    assert "deutlich höher" in results.gap.verdict
    assert results.benchmark == "Test (2021)"


def test_results_cost_a_fixed_number_of_queries(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any, statistics: None
) -> None:
    analysis = make_analysis()
    _import(analysis, survey_rows(20), officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            survey_results(analysis, area_profile(analysis))
        return len(queries)

    few = count()
    _import(analysis, survey_rows(300, start=100, district="West"), officer)
    assert count() == few
