"""The stored figures (figures.summary): equal to the counted ones, and never used out of date."""

import re
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from figures import summary
from figures.models import FiguresBuild, FiguresChange, FigureStep
from figures.selectors import (
    WHOLE,
    Area,
    Status,
    _evaluate_live,
    _stored,
    figures_as_of,
    figures_by_directorate,
    figures_by_district,
    municipality_statuses,
    periods,
    status_counts,
    time_series,
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
from .test_figures import queries

pytestmark = pytest.mark.django_db
TRIGGERS = import_module("figures.migrations.0005_note_changes_for_stored_figures")
# Every noted table: the figures' (0005), the start page's (0007) and the map's credit (0008).
NOTED = import_module("figures.migrations.0008_note_changes_for_the_map_attribution").NOTED
FROZEN = datetime(2020, 1, 1, tzinfo=UTC)


def _agreement(number: int, **fields: object) -> CooperationAgreement:
    return CooperationAgreement.objects.create(
        number=number, frozen_at=FROZEN, **{"status": CooperationAgreement.Status.SIGNED, **fields}
    )


def build_edge_cases() -> None:
    """Records the published history has none of: every rule of the contributions once."""
    towns = list(Municipality.objects.filter(is_model_municipality=False).order_by("ags"))
    leipzig, dresden = District.objects.get(key="14729"), District.objects.get(key="14628")
    in_leipzig = [m for m in towns if m.district_id == leipzig.pk]
    elsewhere = [m for m in towns if m.district_id not in (leipzig.pk, dresden.pk)]
    # A Verbund across two Kreise, and a council of a Landkreis without municipalities.
    council = PreventionCouncil.objects.create(
        name="Verbund über Kreisgrenzen",
        level=PreventionCouncil.Level.NETWORK,
        constituted_on=date(2021, 5, 3),
        dissolved_on=date(2022, 7, 1),
        status=PreventionCouncil.Status.DISSOLVED,
    )
    council.municipalities.set([in_leipzig[0], elsewhere[0]])
    revived = PreventionCouncil.objects.create(
        name="Wiederbelebt",
        level=PreventionCouncil.Level.MUNICIPALITY,
        constituted_on=date(2019, 5, 3),
        reactivated_on=date(2023, 2, 1),
        status=PreventionCouncil.Status.ACTIVE,
    )
    revived.municipalities.set([elsewhere[9]])
    PreventionCouncil.objects.create(
        name="Kreispräventionsrat",
        level=PreventionCouncil.Level.DISTRICT,
        district=dresden,
        constituted_on=date(2022, 1, 10),
        status=PreventionCouncil.Status.ACTIVE,
    )
    # An agreement replaced by a new version, one terminated, one of a Kreis, one of a PD only.
    first = _agreement(
        800,
        signed_on=date(2021, 4, 1),
        status=CooperationAgreement.Status.SUPERSEDED,
    )
    first.municipalities.set([in_leipzig[1], elsewhere[1]])
    second = _agreement(801, signed_on=date(2023, 3, 1), predecessor=first)
    second.municipalities.set([in_leipzig[1], elsewhere[1]])
    ended = _agreement(
        802,
        signed_on=date(2021, 8, 1),
        terminated_on=date(2022, 8, 1),
        status=CooperationAgreement.Status.TERMINATED,
    )
    ended.municipalities.set([in_leipzig[2]])
    _agreement(803, signed_on=date(2022, 2, 2), district=dresden)
    _agreement(
        804, signed_on=date(2022, 2, 3), police_directorate=PoliceDirectorate.objects.first()
    )
    # Coaching: cancelled (never completed), completed, running; an analysis without kick-off.
    for number, (status, started, ended_on) in enumerate(
        (
            (CoachingProcess.Status.CANCELLED, date(2021, 1, 5), date(2021, 6, 5)),
            (CoachingProcess.Status.COMPLETED, date(2021, 2, 5), date(2022, 2, 5)),
            (CoachingProcess.Status.RUNNING, date(2022, 3, 5), None),
        )
    ):
        process = CoachingProcess.objects.create(
            requested_on=started, started_on=started, ended_on=ended_on, status=status
        )
        process.municipalities.set([elsewhere[2 + number]])
    analysis = SecurityAnalysis.objects.create(
        title="Ohne Auftakt", year=2022, presented_on=date(2022, 11, 11)
    )
    analysis.municipalities.set([elsewhere[6]])
    # Grants: one amended twice on one day, one of a Kreis (no municipality).
    year = FundingYear.objects.create(
        year=2023,
        budget=Decimal("1300000"),
        call_opens=date(2022, 9, 1),
        call_closes=date(2022, 10, 31),
    )
    approved = FundingApplication.Status.APPROVED
    for owner, decisions in (
        (
            {"municipality": elsewhere[7]},
            (
                ("bewilligung", 1, date(2023, 3, 1), "5000"),
                ("aenderung", 2, date(2023, 5, 1), "4000"),
                ("aenderung", 3, date(2023, 5, 1), "4500"),
            ),
        ),
        ({"district": dresden}, (("bewilligung", 1, date(2023, 4, 1), "7000"),)),
    ):
        application = FundingApplication.objects.create(
            funding_year=year, title="Projekt", status=approved, **owner
        )
        for kind, number, day, amount in decisions:
            FundingDecision.objects.create(
                application=application,
                kind=kind,
                number=number,
                decided_on=day,
                amount=Decimal(amount),
            )
    # A municipality advised, then dissolved (a merger).
    gone = elsewhere[8]
    Consultation.objects.create(municipality=gone, date=date(2020, 3, 3), kind="beratung")
    Municipality.objects.filter(pk=gone.pk).update(dissolved_on=date(2022, 12, 31))


def record_days() -> list[date]:
    """Every date that stands in a step, the day before it, and every quarter's end."""
    days = set(FigureStep.objects.exclude(day=summary.BEGINNING).values_list("day", flat=True))
    days |= {day - timedelta(days=1) for day in days}
    days |= {period.end for period in periods(date(2026, 12, 31), "quarter")}
    return sorted(days)


def test_the_stored_figures_equal_the_counted_ones_for_every_day_area_and_grouping(
    saxony, monkeypatch
) -> None:
    build_published_history()
    build_edge_cases()
    assert summary.rebuild() is not None
    assert summary.is_current()
    days = record_days()
    assert len(days) > 100
    areas = [
        WHOLE,
        *(Area(directorate=directorate) for directorate in PoliceDirectorate.objects.all()),
        *(Area(district=district) for district in District.objects.all()),
    ]
    for area in areas:
        # All days for the Land; for each PD and Kreis a different tenth of them (together
        # every day is checked for some area).
        sample = days if area.is_whole else days[areas.index(area) % 10 :: 10]
        for start in range(0, len(sample), 25):  # the live query has a column per figure and day
            chunk = sample[start : start + 25]
            assert _stored(chunk, area, None) == _evaluate_live(chunk, area=area), area.name
    current = summary.current_build

    def counted(function, *args):  # noqa: ANN001, ANN202
        monkeypatch.setattr(summary, "current_build", lambda: None)
        try:
            return function(*args)
        finally:
            monkeypatch.setattr(summary, "current_build", current)

    for day in days[::40]:
        assert figures_by_directorate(day) == counted(figures_by_directorate, day)
        for area in areas[:6]:
            assert figures_by_district(day, area) == counted(figures_by_district, day, area)
    for day in days[::40]:
        for area in areas:
            tally = dict.fromkeys(Status, 0)
            for item in municipality_statuses(day, area):
                tally[item.status] += 1
            assert status_counts(day, area) == tally, (day, area.name)


def test_the_live_figures_read_only_tables_whose_changes_are_noted(saxony) -> None:
    """A new table in the figures without a trigger would let the stored figures go stale."""
    day = date(2023, 6, 30)
    with CaptureQueriesContext(connection) as captured:
        _evaluate_live([day])
        _evaluate_live([day], group="district")
        municipality_statuses(day)
        figures_by_directorate(day)
    read = {
        table
        for query in captured.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }
    stored = {model._meta.db_table for model in (FigureStep, FiguresBuild, FiguresChange)}
    assert read - stored, "the capture found the tables"
    assert read - stored <= set(TRIGGERS.TABLES)
    for table in TRIGGERS.TABLES:
        before = FiguresChange.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{table}" WHERE 1 = 0')  # noqa: S608
            cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{table}" WHERE 1 = 0')  # noqa: S608
        if connection.vendor == "postgresql":  # statement-level: even a write of no rows
            assert FiguresChange.objects.count() > before, table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'figures_note_%'"
            )
        else:
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE 'figures_note_%'"
            )
        noted = {row[0] for row in cursor.fetchall()}
    assert noted == set(NOTED) == summary.NOTED_TABLES


WRITES = {
    "create": lambda town: Consultation.objects.create(
        municipality=town, date=date(2022, 1, 1), kind="beratung"
    ),
    "bulk_create": lambda town: Consultation.objects.bulk_create(
        [Consultation(municipality=town, date=date(2022, 1, 1), kind="beratung")]
    ),
    "update": lambda town: Municipality.objects.filter(pk=town.pk).update(
        is_model_municipality=True
    ),
    "m2m": lambda town: PreventionCouncil.objects.create(
        name="Neu", level=PreventionCouncil.Level.MUNICIPALITY, constituted_on=date(2021, 1, 1)
    ).municipalities.add(town),
    "raw_sql": lambda town: connection.cursor().execute(
        'UPDATE "municipalities_municipality" SET is_model_municipality = %s WHERE id = %s',
        [True, town.pk],
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_after_any_write_the_figures_are_counted_until_the_next_rebuild(saxony, write) -> None:
    build_published_history()
    summary.rebuild()
    day = date(2023, 1, 1)
    before = figures_as_of(day)
    assert summary.is_current()
    town = Municipality.objects.filter(is_model_municipality=False, consultations=None).first()
    WRITES[write](town)
    assert not summary.is_current()
    after = figures_as_of(day)  # counted from the records: the change shows at once
    assert after != before
    assert summary.rebuild() is not None
    assert summary.is_current()
    assert figures_as_of(day) == after


def test_a_rebuild_without_changes_does_nothing(db) -> None:
    assert summary.rebuild() is not None  # never built: builds
    assert summary.rebuild() is None
    assert summary.rebuild(force=True) is not None
    FiguresChange.objects.create()
    build = summary.rebuild()
    assert build is not None
    assert build.changes_seen == 1
    assert not FiguresChange.objects.exists()
    assert FiguresBuild.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_during_a_rebuild_stays_noted(saxony, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite lets one writer at a time)")
    town = Municipality.objects.filter(consultations=None).order_by("ags").first()
    summary.rebuild(force=True)
    real = summary.contributions

    def contributions_while_someone_writes() -> summary.Contributions:
        result = real()  # reads the snapshot first, then another session commits a change

        def write() -> None:
            Consultation.objects.create(municipality=town, date=date(2022, 1, 1), kind="beratung")
            connections.close_all()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        return result

    FiguresChange.objects.create()
    monkeypatch.setattr(summary, "contributions", contributions_while_someone_writes)
    assert summary.rebuild() is not None
    assert not summary.is_current(), "the change after the snapshot is still noted"
    advised = figures_as_of(date(2022, 1, 1))["municipalities_advised"]
    monkeypatch.setattr(summary, "contributions", real)
    assert summary.rebuild() is not None
    assert summary.is_current()
    assert figures_as_of(date(2022, 1, 1))["municipalities_advised"] == advised == 1


def test_stored_figures_take_the_same_few_queries_whatever_the_data(saxony) -> None:
    day = date(2023, 12, 31)
    leipzig = Area(district=District.objects.get(key="14713"))
    calls = (
        (figures_as_of, day),
        (figures_as_of, day, leipzig),
        (time_series, day, "quarter"),
        (figures_by_district, day),
        (status_counts, day),
    )
    summary.rebuild()
    small = [queries(*call) for call in calls]
    build_published_history()
    build_edge_cases()
    summary.rebuild()
    assert [queries(*call) for call in calls] == small
    # Is it current, and the values: two queries for the figures of a day.
    assert small[0] == 2


def test_the_command_and_the_scheduled_task(saxony, capsys, settings) -> None:
    from figures.tasks import rebuild_stored_figures

    call_command("rebuild_figures")
    assert "Zahlen gespeichert" in capsys.readouterr().out
    call_command("rebuild_figures")
    assert "nichts zu tun" in capsys.readouterr().out
    Consultation.objects.create(
        municipality=Municipality.objects.first(), date=date(2022, 1, 1), kind="beratung"
    )
    assert rebuild_stored_figures.delay().get() > 0
    assert rebuild_stored_figures.delay().get() is None
    schedule = settings.CELERY_BEAT_SCHEDULE["rebuild-stored-figures"]
    assert schedule["task"] == rebuild_stored_figures.name
    assert schedule["schedule"] <= 60


def test_what_one_build_gave_is_read_once_and_handed_out_as_copies(saxony) -> None:
    """Within a build a repeated figure costs only the look-up of the build; each caller gets
    its own values (changing them changes nothing for the next)."""
    from figures import selectors

    day = date(2023, 12, 31)
    summary.rebuild()
    selectors._CLEANED.clear()
    summary._ANSWERS.clear()
    first = figures_by_district(day)
    assert queries(figures_by_district, day) == 2  # is it current; the Kreise
    assert queries(figures_as_of, day) == 2  # is it current; the steps (first time)
    assert queries(figures_as_of, day) == 1
    advised = first[0].values["municipalities_advised"]
    first[0].values["municipalities_advised"] = advised + 1000
    figures_as_of(day)["municipalities_advised"] = -1
    assert figures_by_district(day)[0].values["municipalities_advised"] == advised
    assert figures_as_of(day) == _evaluate_live([day])[None][0]
