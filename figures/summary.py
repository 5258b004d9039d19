"""The figures stored as step functions of the date: reading them does not grow with the data.

Every figure of ``figures.selectors`` changes only on dates that stand in the records (a
signature, a decision, a constitution …) and, for the figures of the cut-off's funding year, on
1 January. ``rebuild`` turns the records into *contributions*, each a value that counts in some
areas from a start date until an end date (a cooperating municipality: +1 over the union of its
periods; a grant: its amount until the application's next decision), adds them up per area,
figure and day, and stores the running total from each day on (``FigureStep``). The figures of a
date are then one indexed look-up per area and figure, whether there are 400 municipalities or
11,000.

Exact, always: database triggers note every insert, update and delete on the tables the figures
are counted from (``FiguresChange``, migration 0004). While a change exists that the last rebuild
has not seen, ``current_build`` is None and the selectors count from the records as before. The
rebuild reads all records in one snapshot and deletes exactly the notes it saw, in the same
transaction; a change committed meanwhile stays noted. Celery beat rebuilds every minute when
something changed (``figures.rebuild_stored_figures``); ``manage.py rebuild_figures`` does it by
hand, ``seed_demo`` after loading.

Areas: "" is the whole Land, "d<id>" a Kreis, "p<id>" a Polizeidirektion; a record belongs to
the areas of the rows the live queries group it under (a Verbund's council counts once in each of
its Kreise and once in the Land).
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from asskomm.memo import Kept
from funding.models import FundingApplication, FundingDecision
from municipalities.models import (
    Consultation,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
)

from .models import FiguresBuild, FiguresChange, FigureStep, TrainingCohort

logger = logging.getLogger(__name__)

# Every table whose changes the triggers note, after the newest of the migrations that add them
# (figures 0005, 0007, 0008; a test compares this with the triggers in the database): what is
# read only from these tables is exact for as long as a build is current.
NOTED_TABLES: frozenset[str] = frozenset(
    import_module("figures.migrations.0008_note_changes_for_the_map_attribution").NOTED
)

# Before every date in the records: where a step that holds "from the beginning" starts.
BEGINNING = date(1900, 1, 1)
WHOLE_AREA = ""
# The two figures of "the cut-off's funding year" are stored per year: "<figure>@<year>".
PER_YEAR = ("funding_approved_eur", "funded_projects")
STATUS_PREFIX = "status:"
# Advisory lock of the rebuild on PostgreSQL (an arbitrary constant, unique in this project).
REBUILD_LOCK = 0x41534B46  # "ASKF"

Key = tuple[str, str, date]
Rows = list[tuple[Any, Any]]  # (Kreis id, PD id) of each row a record is grouped under


def district_area(pk: int) -> str:
    return f"d{pk}"


def directorate_area(pk: int) -> str:
    return f"p{pk}"


def year_key(figure: str, year: int) -> str:
    return f"{figure}@{year}"


class Contributions:
    """Adds values that count from a start to an end date (exclusive; None: for good)."""

    def __init__(self) -> None:
        self.deltas: dict[Key, Any] = defaultdict(int)

    def add(
        self,
        figure: str,
        start: date | None,
        end: date | None = None,
        *,
        value: Any = 1,
        rows: Sequence[tuple[Any, Any]] = (),
    ) -> None:
        if start is None or value is None or (end is not None and end <= start) or not value:
            return
        areas = {WHOLE_AREA}
        for district, directorate in rows:
            if district is not None:
                areas.add(district_area(district))
            if directorate is not None:
                areas.add(directorate_area(directorate))
        for area in areas:
            self.deltas[(area, figure, start)] += value
            if end is not None:
                self.deltas[(area, figure, end)] -= value

    def steps(self) -> Iterable[tuple[str, str, date, Any]]:
        """Running totals per area and figure: (area, figure, day, value from that day on)."""
        by_series: dict[tuple[str, str], list[tuple[date, Any]]] = defaultdict(list)
        for (area, figure, day), delta in self.deltas.items():
            if delta:
                by_series[(area, figure)].append((day, delta))
        for (area, figure), changes in by_series.items():
            total: Any = 0
            for day, delta in sorted(changes):
                total += delta
                yield area, figure, day, total


# What the records contribute ----------------------------------------------------------------------


def _merged(periods: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """The union of half-open periods [start, end) as disjoint periods (None: open end)."""
    merged: list[tuple[date, date | None]] = []
    for start, end in sorted(periods, key=lambda period: period[0]):
        if end is not None and end <= start:
            continue
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return merged


def _members(through: Any, owner: str) -> dict[int, Rows]:
    """Per record of an m2m relation to municipalities: the (Kreis, PD) of each member."""
    members: dict[int, Rows] = defaultdict(list)
    for owner_id, district, directorate in through.objects.values_list(
        owner, "municipality__district", "municipality__district__police_directorate"
    ):
        members[owner_id].append((district, directorate))
    return members


class _Municipalities:
    """Periods per municipality (the figures of municipalities and their status)."""

    def __init__(self) -> None:
        self.info = {
            pk: (district, directorate, model, dissolved)
            for pk, district, directorate, model, dissolved in Municipality.objects.values_list(
                "pk",
                "district",
                "district__police_directorate",
                "is_model_municipality",
                "dissolved_on",
            )
        }
        self.periods: dict[int, dict[str, list[tuple[date, date | None]]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, kind: str, municipality: int, start: date | None, end: date | None) -> None:
        if start is not None and municipality in self.info:
            self.periods[municipality][kind].append((start, end))

    def rows(self, municipality: int) -> Rows:
        district, directorate, _model, _dissolved = self.info[municipality]
        return [(district, directorate)]


def _councils(out: Contributions, towns: _Municipalities) -> None:
    through = PreventionCouncil.municipalities.through
    members = _members(through, "preventioncouncil_id")
    district_level = PreventionCouncil.Level.DISTRICT
    for (
        pk,
        level,
        counted,
        district,
        directorate,
    ) in PreventionCouncil.objects.values_list(
        "pk",
        "level",
        Coalesce("reactivated_on", "constituted_on"),
        "district",
        "district__police_directorate",
    ):
        rows = [
            (
                own_district if own_district is not None else district,
                own_directorate if own_directorate is not None else directorate,
            )
            for own_district, own_directorate in members.get(pk, [])
        ] or [(district, directorate)]
        figure = "district_councils" if level == district_level else "councils"
        out.add(figure, counted, rows=rows)
    for municipality, counted, dissolved in through.objects.values_list(
        "municipality_id",
        Coalesce("preventioncouncil__reactivated_on", "preventioncouncil__constituted_on"),
        "preventioncouncil__dissolved_on",
    ):
        towns.add("council", municipality, counted, dissolved)


def _agreements(out: Contributions, towns: _Municipalities) -> None:
    through = CooperationAgreement.municipalities.through
    members = _members(through, "cooperationagreement_id")
    records = list(
        CooperationAgreement.objects.values_list(
            "pk",
            "signed_on",
            "terminated_on",
            "predecessor",
            "district",
            "district__police_directorate",
            "police_directorate",
        )
    )
    signed = {record[0]: record[1] for record in records}
    successor_signed = {
        record[3]: record[1] for record in records if record[3] is not None and record[1]
    }
    for pk, signed_on, terminated, predecessor, district, district_pd, own_pd in records:
        own_directorate = district_pd if district_pd is not None else own_pd
        rows = [
            (
                member_district if member_district is not None else district,
                member_pd if member_pd is not None else own_directorate,
            )
            for member_district, member_pd in members.get(pk, [])
        ] or [(district, own_directorate)]
        # A new version of an agreement signed before is not a new agreement.
        before = signed.get(predecessor) if predecessor is not None else None
        out.add("agreements_signed", signed_on, before, rows=rows)
        ends = [day for day in (terminated, successor_signed.get(pk)) if day is not None]
        out.add("agreements_in_force", signed_on, min(ends) if ends else None, rows=rows)
    for municipality, signed_on, terminated in through.objects.values_list(
        "municipality_id", "cooperationagreement__signed_on", "cooperationagreement__terminated_on"
    ):
        towns.add("agreement", municipality, signed_on, terminated)


def _coaching(out: Contributions, towns: _Municipalities) -> None:
    through = CoachingProcess.municipalities.through
    members = _members(through, "coachingprocess_id")
    cancelled = CoachingProcess.Status.CANCELLED
    for pk, started, ended, status in CoachingProcess.objects.values_list(
        "pk", "started_on", "ended_on", "status"
    ):
        rows = members.get(pk, [])
        out.add("coaching_processes_started", started, rows=rows)
        out.add("coaching_processes_running", started, ended, rows=rows)
        if started is not None and ended is not None and status != cancelled:
            out.add("coaching_processes_completed", max(started, ended), rows=rows)
    for municipality, started in through.objects.values_list(
        "municipality_id", "coachingprocess__started_on"
    ):
        towns.add("coaching", municipality, started, None)


def _analyses(out: Contributions, towns: _Municipalities) -> None:
    through = SecurityAnalysis.municipalities.through
    members = _members(through, "securityanalysis_id")
    for pk, kickoff, presented in SecurityAnalysis.objects.values_list(
        "pk", "kickoff_on", "presented_on"
    ):
        rows = members.get(pk, [])
        out.add("security_analyses_started", kickoff, rows=rows)
        out.add("security_analyses_completed", presented, rows=rows)
    for municipality, kickoff in through.objects.values_list(
        "municipality_id", "securityanalysis__kickoff_on"
    ):
        towns.add("analysis", municipality, kickoff, None)


def _funding(out: Contributions, towns: _Municipalities) -> None:
    """Granted amounts: each grant or amendment decision states the amount from its date until
    the application's next such decision; a project counts from its first grant."""
    applications = {
        pk: (year, [(district, directorate)])
        for pk, year, district, directorate in FundingApplication.objects.values_list(
            "pk",
            "funding_year__year",
            Coalesce("municipality__district", "district"),
            Coalesce("municipality__district__police_directorate", "district__police_directorate"),
        )
    }
    grant = FundingDecision.Kind.GRANT
    decisions = (
        FundingDecision.objects.filter(kind__in=(grant, FundingDecision.Kind.AMENDMENT))
        .order_by("application_id", "decided_on", "number")
        .values_list("application_id", "kind", "decided_on", "amount")
    )
    by_application: dict[int, list[tuple[str, date, Decimal | None]]] = defaultdict(list)
    for application, kind, decided, amount in decisions:
        by_application[application].append((kind, decided, amount))
    for application, items in by_application.items():
        year, rows = applications[application]
        for index, (_kind, decided, amount) in enumerate(items):
            until = items[index + 1][1] if index + 1 < len(items) else None
            out.add("funding_approved_eur_cumulative", decided, until, value=amount, rows=rows)
            if year is not None:
                out.add(
                    year_key("funding_approved_eur", year), decided, until, value=amount, rows=rows
                )
        grants = [decided for kind, decided, _amount in items if kind == grant]
        if grants:
            out.add("funded_projects_cumulative", min(grants), rows=rows)
            if year is not None:
                out.add(year_key("funded_projects", year), min(grants), rows=rows)
    for municipality, first in (
        FundingDecision.objects.filter(kind=grant, application__municipality__isnull=False)
        .values_list("application__municipality")
        .annotate(first=Min("decided_on"))
        .order_by()
    ):
        towns.add("grant", municipality, first, None)


def _training(out: Contributions) -> None:
    beccaria = TrainingCohort.Programme.BECCARIA
    for programme, starts, ends, graduates, participants in TrainingCohort.objects.values_list(
        "programme", "starts_on", "ends_on", "graduates", "participants"
    ):
        if programme == beccaria:
            out.add("beccaria_graduates", ends, value=graduates)
        else:
            out.add("students_enrolled", starts, ends, value=participants)


def _municipality_figures(out: Contributions, towns: _Municipalities) -> None:
    """Cooperating, advised and Modellkommunen, and each municipality's status over time."""
    from .selectors import COOPERATION, LAUNCH, Status

    for municipality, first in (
        Consultation.objects.values_list("municipality").annotate(first=Min("date")).order_by()
    ):
        towns.add("advised", municipality, first, None)
    for pk, (_district, _directorate, model, _dissolved) in towns.info.items():
        if model:
            towns.add("model", pk, LAUNCH, None)
    for pk, (_district, _directorate, _model, dissolved) in towns.info.items():
        periods = towns.periods.get(pk, {})
        rows = towns.rows(pk)
        cooperation = _merged(period for kind in COOPERATION for period in periods.get(kind, ()))
        for start, end in cooperation:
            out.add("municipalities_cooperating", start, end, rows=rows)
        advised = min((start for start, _end in periods.get("advised", ())), default=None)
        out.add("municipalities_advised", advised, rows=rows)
        out.add("model_municipalities", LAUNCH if periods.get("model") else None, rows=rows)
        # The status (the map's colour) on each stretch between the dates that change it.
        changes = {BEGINNING, *(day for day in (dissolved,) if day)}
        for kind_periods in periods.values():
            for start, end in kind_periods:
                changes.add(start)
                if end is not None:
                    changes.add(end)
        days = sorted(changes)
        current: tuple[str, date] | None = None
        for day in days:
            if dissolved is not None and day >= dissolved:
                break
            status = _status_on(day, periods, Status)
            if current is None or current[0] != status:
                if current is not None:
                    out.add(STATUS_PREFIX + current[0], current[1], day, rows=rows)
                current = (status, day)
        if current is not None:
            out.add(STATUS_PREFIX + current[0], current[1], dissolved, rows=rows)


def _covers(periods: Iterable[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or end > day) for start, end in periods)


def _status_on(day: date, periods: dict[str, list[tuple[date, date | None]]], status: Any) -> str:
    """The status ``municipality_statuses`` gives on ``day`` (same precedence)."""
    if _covers(periods.get("model", ()), day):
        return str(status.MODEL)
    if _covers(periods.get("agreement", ()), day):
        return str(status.AGREEMENT)
    if any(
        _covers(periods.get(kind, ()), day) for kind in ("council", "coaching", "analysis", "grant")
    ):
        return str(status.COOPERATING)
    if _covers(periods.get("advised", ()), day):
        return str(status.ADVISED)
    return str(status.NONE)


def contributions() -> Contributions:
    out = Contributions()
    towns = _Municipalities()
    _councils(out, towns)
    _agreements(out, towns)
    _coaching(out, towns)
    _analyses(out, towns)
    _funding(out, towns)
    _training(out)
    _municipality_figures(out, towns)
    return out


# Rebuilding ---------------------------------------------------------------------------------------


def _connection() -> Any:
    return connections[router.db_for_write(FigureStep)]


def rebuild(*, force: bool = False) -> FiguresBuild | None:
    """Store the figures anew if something changed since the last rebuild (or ``force``).

    Returns the build, or None when nothing changed or another rebuild is running.
    """
    connection = _connection()
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One snapshot for every read below (inside a caller's transaction: its own);
                # a second rebuild at the same time does not wait, it leaves.
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REBUILD_LOCK])
                if not cursor.fetchone()[0]:
                    return None
        seen = FiguresChange.objects.aggregate(last=Max("pk"))["last"]
        build = FiguresBuild.objects.first()
        if not force and build is not None and seen is None:
            return None
        steps = list(contributions().steps())
        FigureStep.objects.all().delete()
        _insert(connection, steps)
        changes = FiguresChange.objects.filter(pk__lte=seen).delete()[0] if seen else 0
        FiguresBuild.objects.all().delete()
        build = FiguresBuild.objects.create(
            built_at=timezone.now(),
            seconds=round(time.perf_counter() - started, 3),
            steps=len(steps),
            changes_seen=changes,
        )
    logger.info("Stored figures rebuilt: %s steps in %.1f s", build.steps, build.seconds)
    return build


def _insert(connection: Any, steps: Sequence[tuple[str, str, date, Any]]) -> None:
    table = FigureStep._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy = f'COPY "{table}" (area, figure, day, value) FROM STDIN'
            with cursor.cursor.copy(copy) as writer:
                for step in steps:
                    writer.write_row(step)
        return
    FigureStep.objects.bulk_create(
        (
            FigureStep(area=area, figure=figure, day=day, value=value)
            for area, figure, day, value in steps
        ),
        batch_size=2000,
    )


# Passed as ``build`` to the readers: "look the current build up" (one query). A page that reads
# several parts looks it up once and passes the token on (or None: count from the records).
ASK = "ask"


def current_build() -> str | None:
    """The token of the stored figures if they hold every change, else None (one query)."""
    with _connection().cursor() as cursor:
        cursor.execute(
            f'SELECT (SELECT token FROM "{FiguresBuild._meta.db_table}" LIMIT 1), '  # noqa: S608
            f'EXISTS (SELECT 1 FROM "{FiguresChange._meta.db_table}")'
        )
        token, changed = cursor.fetchone()
    return None if token is None or changed else str(token)


def build_of(build: str | None) -> str | None:
    """``build`` as a caller passed it: the token (or None) it has, looked up if it is ``ASK``."""
    return current_build() if build == ASK else build


def is_current() -> bool:
    """Whether the stored figures hold every change (one query)."""
    return current_build() is not None


# Reading ------------------------------------------------------------------------------------------


def _stored_key(figure: str, day: date) -> str:
    return year_key(figure, day.year) if figure in PER_YEAR else figure


# What a build's steps give never changes (a rebuild is a new build with a new token): the answers
# of the last reads are kept per process, so that a page asked for again reads nothing.
_ANSWERS: Kept[dict[Any, list[dict[str, Any]]]] = Kept(256)


def read(
    days: Sequence[date],
    figures: Sequence[str],
    *,
    area: str | None = WHOLE_AREA,
    group: str | None = None,
    where: tuple[str, int] | None = None,
    build: str | None = None,
) -> dict[Any, list[dict[str, Any]]]:
    """``_read``, answered from the answers kept for ``build`` when it was asked before.

    The answer is shared: callers must not change it."""
    if build is None:
        return _read(days, figures, area=area, group=group, where=where)
    return _ANSWERS.get(
        (build, tuple(days), tuple(figures), area, group, where),
        lambda: _read(days, figures, area=area, group=group, where=where),
    )


def _read(
    days: Sequence[date],
    figures: Sequence[str],
    *,
    area: str | None = WHOLE_AREA,
    group: str | None = None,
    where: tuple[str, int] | None = None,
) -> dict[Any, list[dict[str, Any]]]:
    """Values of ``figures`` on each of ``days``: for ``area``, or per Kreis / PD (``group``),
    optionally only the groups whose ``where`` column ("id", "police_directorate_id") matches.

    One query: a look-up of the last step on or before the day, per area, figure and day.
    Areas without any step are left out (as the live queries leave out groups without rows).
    """
    connection = _connection()
    date_param = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    wanted, params = [], []
    for index, day in enumerate(days):
        for figure in figures:
            wanted.append(f"(%s, %s, %s, {date_param})")
            params += [
                figure,
                _stored_key(figure, day),
                index,
                connection.ops.adapt_datefield_value(day),
            ]
    table = FigureStep._meta.db_table
    area_params: list[Any]
    if group is None:
        areas_sql, area_params = "SELECT %s AS a, NULL AS g", [area]
    else:
        prefix = "d" if group == "district" else "p"
        model_table = (District if group == "district" else PoliceDirectorate)._meta.db_table
        areas_sql = f'SELECT %s || id AS a, id AS g FROM "{model_table}"'  # noqa: S608
        area_params = [prefix]
        if where is not None:
            column, value = where
            if column not in ("id", "police_directorate_id"):
                raise ValueError(column)
            areas_sql += f" WHERE {column} = %s"
            area_params.append(value)
    sql = (
        f"WITH wanted(f, k, i, d) AS (VALUES {', '.join(wanted)}), "  # noqa: S608
        f"areas(a, g) AS ({areas_sql}) "
        "SELECT areas.g, wanted.f, wanted.i, "
        f'(SELECT s.value FROM "{table}" s WHERE s.area = areas.a AND s.figure = wanted.k '
        "AND s.day <= wanted.d ORDER BY s.day DESC LIMIT 1) "
        "FROM areas CROSS JOIN wanted"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *area_params])
        rows = cursor.fetchall()
    result: dict[Any, list[dict[str, Any]]] = {}
    for group_id, figure, index, value in rows:
        if value is None:
            continue
        per_day = result.setdefault(group_id, [{} for _day in days])
        per_day[int(index)][figure] = Decimal(value)
    return result


__all__ = [
    "BEGINNING",
    "PER_YEAR",
    "STATUS_PREFIX",
    "WHOLE_AREA",
    "contributions",
    "directorate_area",
    "district_area",
    "current_build",
    "is_current",
    "read",
    "rebuild",
]
