"""The published figures of ASSKomm ("Zahlen, Daten, Fakten") for any cut-off date.

Every figure is counted from dated records only: a record counts on a date when the date that
makes it count (a consultation's date, a signature, a constitution, a decision) lies on or before
the cut-off. Records added later with later dates therefore never change the figures of a past
date, and a record without its date does not count at all.

Definitions (also in the README):

* ``municipalities_advised``: municipalities with at least one consultation (first contact
  included) by the cut-off date.
* ``municipalities_cooperating`` ("eng zusammenarbeitend"): municipalities that on the cut-off date
  are a Modellkommune, or have a cooperation agreement in force (signed, not terminated), or an
  active prevention council (constituted or reactivated, not dissolved), or have started an
  ASSKomm coaching, kicked off a security analysis or received a grant.
* ``councils``: prevention councils of a municipality or a Verbund constituted, or reactivated, by
  the cut-off date (the date that counts is the reactivation where there is one);
  ``district_councils`` the same for councils at Landkreis level, which the LPR reports apart.
* ``agreements_signed``: cooperation agreements signed (a new version of a signed agreement is the
  same agreement); ``agreements_in_force``: of those, not terminated.
* ``coaching_processes_started`` / ``_running`` / ``_completed``: by start and end date.
* ``security_analyses_started`` (kick-off) / ``_completed`` (final report presented).
* ``funding_approved_eur``: the amount granted for projects of the cut-off date's funding year as
  the latest grant or amendment decision by the cut-off date states it;
  ``funding_approved_eur_cumulative`` the same for all years since 2019; ``funded_projects`` and
  ``funded_projects_cumulative`` the projects with a grant decision.
* ``model_municipalities``: the eight Modellkommunen, from the launch on 6 February 2019.
* ``beccaria_graduates``: graduates of Beccaria cohorts completed by the cut-off date;
  ``students_enrolled``: participants of Präventionsmanagement cohorts running on that date.

Each figure is computed by aggregate queries: one query per source table for a cut-off date, or for
a whole time series (one column per period), or per grouping (Polizeidirektion, Kreis). The
number of queries does not depend on how many municipalities or records there are.

Those queries still read every record. While the stored figures of ``figures.summary`` are current
(no change since their last rebuild, which database triggers note), the figures are read from
them instead: a look-up per area, figure and day, the same values.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.models import (
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Lead

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from asskomm.memo import Kept
from funding.models import FundingDecision
from municipalities.models import (
    Consultation,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
)

from .models import TrainingCohort
from .summary import ASK

LAUNCH = date(2019, 2, 6)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    money: bool = False
    # Figures of people trained belong to no municipality: they have no breakdown by area.
    by_area: bool = True


FIGURES: tuple[Figure, ...] = (
    Figure("municipalities_advised", "Kommunen beraten"),
    Figure("municipalities_cooperating", "Kommunen eng zusammenarbeitend"),
    Figure("model_municipalities", "Modellkommunen"),
    Figure("councils", "Präventionsräte konstituiert oder reaktiviert"),
    Figure("district_councils", "Präventionsräte auf Landkreisebene"),
    Figure("agreements_signed", "Kooperationsvereinbarungen unterzeichnet"),
    Figure("agreements_in_force", "Kooperationsvereinbarungen in Kraft"),
    Figure("coaching_processes_started", "Coaching-Prozesse begonnen"),
    Figure("coaching_processes_running", "Coaching-Prozesse laufend"),
    Figure("coaching_processes_completed", "Coaching-Prozesse abgeschlossen"),
    Figure("security_analyses_started", "Sicherheitsanalysen begonnen"),
    Figure("security_analyses_completed", "Sicherheitsanalysen abgeschlossen"),
    Figure("funding_approved_eur", "Fördermittel bewilligt im Jahr (EUR)", money=True),
    Figure("funding_approved_eur_cumulative", "Fördermittel bewilligt seit 2019 (EUR)", money=True),
    Figure("funded_projects", "Geförderte Projekte im Jahr"),
    Figure("funded_projects_cumulative", "Geförderte Projekte seit 2019"),
    Figure("beccaria_graduates", "Beccaria-Absolventinnen und -Absolventen", by_area=False),
    Figure("students_enrolled", "Studierende Präventionsmanagement", by_area=False),
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}
AREA_FIGURES = tuple(figure for figure in FIGURES if figure.by_area)

Values = dict[str, int | Decimal]


# Sources: one table each, with its measures for a cut-off date -----------------------------------


@dataclass(frozen=True)
class Source:
    """A table the figures are counted from, and how its rows belong to a Kreis and a PD."""

    queryset: Callable[[], QuerySet[Any]]
    district: Any
    directorate: Any
    measures: Callable[[date, str], dict[str, Any]]
    # Annotations computed once per row, whatever the cut-off dates (first dates and the like).
    prepare: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda queryset: queryset
    by_area: bool = True


def _council_measures(day: date, tag: str) -> dict[str, Any]:
    established = Q(counted_on__lte=day)
    district = Q(level=PreventionCouncil.Level.DISTRICT)
    return {
        "councils": Count("pk", filter=established & ~district, distinct=True),
        "district_councils": Count("pk", filter=established & district, distinct=True),
    }


def _agreement_measures(day: date, tag: str) -> dict[str, Any]:
    # A new version of an agreement signed before is not a new agreement.
    signed = Q(signed_on__lte=day) & ~Q(predecessor__signed_on__lte=day)
    return {
        "agreements_signed": Count("pk", filter=signed, distinct=True),
        "agreements_in_force": Count(
            "pk",
            filter=Q(signed_on__lte=day)
            & ~Q(terminated_on__lte=day)
            & ~Q(successor__signed_on__lte=day),
            distinct=True,
        ),
    }


def _coaching_measures(day: date, tag: str) -> dict[str, Any]:
    started = Q(started_on__lte=day)
    ended = Q(ended_on__lte=day)
    return {
        "coaching_processes_started": Count("pk", filter=started, distinct=True),
        "coaching_processes_running": Count("pk", filter=started & ~ended, distinct=True),
        "coaching_processes_completed": Count(
            "pk",
            filter=started & ended & ~Q(status=CoachingProcess.Status.CANCELLED),
            distinct=True,
        ),
    }


def _analysis_measures(day: date, tag: str) -> dict[str, Any]:
    return {
        "security_analyses_started": Count("pk", filter=Q(kickoff_on__lte=day), distinct=True),
        "security_analyses_completed": Count("pk", filter=Q(presented_on__lte=day), distinct=True),
    }


# Aggregates over rows the ORM cannot aggregate itself (a window, a union) ----------------------
#
# Their SQL is put together from ORM-compiled parts and fixed names; every value is a parameter.
# The parts carry ``_district`` and ``_directorate`` so that an area and a grouping apply alike.


def _in_area(queryset: QuerySet[Any], area: "Area") -> QuerySet[Any]:
    """Rows annotated with ``_district`` and ``_directorate``, restricted to ``area``."""
    if area.directorate is not None:
        queryset = queryset.filter(_directorate=area.directorate.pk)
    if area.district is not None:
        queryset = queryset.filter(_district=area.district.pk)
    return queryset


def _group_column(group: str | None) -> str:
    return {"district": "_district", "directorate": "_directorate"}.get(group or "", "NULL")


def _compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    connection = connections[router.db_for_read(queryset.model)]
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _fetch(model: type[models.Model], sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(day: date) -> Any:
    return connections[router.db_for_read(Municipality)].ops.adapt_datefield_value(day)


_AMOUNT_KINDS = (FundingDecision.Kind.GRANT, FundingDecision.Kind.AMENDMENT)


def granted_amount(day: date) -> Subquery:
    """What the latest grant or amendment decision by ``day`` says the project receives."""
    return Subquery(
        FundingDecision.objects.filter(
            application=OuterRef("pk"),
            kind__in=_AMOUNT_KINDS,
            decided_on__lte=day,
        )
        .order_by("-decided_on", "-number")
        .values("amount")[:1],
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
    )


def _funding(days: Sequence[date], area: "Area", group: str | None) -> dict[Any, list[Values]]:
    """Granted amounts and funded projects per day (and group): one query for all days.

    A grant or amendment decision states the amount from its date until the application's next
    such decision (``valid_until``, from a window over the application's decisions, computed
    once per row; a correlated subquery for it was evaluated again for every date and measure).
    """
    district, directorate = _funding_area()
    decisions = _in_area(
        FundingDecision.objects.filter(kind__in=_AMOUNT_KINDS)
        .annotate(_district=district, _directorate=directorate)
        .order_by(),
        area,
    )
    decisions = decisions.annotate(
        valid_until=Window(
            Lead("decided_on"),
            partition_by=[F("application")],
            order_by=[F("decided_on").asc(), F("number").asc()],
        )
    ).values(
        "valid_until",
        "_district",
        "_directorate",
        _application=F("application"),
        _kind=F("kind"),
        _amount=F("amount"),
        _decided=F("decided_on"),
        _year=F("application__funding_year__year"),
    )
    sql, params = _compiled(decisions)
    columns: list[str] = []
    column_params: list[Any] = []
    grant = FundingDecision.Kind.GRANT.value
    for day in days:
        value = _day(day)
        valid = "_decided <= %s AND (valid_until IS NULL OR valid_until > %s)"
        granted = "_kind = %s AND _decided <= %s"
        columns += [
            f"SUM(_amount) FILTER (WHERE {valid} AND _year = %s)",
            f"SUM(_amount) FILTER (WHERE {valid})",
            f"COUNT(DISTINCT _application) FILTER (WHERE {granted} AND _year = %s)",
            f"COUNT(DISTINCT _application) FILTER (WHERE {granted})",
        ]
        column_params += [value, value, day.year, value, value, grant, value, day.year]
        column_params += [grant, value]
    sql = (
        f"SELECT {_group_column(group)} AS g, {', '.join(columns)} "  # noqa: S608
        f"FROM ({sql}) AS decisions GROUP BY 1"
    )
    keys = (
        "funding_approved_eur",
        "funding_approved_eur_cumulative",
        "funded_projects",
        "funded_projects_cumulative",
    )
    rows = _fetch(FundingDecision, sql, [*column_params, *params])
    return {
        row[0]: [
            {key: _clean(key, row[1 + 4 * index + number]) for number, key in enumerate(keys)}
            for index in range(len(days))
        ]
        for row in rows
    }


def _funding_area() -> tuple[Any, Any]:
    district, directorate = _via_many("application__municipality", own_district=False)
    return (
        Coalesce(district, F("application__district")),
        Coalesce(directorate, F("application__district__police_directorate")),
    )


def _training_measures(day: date, tag: str) -> dict[str, Any]:
    beccaria = Q(programme=TrainingCohort.Programme.BECCARIA)
    study = ~beccaria
    return {
        "beccaria_graduates": Sum("graduates", filter=beccaria & Q(ends_on__lte=day)),
        "students_enrolled": Sum(
            "participants",
            filter=study & Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day)),
        ),
    }


def _via_many(relation: str, *, own_district: bool, own_directorate: bool = False) -> tuple:
    """The Kreis and PD of a row linked to municipalities (or, for some, to a Kreis directly)."""
    district: Any = F(f"{relation}__district")
    directorate: Any = F(f"{relation}__district__police_directorate")
    if own_district:
        district = Coalesce(district, F("district"))
        directorate = Coalesce(directorate, F("district__police_directorate"))
    if own_directorate:
        directorate = Coalesce(directorate, F("police_directorate"))
    return district, directorate


def _sources() -> tuple[Source, ...]:
    council_district, council_directorate = _via_many("municipalities", own_district=True)
    agreement_district, agreement_directorate = _via_many(
        "municipalities", own_district=True, own_directorate=True
    )
    many_district, many_directorate = _via_many("municipalities", own_district=False)
    return (
        Source(
            queryset=lambda: PreventionCouncil.objects.all(),
            district=council_district,
            directorate=council_directorate,
            measures=_council_measures,
            prepare=lambda queryset: queryset.annotate(
                counted_on=Coalesce("reactivated_on", "constituted_on")
            ),
        ),
        Source(
            queryset=lambda: CooperationAgreement.objects.all(),
            district=agreement_district,
            directorate=agreement_directorate,
            measures=_agreement_measures,
        ),
        Source(
            queryset=lambda: CoachingProcess.objects.all(),
            district=many_district,
            directorate=many_directorate,
            measures=_coaching_measures,
        ),
        Source(
            queryset=lambda: SecurityAnalysis.objects.all(),
            district=many_district,
            directorate=many_directorate,
            measures=_analysis_measures,
        ),
        Source(
            queryset=lambda: TrainingCohort.objects.all(),
            district=Value(None),
            directorate=Value(None),
            measures=_training_measures,
            by_area=False,
        ),
    )


# "Eng zusammenarbeitend": periods of cooperation, counted per cut-off date ------------------------


def _cooperation_periods() -> dict[str, QuerySet[Any]]:
    """One queryset per kind of period: (municipality, from, until, Kreis, PD) rows.

    A municipality cooperates on a date when one of its periods covers it: from the launch for a
    Modellkommune ("model"), from the first day of a coaching, an analysis or a grant (these never
    end), and from signature to termination of an agreement or from constitution to dissolution of
    a council. "advised" is not a cooperation: each municipality's first consultation. The
    periods are computed once per row; every cut-off date is then one column of a single
    aggregate over their union, instead of a subquery per municipality and date.
    """
    # Typed, so that the parts' columns match in the union on PostgreSQL.
    none = Cast(Value(None), models.DateField())
    periods = {
        "agreement": CooperationAgreement.municipalities.through.objects.values(
            m=F("municipality_id"),
            starts=F("cooperationagreement__signed_on"),
            ends=F("cooperationagreement__terminated_on"),
        ),
        "council": PreventionCouncil.municipalities.through.objects.values(
            m=F("municipality_id"),
            starts=Coalesce(
                "preventioncouncil__reactivated_on", "preventioncouncil__constituted_on"
            ),
            ends=F("preventioncouncil__dissolved_on"),
        ),
        "coaching": CoachingProcess.municipalities.through.objects.values(
            m=F("municipality_id"), starts=F("coachingprocess__started_on"), ends=none
        ),
        "analysis": SecurityAnalysis.municipalities.through.objects.values(
            m=F("municipality_id"), starts=F("securityanalysis__kickoff_on"), ends=none
        ),
        # Grants never end: a municipality's first one is its period (one row, not one a grant).
        "grant": FundingDecision.objects.filter(
            kind=FundingDecision.Kind.GRANT, application__municipality__isnull=False
        )
        .values(m=F("application__municipality_id"))
        .annotate(starts=Min("decided_on"), ends=none),
        "model": Municipality.objects.filter(is_model_municipality=True).values(
            m=F("pk"), starts=Cast(Value(LAUNCH), models.DateField()), ends=none
        ),
        "advised": Consultation.objects.values(m=F("municipality_id")).annotate(
            starts=Min("date"), ends=none
        ),
    }
    via = {"grant": "application__municipality__", "model": ""}
    return {
        kind: queryset.annotate(
            _district=F(f"{via.get(kind, 'municipality__')}district"),
            _directorate=F(f"{via.get(kind, 'municipality__')}district__police_directorate"),
        ).order_by()
        for kind, queryset in periods.items()
    }


# Kinds of periods that make a municipality count as cooperating.
COOPERATION = ("agreement", "council", "coaching", "analysis", "grant", "model")


def _periods_union(area: "Area", group: str | None) -> tuple[str, list[Any], list[str]]:
    """SQL of the union of all periods in ``area`` (columns m, starts, ends, g, k), its
    parameters, and the kinds in the order of ``k``."""
    selects, params = [], []
    kinds = list(_cooperation_periods().items())
    for number, (_kind, queryset) in enumerate(kinds):
        sql, part_params = _compiled(_in_area(queryset, area))
        selects.append(
            f"SELECT m, starts, ends, {_group_column(group)} AS g, {number} AS k "  # noqa: S608
            f"FROM ({sql}) AS part"
        )
        params.extend(part_params)
    return " UNION ALL ".join(selects), params, [kind for kind, _queryset in kinds]


def _cooperating(days: Sequence[date], area: "Area", group: str | None) -> dict[Any, list[Values]]:
    """Municipalities cooperating, advised and Modellkommunen on each day, per group: one query."""
    union, params, kinds = _periods_union(area, group)
    cooperation = ", ".join(str(kinds.index(kind)) for kind in COOPERATION)
    advised, model = kinds.index("advised"), kinds.index("model")
    keys = ("municipalities_cooperating", "municipalities_advised", "model_municipalities")
    columns = []
    column_params: list[Any] = []
    for day in days:
        columns += [
            f"COUNT(DISTINCT CASE WHEN k IN ({cooperation}) AND starts <= %s "
            "AND (ends IS NULL OR ends > %s) THEN m END)",
            f"COUNT(DISTINCT CASE WHEN k = {advised} AND starts <= %s THEN m END)",
            f"COUNT(DISTINCT CASE WHEN k = {model} AND starts <= %s THEN m END)",
        ]
        value = _day(day)
        column_params.extend([value, value, value, value])
    sql = f"SELECT g, {', '.join(columns)} FROM ({union}) AS periods GROUP BY g"  # noqa: S608
    rows = _fetch(Municipality, sql, [*column_params, *params])
    return {
        row[0]: [
            {key: int(row[1 + 3 * index + number] or 0) for number, key in enumerate(keys)}
            for index in range(len(days))
        ]
        for row in rows
    }


# The area a figure is asked for --------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """All of Saxony, or one Polizeidirektion, or one Kreis."""

    directorate: PoliceDirectorate | None = None
    district: District | None = None

    @property
    def is_whole(self) -> bool:
        return self.directorate is None and self.district is None

    @property
    def name(self) -> str:
        if self.district is not None:
            return self.district.name
        if self.directorate is not None:
            return self.directorate.name
        return "Sachsen"


WHOLE = Area()


def _clean(key: str, value: Any) -> int | Decimal:
    figure = FIGURES_BY_KEY[key]
    if figure.money:
        return Decimal(value or 0).quantize(Decimal("0.01"))
    return int(value or 0)


def _restrict(source: Source, queryset: QuerySet[Any], area: Area) -> QuerySet[Any]:
    if area.directorate is not None:
        queryset = queryset.alias(_area_directorate=source.directorate).filter(
            _area_directorate=area.directorate.pk
        )
    if area.district is not None:
        queryset = queryset.alias(_area_district=source.district).filter(
            _area_district=area.district.pk
        )
    return queryset


def _evaluate(
    days: Sequence[date],
    *,
    area: Area = WHOLE,
    group: str | None = None,
    build: str | None = ASK,
) -> dict[Any, list[Values]]:
    """Values per day (and per group id when grouping by "district" or "directorate"): from the
    stored figures while they are current, else counted from the records."""
    stored = _stored(days, area, group, build)
    if stored is not None:
        return stored
    return _evaluate_live(days, area=area, group=group)


def _area_key(area: Area) -> str | None:
    """The stored figures' key of ``area``; None where they cannot answer (a Kreis asked for
    together with a PD it does not belong to: the live queries give that intersection)."""
    from . import summary  # summary builds on this module

    if area.district is not None:
        if area.directorate is not None and (
            area.district.police_directorate_id != area.directorate.pk
        ):
            return None
        return summary.district_area(area.district.pk)
    if area.directorate is not None:
        return summary.directorate_area(area.directorate.pk)
    return summary.WHOLE_AREA


# The cleaned values of the last reads, per build (see ``summary.read``): callers get copies.
_CLEANED: Kept[dict[Any, list[Values]]] = Kept(256)


def forget_kept_answers() -> None:
    """Empty this process's answers kept per build (benchmarks: the first read of a build)."""
    from . import summary

    _CLEANED.clear()
    summary._ANSWERS.clear()


def _stored(
    days: Sequence[date], area: Area, group: str | None, build: str | None = ASK
) -> dict[Any, list[Values]] | None:
    from . import summary

    key = _area_key(area)
    if not days or key is None or (group == "directorate" and not area.is_whole):
        return None
    build = summary.build_of(build)
    if build is None:
        return None
    wanted = AREA_FIGURES if group is not None or not area.is_whole else FIGURES
    where: tuple[str, int] | None = None
    if group is not None and area.district is not None:
        where = ("id", area.district.pk)
    elif group is not None and area.directorate is not None:
        where = ("police_directorate_id", area.directorate.pk)

    def clean() -> dict[Any, list[Values]]:
        found = dict(
            summary.read(
                days, [f.key for f in wanted], area=key, group=group, where=where, build=build
            )
        )
        if group is None:
            found.setdefault(None, [{} for _day in days])
        return {
            group_id: [
                {figure.key: _clean(figure.key, values.get(figure.key)) for figure in wanted}
                for values in per_day
            ]
            for group_id, per_day in found.items()
        }

    cleaned = _CLEANED.get((build, tuple(days), key, group, where, len(wanted)), clean)
    return {group_id: [dict(values) for values in per_day] for group_id, per_day in cleaned.items()}


def _evaluate_live(
    days: Sequence[date], *, area: Area = WHOLE, group: str | None = None
) -> dict[Any, list[Values]]:
    """Values per day (and group), counted from the records: a few aggregate queries."""
    results: dict[Any, list[Values]] = {}
    for source in _sources():
        if not source.by_area and (group is not None or not area.is_whole):
            continue
        aggregates: dict[str, Any] = {}
        keys: list[tuple[int, str]] = []
        for index, day in enumerate(days):
            for key, aggregate in source.measures(day, str(index)).items():
                aggregates[f"v{index}_{key}"] = aggregate
                keys.append((index, key))
        queryset = source.prepare(_restrict(source, source.queryset(), area)).order_by()
        if group is None:
            rows = [{"_group": None, **queryset.aggregate(**aggregates)}]
        else:
            expression = source.district if group == "district" else source.directorate
            rows = list(
                queryset.annotate(_group=expression).values("_group").annotate(**aggregates)
            )
        for row in rows:
            per_day = results.setdefault(row["_group"], [{} for _day in days])
            for index, key in keys:
                per_day[index][key] = _clean(key, row[f"v{index}_{key}"])
    for counted in (_funding(days, area, group), _cooperating(days, area, group)):
        for group_id, per_group in counted.items():
            per_day = results.setdefault(group_id, [{} for _day in days])
            for index, values in enumerate(per_group):
                per_day[index].update(values)
    # Groups a source had no rows for still show every figure, as 0.
    wanted = AREA_FIGURES if group is not None or not area.is_whole else FIGURES
    for per_day in results.values():
        for values in per_day:
            for figure in wanted:
                values.setdefault(figure.key, _clean(figure.key, None))
    return results


def figures_as_of(day: date, area: Area = WHOLE) -> Values:
    """The figures of Saxony (or of one area) on a cut-off date."""
    values = _evaluate([day], area=area).get(None)
    if values is None:
        return {figure.key: _clean(figure.key, None) for figure in FIGURES}
    return values[0]


@dataclass
class GroupFigures:
    key: str
    name: str
    values: Values
    directorate: str = ""


def figures_by_directorate(day: date) -> list[GroupFigures]:
    values = _evaluate([day], group="directorate")
    result = []
    for directorate in PoliceDirectorate.objects.order_by("name"):
        found = values.get(directorate.pk)
        result.append(
            GroupFigures(
                key=directorate.code,
                name=directorate.name,
                values=found[0] if found else _zeros(),
            )
        )
    return result


def figures_by_district(day: date, area: Area = WHOLE) -> list[GroupFigures]:
    values = _evaluate([day], group="district", area=area)
    districts = District.objects.order_by("key")
    if area.directorate is not None:
        districts = districts.filter(police_directorate=area.directorate)
    if area.district is not None:
        districts = districts.filter(pk=area.district.pk)
    result = []
    # Plain rows, not model instances: all of Germany has about 400 Kreise.
    for pk, key, name, dissolved_on, directorate in districts.values_list(
        "pk", "key", "name", "dissolved_on", "police_directorate__name"
    ):
        found = values.get(pk)
        if dissolved_on and dissolved_on <= day and not found:
            continue
        result.append(
            GroupFigures(
                key=key,
                name=name,
                values=found[0] if found else _zeros(),
                directorate=directorate or "",
            )
        )
    return result


def _zeros() -> Values:
    return {figure.key: _clean(figure.key, None) for figure in AREA_FIGURES}


# Time series --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def periods(until: date, kind: str = "year") -> list[Period]:
    """Years or quarters from the launch to ``until``; the last one ends on ``until``."""
    if kind not in ("year", "quarter"):
        raise ValueError(kind)
    result: list[Period] = []
    if until < LAUNCH:
        return result
    start = LAUNCH
    while start <= until:
        if kind == "year":
            end = date(start.year, 12, 31)
            label = str(start.year)
        else:
            quarter = (start.month - 1) // 3 + 1
            next_start = (
                date(start.year + 1, 1, 1) if quarter == 4 else date(start.year, quarter * 3 + 1, 1)
            )
            end = next_start - timedelta(days=1)
            label = f"Q{quarter}/{start.year}"
        result.append(Period(label, start, min(end, until)))
        start = end + timedelta(days=1)
    return result


@dataclass
class TimeSeries:
    periods: list[Period]
    values: dict[str, list[int | Decimal]] = field(default_factory=dict)


def time_series(until: date, kind: str = "year", area: Area = WHOLE) -> TimeSeries:
    """Each figure as of the end of each year or quarter since the launch."""
    spans = periods(until, kind)
    series = TimeSeries(spans)
    if not spans:
        return series
    per_day = _evaluate([span.end for span in spans], area=area).get(None)
    wanted = FIGURES if area.is_whole else AREA_FIGURES
    for figure in wanted:
        series.values[figure.key] = [
            values[figure.key] if per_day else _clean(figure.key, None)
            for values in (per_day or [{}] * len(spans))
        ]
    return series


def series_and_figures(
    until: date, kind: str = "year", area: Area = WHOLE
) -> tuple[TimeSeries, Values]:
    """A time series and, from its last column, the figures of ``until`` itself: one evaluation
    where ``time_series`` and ``figures_as_of`` would make two."""
    series = time_series(until, kind, area)
    if not series.periods:
        return series, figures_as_of(until, area)
    return series, {key: column[-1] for key, column in series.values.items()}


def yearly_from_quarterly(quarterly: TimeSeries) -> TimeSeries:
    """The yearly series taken from the quarterly one, without a query.

    A year's figures are those at the end of its fourth quarter (the current year's: at the
    cut-off, the end of the last quarter), exactly as ``time_series(until, "year")`` counts them.
    """
    spans = quarterly.periods
    picked = [
        index
        for index, span in enumerate(spans)
        if (span.end.month, span.end.day) == (12, 31) or index == len(spans) - 1
    ]
    years = [
        Period(
            str(spans[index].end.year),
            max(LAUNCH, date(spans[index].end.year, 1, 1)),
            spans[index].end,
        )
        for index in picked
    ]
    series = TimeSeries(years)
    for key, column in quarterly.values.items():
        series.values[key] = [column[index] for index in picked]
    return series


# Status of each municipality (the map and the public list) ---------------------------------------


class Status(models.TextChoices):
    """The most advanced step a municipality has taken with ASSKomm, for the map's colours."""

    NONE = "keine", "kein Kontakt"
    ADVISED = "beraten", "beraten"
    COOPERATING = "zusammenarbeitend", "eng zusammenarbeitend"
    AGREEMENT = "vereinbarung", "Kooperationsvereinbarung"
    MODEL = "modell", "Modellkommune"


STATUS_COLOURS = {
    Status.NONE: "#e7e9ec",
    Status.ADVISED: "#9ecae1",
    Status.COOPERATING: "#4292c6",
    Status.AGREEMENT: "#08519c",
    Status.MODEL: "#08306b",
}


@dataclass
class MunicipalityStatus:
    pk: int
    ags: str
    name: str
    district: str
    directorate: str
    status: Status
    advised: bool
    cooperating: bool
    agreement: bool
    council: bool
    coaching: bool
    analysis: bool
    grant: bool
    model: bool

    @property
    def steps(self) -> list[str]:
        """What the municipality does with ASSKomm, in words (for the map's tooltip and lists)."""
        names = (
            ("model", "Modellkommune"),
            ("agreement", "Kooperationsvereinbarung"),
            ("council", "Präventionsrat"),
            ("coaching", "Coaching"),
            ("analysis", "Sicherheitsanalyse"),
            ("grant", "Förderung"),
        )
        return [label for attribute, label in names if getattr(self, attribute)]


def _steps(day: date, area: Area) -> dict[int, dict[str, bool]]:
    """Per municipality: which periods of cooperation cover ``day``, and whether it was advised.

    One aggregate over the periods of ``_cooperation_periods`` (the same rows the figures count),
    instead of subqueries per municipality.
    """
    union, params, kinds = _periods_union(area, None)
    names = ("agreement", "council", "coaching", "analysis", "grant")
    value = _day(day)
    columns = [
        f"MAX(CASE WHEN k = {kinds.index(name)} AND starts <= %s "
        "AND (ends IS NULL OR ends > %s) THEN 1 ELSE 0 END)"
        for name in names
    ]
    columns.append(
        f"MAX(CASE WHEN k = {kinds.index('advised')} AND starts <= %s THEN 1 ELSE 0 END)"
    )
    sql = f"SELECT m, {', '.join(columns)} FROM ({union}) AS periods GROUP BY m"  # noqa: S608
    rows = _fetch(Municipality, sql, [*[value, value] * len(names), value, *params])
    return {
        row[0]: {key: bool(flag) for key, flag in zip((*names, "advised"), row[1:], strict=True)}
        for row in rows
    }


def municipality_statuses(day: date, area: Area = WHOLE) -> list[MunicipalityStatus]:
    """Every municipality existing on ``day`` with its ASSKomm steps (two queries)."""
    launched = day >= LAUNCH
    queryset = Municipality.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))
    if area.directorate is not None:
        queryset = queryset.filter(district__police_directorate=area.directorate)
    if area.district is not None:
        queryset = queryset.filter(district=area.district)
    steps = _steps(day, area)
    nothing = dict.fromkeys(("agreement", "council", "coaching", "analysis", "grant"), False)
    nothing["advised"] = False
    rows = queryset.values(
        "pk",
        "ags",
        "name",
        "is_model_municipality",
        district_name=F("district__name"),
        directorate_name=F("district__police_directorate__name"),
    )
    result = []
    for row in rows.order_by("name", "ags"):
        found = steps.get(row["pk"], nothing)
        model = launched and row["is_model_municipality"]
        agreement, council = found["agreement"], found["council"]
        coaching, analysis, grant = found["coaching"], found["analysis"], found["grant"]
        cooperating = model or agreement or council or coaching or analysis or grant
        advised = found["advised"]
        if model:
            status = Status.MODEL
        elif agreement:
            status = Status.AGREEMENT
        elif cooperating:
            status = Status.COOPERATING
        elif advised:
            status = Status.ADVISED
        else:
            status = Status.NONE
        result.append(
            MunicipalityStatus(
                pk=row["pk"],
                ags=row["ags"],
                name=row["name"],
                district=row["district_name"] or "",
                directorate=row["directorate_name"] or "",
                status=status,
                advised=advised,
                cooperating=cooperating,
                agreement=agreement,
                council=council,
                coaching=coaching,
                analysis=analysis,
                grant=grant,
                model=model,
            )
        )
    return result


def status_counts(day: date, area: Area = WHOLE, build: str | None = ASK) -> dict[Status, int]:
    """How many municipalities existing on ``day`` have each status (the map's legend): from the
    stored figures while they are current (one query), else from ``municipality_statuses``.
    ``build``: the current build's token if the caller has it (``summary.ASK``: look it up)."""
    from . import summary

    key = _area_key(area)
    build = None if key is None else summary.build_of(build)
    if build is not None:
        names = {summary.STATUS_PREFIX + status.value: status for status in Status}
        found = summary.read([day], list(names), area=key, build=build).get(None, [{}])[0]
        return {status: int(found.get(name, 0)) for name, status in names.items()}
    counts = dict.fromkeys(Status, 0)
    for item in municipality_statuses(day, area):
        counts[item.status] += 1
    return counts
