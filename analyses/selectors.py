"""Reads of the analyses app: who sees which analysis, and everything computed for the report.

The area profile sets a municipality's Häufigkeitszahl (cases per 100,000 inhabitants) beside its
Kreis and Saxony, year by year; the survey results are distributions with 95 % intervals and
breakdowns in which small cells are suppressed. All of it is computed from the stored figures in a
fixed number of queries; nothing computed is stored.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asskomm.verification import VerifiedDocument
from municipalities.models import Municipality
from municipalities.selectors import is_lpr_staff, municipalities_visible_to

from .models import (
    SAXONY,
    AreaPopulation,
    CrimeFigure,
    SecurityAnalysis,
    SurveyBenchmark,
    SurveyResponse,
)
from .statistics import (
    Cell,
    Distribution,
    Gap,
    Trend,
    breakdown,
    distribution,
    frequency_rate,
    gap,
    response_rate,
    trend,
)
from .survey_items import (
    AGE_GROUPS,
    ITEMS,
    ITEMS_BY_CODE,
    MIN_CELL,
    OFFENCE_GROUPS,
    PROBLEM_ITEMS,
    SAFETY_ITEM,
)

# An analysis is a benchmark for others' feeling of safety once it has this many answers.
BENCHMARK_MIN_ANSWERS = 100


def analyses_visible_to(user: Any) -> QuerySet[SecurityAnalysis]:
    analyses = SecurityAnalysis.objects.all()
    if is_lpr_staff(user):
        return analyses
    return analyses.filter(municipalities__in=municipalities_visible_to(user)).distinct()


def analyses_of_municipality(municipality: Municipality) -> QuerySet[SecurityAnalysis]:
    return SecurityAnalysis.objects.filter(municipalities=municipality).order_by("-year", "pk")


def analysis_of_municipality(municipality: Municipality, pk: int) -> SecurityAnalysis:
    return get_object_or_404(analyses_of_municipality(municipality), pk=pk)


# --- Area profile


@dataclass
class AreaSeries:
    """One area's figures for one offence group, year by year."""

    key: str
    name: str
    cases: dict[int, int] = field(default_factory=dict)
    population: dict[int, int] = field(default_factory=dict)
    rates: dict[int, Decimal | None] = field(default_factory=dict)
    trend: Trend | None = None


@dataclass
class OffenceProfile:
    slug: str
    label: str
    areas: list[AreaSeries]

    @property
    def years(self) -> list[int]:
        return sorted({year for area in self.areas for year in area.cases})


@dataclass
class AreaProfile:
    years: list[int]
    offences: list[OffenceProfile]

    @property
    def has_data(self) -> bool:
        return bool(self.years)

    def offence(self, slug: str) -> OffenceProfile | None:
        return next((o for o in self.offences if o.slug == slug), None)


def _area_names(municipalities: list[Municipality]) -> list[tuple[str, str]]:
    """The areas compared: the municipalities, (for several) their sum, their Kreise, Saxony."""
    areas = [(m.ags, m.name) for m in municipalities]
    kreise: dict[str, str] = {}
    for municipality in municipalities:
        district = municipality.district
        name = district.name
        if district.kind == "landkreis" and not name.startswith("Landkreis"):
            name = f"Landkreis {name}"
        kreise.setdefault(district.key, name)
    areas.extend(kreise.items())
    areas.append((SAXONY, "Sachsen"))
    return areas


def _populations(keys: set[str], municipalities: list[Municipality]) -> dict[tuple[str, int], int]:
    """Population by (area, year): imported figures, else the register's for its year."""
    found = {
        (row.area_key, row.year): row.population
        for row in AreaPopulation.objects.filter(area_key__in=keys)
    }
    for municipality in municipalities:
        if municipality.population and municipality.population_date:
            found.setdefault(
                (municipality.ags, municipality.population_date.year), municipality.population
            )
    return found


def area_profile(analysis: SecurityAnalysis) -> AreaProfile:
    """Cases, Häufigkeitszahl and trend of every offence group for the analysis's areas."""
    municipalities = list(analysis.municipalities.select_related("district").order_by("name"))
    areas = _area_names(municipalities)
    keys = {key for key, _name in areas}
    figures = CrimeFigure.objects.filter(area_key__in=keys)
    population = _populations(keys, municipalities)
    by_group: dict[str, dict[str, AreaSeries]] = defaultdict(dict)
    for figure in figures:
        series = by_group[figure.offence_group].get(figure.area_key)
        if series is None:
            name = dict(areas)[figure.area_key]
            series = by_group[figure.offence_group][figure.area_key] = AreaSeries(
                figure.area_key, name
            )
        series.cases[figure.year] = figure.cases
    offences = []
    for slug, _key, label in OFFENCE_GROUPS:
        if slug not in by_group:
            continue
        ordered = [by_group[slug][key] for key, _name in areas if key in by_group[slug]]
        for series in ordered:
            for year, cases in series.cases.items():
                inhabitants = population.get((series.key, year))
                if inhabitants:
                    series.population[year] = inhabitants
                series.rates[year] = frequency_rate(cases, inhabitants)
            series.trend = trend({y: r for y, r in series.rates.items() if r is not None})
        offences.append(OffenceProfile(slug, label, ordered))
    years = sorted({year for offence in offences for year in offence.years})
    return AreaProfile(years=years, offences=offences)


# --- Survey


@dataclass
class ItemResult:
    code: str
    question: str
    topic: str
    distribution: Distribution
    by_age: list[Cell]
    by_district: list[Cell]


@dataclass
class SurveyResults:
    returned: int
    sample_size: int | None
    response_rate: Decimal | None
    items: list[ItemResult]
    problem_ranking: list[tuple[str, float]]
    gap: Gap
    benchmark: str  # where the reference share feeling unsafe comes from ("" if there is none)

    def item(self, code: str) -> ItemResult | None:
        return next((item for item in self.items if item.code == code), None)


def _unsafe_share(responses: list[dict[str, Any]]) -> tuple[float | None, int]:
    item = ITEMS_BY_CODE[SAFETY_ITEM]
    answers = [r.get(SAFETY_ITEM) for r in responses]
    result = distribution(answers, item.scale, item.negative)
    return result.negative_share, result.n


def _benchmark_unsafe_share(analysis: SecurityAnalysis) -> tuple[float | None, str]:
    """The reference share feeling unsafe at night, and where it comes from.

    A benchmark entered by staff (e.g. from a representative survey) comes first; without one,
    the mean over the other analyses in the portal with enough answers.
    """
    benchmark = SurveyBenchmark.objects.filter(item=SAFETY_ITEM).order_by("-year").first()
    if benchmark is not None:
        return float(benchmark.share) / 100, f"{benchmark.source} ({benchmark.year})"
    by_analysis: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for analysis_id, answers in (
        SurveyResponse.objects.exclude(analysis=analysis)
        .filter(answers__has_key=SAFETY_ITEM)
        .values_list("analysis_id", "answers")
    ):
        by_analysis[analysis_id].append(answers)
    shares = []
    for answers in by_analysis.values():
        share, n = _unsafe_share(answers)
        if share is not None and n >= BENCHMARK_MIN_ANSWERS:
            shares.append(share)
    if not shares:
        return None, ""
    label = ngettext(
        "mean of %(count)d other analysis in the portal",
        "mean of %(count)d other analyses in the portal",
        len(shares),
    ) % {"count": len(shares)}
    return sum(shares) / len(shares), label


def _hidden_groups(groups: list[str | None]) -> set[str]:
    """Groups too small to show in any breakdown of the survey (by respondents, not answers).

    Deciding once per breakdown dimension keeps the hidden groups the same for every question,
    so that comparing two tables cannot give a hidden group away.
    """
    counts: dict[str, int] = defaultdict(int)
    for group in groups:
        if group:
            counts[group] += 1
    hidden = {group for group, count in counts.items() if count < MIN_CELL}
    if len(hidden) == 1 and len(counts) > 1:
        shown = [group for group in counts if group not in hidden]
        hidden.add(min(shown, key=lambda group: (counts[group], group)))
    return hidden


def _protected(cells: list[Cell], hidden: set[str]) -> list[Cell]:
    return [
        Cell(cell.group, None, None, None, None, suppressed=True) if cell.group in hidden else cell
        for cell in cells
    ]


def survey_results(analysis: SecurityAnalysis, profile: AreaProfile | None = None) -> SurveyResults:
    rows = list(analysis.responses.values_list("age_group", "town_district", "answers"))
    hidden_ages = _hidden_groups([age for age, _district, _answers in rows])
    hidden_districts = _hidden_groups([district for _age, district, _answers in rows])
    items = []
    for item in ITEMS:
        answers = [answers.get(item.code) for _age, _district, answers in rows]
        items.append(
            ItemResult(
                code=item.code,
                question=item.question,
                topic=item.topic,
                distribution=distribution(answers, item.scale, item.negative),
                by_age=_protected(
                    _ordered_by_age(
                        breakdown(
                            ((age or None, a.get(item.code)) for age, _d, a in rows),
                            item.negative,
                        )
                    ),
                    hidden_ages,
                ),
                by_district=_protected(
                    breakdown(
                        ((district or None, a.get(item.code)) for _age, district, a in rows),
                        item.negative,
                    ),
                    hidden_districts,
                ),
            )
        )
    ranking = sorted(
        (
            (ITEMS_BY_CODE[code].question, result.distribution.negative_share)
            for code in PROBLEM_ITEMS
            if (result := next(i for i in items if i.code == code)).distribution.negative_share
            is not None
        ),
        key=lambda pair: pair[1],
        reverse=True,
    )
    profile = profile or area_profile(analysis)
    unsafe = next(i for i in items if i.code == SAFETY_ITEM).distribution.negative_share
    reference_share, benchmark = _benchmark_unsafe_share(analysis)
    crime_rate, saxony_rate = _latest_total_rates(analysis, profile)
    return SurveyResults(
        returned=len(rows),
        sample_size=analysis.sample_size,
        response_rate=response_rate(len(rows), analysis.sample_size)
        if analysis.sample_size and len(rows) <= analysis.sample_size
        else None,
        items=items,
        problem_ranking=[(label, share) for label, share in ranking if share is not None],
        gap=gap(
            crime_rate=crime_rate,
            reference_crime_rate=saxony_rate,
            unsafe_share=unsafe,
            reference_unsafe_share=reference_share,
        ),
        benchmark=benchmark,
    )


def _ordered_by_age(cells: list[Cell]) -> list[Cell]:
    rank = {group: position for position, group in enumerate(AGE_GROUPS)}
    return sorted(cells, key=lambda cell: (rank.get(cell.group, len(rank)), cell.group))


def _latest_total_rates(
    analysis: SecurityAnalysis, profile: AreaProfile
) -> tuple[Decimal | None, Decimal | None]:
    """The analysed area's and Saxony's Häufigkeitszahl of all offences, in the latest common year.

    For several municipalities the area's rate is their cases over their population together.
    """
    total = profile.offence("insgesamt")
    if total is None:
        return None, None
    keys = set(analysis.municipalities.values_list("ags", flat=True))
    local = [area for area in total.areas if area.key in keys]
    saxony = next((area for area in total.areas if area.key == SAXONY), None)
    if not local or saxony is None:
        return None, None
    years = sorted(
        set.intersection(*(set(a.population) for a in local)) & set(saxony.rates), reverse=True
    )
    for year in years:
        cases = sum(area.cases.get(year, 0) for area in local)
        inhabitants = sum(area.population[year] for area in local)
        if saxony.rates.get(year) is not None:
            return frequency_rate(cases, inhabitants), saxony.rates[year]
    return None, None


# --- Public verification of a final report


def verify_final_report(fingerprint: str) -> VerifiedDocument | None:
    analysis = (
        SecurityAnalysis.objects.filter(final_report_sha256=fingerprint.lower())
        .prefetch_related("municipalities")
        .first()
    )
    if analysis is None:
        return None
    details = []
    if analysis.presented_on:
        details.append((str(_("Presented on")), date_format(analysis.presented_on, "DATE_FORMAT")))
    return VerifiedDocument(
        kind=str(_("Final report of a security analysis")),
        label=analysis.title,
        parties=[m.name for m in analysis.municipalities.all()] + ["Landespräventionsrat Sachsen"],
        status=str(analysis.get_status_display()),
        details=details,
        matched_file=str(_("final report")),
    )
