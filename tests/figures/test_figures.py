"""Definitions of the figures, and queries that do not grow with the data."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import CoachingProcess, CooperationAgreement
from figures.exports import press_text
from figures.selectors import (
    FIGURES,
    WHOLE,
    Area,
    Status,
    figures_as_of,
    figures_by_directorate,
    figures_by_district,
    municipality_statuses,
    periods,
    series_and_figures,
    time_series,
    yearly_from_quarterly,
)
from funding.models import FundingApplication, FundingDecision, FundingYear
from municipalities.models import (
    Consultation,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
)

from .published import build_published_history

pytestmark = pytest.mark.django_db


def queries(function, *args) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def add_records(count: int) -> None:
    """More municipalities advised, more agreements and coaching, in every Kreis."""
    municipalities = list(
        Municipality.objects.filter(is_model_municipality=False).order_by("ags")[:count]
    )
    Consultation.objects.bulk_create(
        Consultation(municipality=m, date=date(2022, 3, 1), kind="beratung") for m in municipalities
    )
    for number, municipality in enumerate(municipalities[: count // 2], start=500):
        agreement = CooperationAgreement.objects.create(
            number=number,
            status=CooperationAgreement.Status.SIGNED,
            signed_on=date(2022, 4, 1),
            frozen_at=datetime(2022, 3, 1, tzinfo=UTC),
        )
        agreement.municipalities.set([municipality])
        process = CoachingProcess.objects.create(
            requested_on=date(2022, 4, 1), started_on=date(2022, 5, 1)
        )
        process.municipalities.set([municipality])


def test_the_number_of_queries_does_not_grow_with_the_data(saxony) -> None:
    build_published_history()
    day = date(2023, 6, 30)
    directorate = PoliceDirectorate.objects.get(code="dresden")
    calls = (
        (figures_as_of, day),
        (figures_as_of, day, Area(directorate=directorate)),
        (figures_by_directorate, day),
        (figures_by_district, day),
        (time_series, day, "quarter"),
        (time_series, day, "year", Area(district=District.objects.get(key="14612"))),
        (municipality_statuses, day),
    )
    before = [queries(*call) for call in calls]
    add_records(200)
    after = [queries(*call) for call in calls]
    assert after == before
    # One query per source table (seven), plus the areas' names where listed.
    assert max(before) <= 9, before


@pytest.mark.usefixtures("figures_mode")
def test_series_are_the_figures_at_the_end_of_each_period(saxony) -> None:
    build_published_history()
    until = date(2022, 8, 15)
    quarters = periods(until, "quarter")
    assert quarters[0].label == "Q1/2019"
    assert quarters[0].start == date(2019, 2, 6)
    assert quarters[-1].label == "Q3/2022"
    assert quarters[-1].end == until
    series = time_series(until, "quarter")
    # The series' last column is the figures of the cut-off itself.
    assert series_and_figures(until, "quarter") == (series, figures_as_of(until))
    for index in (0, 5, len(quarters) - 1):
        values = figures_as_of(quarters[index].end)
        assert {key: column[index] for key, column in series.values.items()} == values
    years = time_series(until, "year")
    assert [p.label for p in years.periods] == ["2019", "2020", "2021", "2022"]
    signed_2020 = CooperationAgreement.objects.filter(
        signed_on__lte=date(2020, 12, 31), predecessor__isnull=True
    ).count()
    assert 0 < signed_2020 < 29
    assert years.values["agreements_signed"][:3] == [0, signed_2020, 29]
    assert periods(date(2019, 1, 1)) == []
    # The dashboard takes the yearly series from the quarterly one: the same as counting it.
    for until in (date(2022, 8, 15), date(2021, 12, 31), date(2019, 3, 1)):
        derived = yearly_from_quarterly(time_series(until, "quarter"))
        counted = time_series(until, "year")
        assert derived.periods == counted.periods
        assert derived.values == counted.values


@pytest.mark.usefixtures("figures_mode")
def test_an_area_counts_only_its_own_records(saxony) -> None:
    build_published_history()
    day = date(2022, 12, 31)
    total = figures_as_of(day)
    parts = [figures_as_of(day, Area(directorate=d)) for d in PoliceDirectorate.objects.all()]
    for key in ("municipalities_advised", "councils", "funding_approved_eur_cumulative"):
        assert sum(part[key] for part in parts) == total[key]
    # Training has no area: it is only in the figures for all of Saxony.
    assert "beccaria_graduates" in total
    assert "beccaria_graduates" not in parts[0]
    by_district = {g.key: g for g in figures_by_district(day)}
    leipzig = by_district["14713"]
    assert leipzig.directorate == "Polizeidirektion Leipzig"
    assert leipzig.values == figures_as_of(day, Area(district=District.objects.get(key="14713")))


@pytest.mark.usefixtures("figures_mode")
def test_statuses_for_the_map(saxony) -> None:
    build_published_history()
    statuses = {s.ags: s for s in municipality_statuses(date(2022, 12, 31))}
    assert len(statuses) == 418
    counted = dict.fromkeys(Status, 0)
    for item in statuses.values():
        counted[item.status] += 1
    assert counted[Status.MODEL] == 8
    figures = figures_as_of(date(2022, 12, 31))
    assert (
        counted[Status.MODEL] + counted[Status.AGREEMENT] + counted[Status.COOPERATING]
        == figures["municipalities_cooperating"]
    )
    assert sum(counted.values()) - counted[Status.NONE] == figures["municipalities_advised"]
    model = next(s for s in statuses.values() if s.status == Status.MODEL)
    assert "Modellkommune" in model.steps
    # Before the launch nothing is counted, not even the Modellkommunen.
    assert all(s.status == Status.NONE for s in municipality_statuses(date(2019, 1, 31)))
    assert figures_as_of(date(2019, 1, 31))["model_municipalities"] == 0


@pytest.mark.usefixtures("figures_mode")
def test_an_empty_database_gives_zeros_and_a_sensible_text(db) -> None:
    values = figures_as_of(date(2024, 1, 1), WHOLE)
    assert values["municipalities_advised"] == 0
    assert values["funding_approved_eur"] == Decimal("0.00")
    text = press_text(values, date(2024, 1, 1))
    assert "0 Kommunen beraten" in text
    assert "0,00 Euro" in text


def test_singular_forms_in_the_text() -> None:
    keys = [figure.key for figure in FIGURES if not figure.money]
    values: dict = dict.fromkeys(keys, 1)
    values["funding_approved_eur"] = Decimal("1234.5")
    values["funding_approved_eur_cumulative"] = Decimal("1234.5")
    text = press_text(values, date(2024, 3, 1))
    assert "1 Kommune beraten" in text
    assert "1 Kommunaler Präventionsrat wurde konstituiert" in text
    assert "1 Sicherheitsanalyse wurde begonnen" in text
    assert "1 Coaching-Prozess hat begonnen" in text
    assert "1.234,50 Euro für 1 Projekt" in text
    assert "1 Person hat die Beccaria-Qualifizierung" in text


@pytest.mark.usefixtures("figures_mode")
def test_cooperation_ends_with_the_agreement_and_the_council(saxony) -> None:
    """Agreements and councils count while they last; coaching, analyses and grants stay."""
    first, second = Municipality.objects.filter(is_model_municipality=False).order_by("ags")[:2]
    agreement = CooperationAgreement.objects.create(
        number=900,
        status=CooperationAgreement.Status.TERMINATED,
        signed_on=date(2021, 3, 1),
        terminated_on=date(2022, 3, 1),
        frozen_at=datetime(2021, 2, 1, tzinfo=UTC),
    )
    agreement.municipalities.set([first])
    council = PreventionCouncil.objects.create(
        name="Präventionsrat auf Zeit",
        level=PreventionCouncil.Level.MUNICIPALITY,
        constituted_on=date(2021, 6, 1),
        status=PreventionCouncil.Status.DISSOLVED,
        dissolved_on=date(2021, 9, 1),
    )
    council.municipalities.set([second])
    district = first.district

    def cooperating(day: date) -> tuple[int, int]:
        whole = figures_as_of(day)["municipalities_cooperating"]
        in_district = figures_as_of(day, Area(district=district))["municipalities_cooperating"]
        return whole, in_district

    days = [
        date(2021, 2, 28),
        date(2021, 3, 1),
        date(2021, 7, 1),
        date(2021, 9, 1),
        date(2022, 3, 1),
    ]
    expected = [(0, 0), (1, 1), (2, 1 + (second.district == district)), (1, 1), (0, 0)]
    assert [cooperating(day) for day in days] == expected
    # The time series counts the same way (quarter ends: Q1 and Q3 2021 cooperating, Q1 2022 not).
    series = time_series(date(2022, 6, 30), "quarter")
    labels = [p.label for p in series.periods]
    column = dict(zip(labels, series.values["municipalities_cooperating"], strict=True))
    assert (column["Q4/2020"], column["Q1/2021"], column["Q3/2021"], column["Q1/2022"]) == (
        0,
        1,
        1,
        0,
    )
    # Statuses (one query per municipality list) agree with the aggregate on every day.
    for day in days:
        statuses = municipality_statuses(day)
        assert (
            sum(s.cooperating for s in statuses) == figures_as_of(day)["municipalities_cooperating"]
        )
    # A coaching begun once keeps the municipality counted after it ended.
    process = CoachingProcess.objects.create(
        requested_on=date(2022, 1, 1), started_on=date(2022, 2, 1), ended_on=date(2022, 4, 1)
    )
    process.municipalities.set([first])
    assert cooperating(date(2023, 1, 1)) == (1, 1)


@pytest.mark.usefixtures("figures_mode")
def test_the_amount_granted_follows_the_latest_decision_of_each_day(saxony) -> None:
    municipality = Municipality.objects.order_by("ags").first()
    year = FundingYear.objects.create(
        year=2022,
        budget=Decimal("1300000"),
        call_opens=date(2021, 9, 1),
        call_closes=date(2021, 10, 31),
    )
    application = FundingApplication.objects.create(
        funding_year=year,
        municipality=municipality,
        title="Projekt",
        status=FundingApplication.Status.APPROVED,
        approved_amount=Decimal("8000.00"),
    )
    decisions = (
        (FundingDecision.Kind.GRANT, 1, date(2022, 3, 1), "10000.00"),
        # Two amendments on one day: the one with the higher number is the latest.
        (FundingDecision.Kind.AMENDMENT, 2, date(2022, 6, 1), "9000.00"),
        (FundingDecision.Kind.AMENDMENT, 3, date(2022, 6, 1), "8000.00"),
        (FundingDecision.Kind.AMENDMENT, 4, date(2022, 9, 1), "8500.00"),
    )
    for kind, number, day, amount in decisions:
        FundingDecision.objects.create(
            application=application,
            kind=kind,
            number=number,
            decided_on=day,
            amount=Decimal(amount),
        )

    def granted(day: date) -> tuple[Decimal, int]:
        values = figures_as_of(day)
        assert values["funding_approved_eur"] == values["funding_approved_eur_cumulative"]
        return values["funding_approved_eur"], values["funded_projects"]

    assert granted(date(2022, 2, 28)) == (Decimal("0.00"), 0)
    assert granted(date(2022, 3, 1)) == (Decimal("10000.00"), 1)
    assert granted(date(2022, 6, 1)) == (Decimal("8000.00"), 1)
    assert granted(date(2022, 12, 31)) == (Decimal("8500.00"), 1)
    # In the next year the project no longer counts for "im Jahr", only cumulatively.
    values = figures_as_of(date(2023, 1, 1))
    assert values["funding_approved_eur"] == Decimal("0.00")
    assert values["funding_approved_eur_cumulative"] == Decimal("8500.00")
    assert values["funded_projects_cumulative"] == 1
    quarters = time_series(date(2022, 12, 31), "quarter").values["funding_approved_eur"]
    assert quarters[-4:] == [
        Decimal("10000.00"),
        Decimal("8000.00"),
        Decimal("8500.00"),
        Decimal("8500.00"),
    ]
