"""The public page of the figures (/zahlen/) and what it shares with the staff dashboard.

The public page shows only what the LPR publishes: the figures of Saxony and of each
Polizeidirektion, and how many municipalities take part (Modellkommune, Kooperationsvereinbarung,
eng zusammenarbeitend); their names are listed page by page on /zahlen/kommunen/, so that neither
page grows with the register. Consultations, people and notes stay in the staff dashboard.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from asskomm.stored import kept, stored_fragments

from . import summary
from .exports import count, eur, german_date
from .forms import PublicMunicipalityListForm
from .geo import PUBLIC_STATUSES, feature_collection, legend
from .selectors import (
    AREA_FIGURES,
    FIGURES,
    FIGURES_BY_KEY,
    Figure,
    GroupFigures,
    MunicipalityStatus,
    TimeSeries,
    Values,
    figures_by_directorate,
    municipality_statuses,
    series_and_figures,
    status_counts,
)
from .services import current_attribution

T = TypeVar("T")

DESTATIS_ATTRIBUTION = "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD"

# The figures drawn as lines over time (the money goes into a chart of its own).
CHART_FIGURES = (
    "municipalities_advised",
    "municipalities_cooperating",
    "councils",
    "agreements_signed",
    "coaching_processes_started",
    "security_analyses_started",
)
FUNDING_FIGURE = "funding_approved_eur"
# Rows per page of the lists of municipalities: a page stays the same size with any register.
PAGE_SIZE = 100


# Presentation shared with the dashboard -----------------------------------------------------------


def display(figure: Figure, value: int | Decimal) -> str:
    """A figure's value in German notation: 1.234 and 12.345,00 Euro."""
    return eur(value) if figure.money else count(value)


def cell(figure: Figure, value: int | Decimal) -> str:
    """A table cell: the column heading says EUR, so amounts carry no unit."""
    if figure.money:
        return number_format(value, decimal_pos=2, force_grouping=True)
    return count(value)


@dataclass
class Tile:
    key: str
    label: str
    value: str


def tiles(values: Values, figures: Sequence[Figure]) -> list[Tile]:
    return [Tile(f.key, f.label, display(f, values[f.key])) for f in figures if f.key in values]


@dataclass
class Row:
    name: str
    cells: list[str]
    key: str = ""
    extra: str = ""


@dataclass
class Table:
    figures: Sequence[Figure]
    rows: list[Row] = field(default_factory=list)
    # Column headings, where they are not the figures' labels (a table with a figure per row).
    columns: Sequence[str] = ()

    @property
    def headings(self) -> list[str]:
        return list(self.columns) or [figure.label for figure in self.figures]


def group_table(groups: Sequence[GroupFigures], figures: Sequence[Figure]) -> Table:
    return Table(
        figures,
        [
            Row(
                name=group.name,
                key=group.key,
                extra=group.directorate,
                cells=[cell(f, group.values[f.key]) for f in figures],
            )
            for group in groups
        ],
    )


def figures_by_group_table(
    whole: Values, groups: Sequence[GroupFigures], figures: Sequence[Figure], whole_name: str
) -> Table:
    """One row per figure, one column per group after the whole: narrow enough for a phone."""
    return Table(
        figures,
        [
            Row(
                name=figure.label,
                key=figure.key,
                cells=[cell(figure, whole[figure.key])]
                + [cell(figure, group.values[figure.key]) for group in groups],
            )
            for figure in figures
        ],
        # The caption says "by Polizeidirektion": the columns need only the place.
        columns=[whole_name, *(group.name.removeprefix("Polizeidirektion ") for group in groups)],
    )


def series_table(series: TimeSeries, figures: Sequence[Figure]) -> Table:
    """One row per year or quarter: the text alternative of a chart."""
    shown = [f for f in figures if f.key in series.values]
    return Table(
        shown,
        [
            Row(
                name=period.label,
                cells=[cell(f, series.values[f.key][index]) for f in shown],
            )
            for index, period in enumerate(series.periods)
        ],
    )


def chart_data(series: TimeSeries, keys: Sequence[str]) -> dict[str, Any]:
    """Labels and data for Chart.js (amounts as numbers in EUR)."""
    return {
        "labels": [period.label for period in series.periods],
        "series": [
            {
                "key": key,
                "label": FIGURES_BY_KEY[key].label,
                "money": FIGURES_BY_KEY[key].money,
                "data": [
                    float(value) if isinstance(value, Decimal) else value
                    for value in series.values[key]
                ],
            }
            for key in keys
            if key in series.values
        ],
    }


def participating(statuses: Sequence[MunicipalityStatus]) -> list[MunicipalityStatus]:
    """The municipalities the public list and map name: those that work closely with ASSKomm."""
    return [item for item in statuses if item.status in PUBLIC_STATUSES]


@dataclass
class PageLink:
    label: str
    url: str = ""  # empty for the gap ("…") between page numbers
    current: bool = False


@dataclass
class Pager:
    page: Page
    links: list[PageLink]
    previous_url: str
    next_url: str


def page_url(query: QueryDict, number: int) -> str:
    """The query string of page ``number``, keeping the filter but not its empty fields (page 1
    has no page parameter)."""
    query = query.copy()
    query.pop("page", None)
    for key in [key for key, values in query.lists() if not any(values)]:
        query.pop(key)
    if number > 1:
        query["page"] = str(number)
    return f"?{query.urlencode()}" if query else "?"


def paginate(query: QueryDict, items: Sequence[T], per_page: int = PAGE_SIZE) -> Pager:
    """One page of ``items``: a page number that is no number or below 1 gives the first page, one
    past the end the last, so a stale or edited link still shows a list."""
    paginator = Paginator(items, per_page)
    asked = query.get("page", "")
    page = paginator.get_page(1 if asked.lstrip("-").isdigit() and int(asked) < 1 else asked)
    links = [
        PageLink(str(number))
        if number == Paginator.ELLIPSIS
        else PageLink(str(number), page_url(query, int(number)), number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pager(
        page=page,
        links=links,
        previous_url=page_url(query, page.previous_page_number()) if page.has_previous() else "",
        next_url=page_url(query, page.next_page_number()) if page.has_next() else "",
    )


# Public views -----------------------------------------------------------------------------------


def cached(name: str, day: date, compute: Callable[[], T]) -> T:
    """A public figure of a day, from the cache when it was computed in the last minutes.

    The public page is the one page anybody can load as often as they like; the figures of today
    change only when staff record something, so a few minutes' delay is fine
    (``ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS``, 0 to switch the cache off).
    """
    seconds = settings.ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS
    if not seconds:
        return compute()
    return kept(f"figures:public:{name}:{day.isoformat()}", seconds, compute)


@require_safe
def public(request: HttpRequest) -> HttpResponse:
    """The current figures, how many municipalities take part and the map, without login."""
    day = timezone.localdate()
    build = summary.current_build()  # once, for the kept figures and the map's credit line

    def figures_context(stored: bool) -> dict[str, Any]:
        # From the stored figures: exact and quick. Counted from the records: kept a few minutes.
        def get(name: str, compute: Callable[[], T]) -> T:
            return compute() if stored else cached(name, day, compute)

        yearly, values = get("series", lambda: series_and_figures(day, "year"))
        directorates = get("directorates", lambda: figures_by_directorate(day))
        chart_figures = [FIGURES_BY_KEY[key] for key in CHART_FIGURES]
        counts = get("status_counts", lambda: status_counts(day))
        list_url = reverse("figures:public_municipalities")
        return {
            "participating": sum(counts[status] for status in PUBLIC_STATUSES),
            "list_url": list_url,
            "by_status": [
                (
                    status.label,
                    count(counts[status]),
                    f"{list_url}?{urlencode({'status': status.value})}",
                )
                for status in PUBLIC_STATUSES
            ],
            "tiles": tiles(values, FIGURES),
            "directorates": figures_by_group_table(values, directorates, AREA_FIGURES, _("Saxony")),
            "yearly": series_table(yearly, [*chart_figures, FIGURES_BY_KEY[FUNDING_FIGURE]]),
            "charts": {
                "year": chart_data(yearly, CHART_FIGURES),
                "funding": chart_data(yearly, [FUNDING_FIGURE]),
            },
        }

    context = {
        "day": day,
        "day_text": german_date(day),
        "fragments": stored_fragments(
            "public",
            [day.isoformat()],
            {
                "figures": "figures/_public_figures.html",
                "participation": "figures/_public_participation.html",
            },
            figures_context,
            build=build,
        ),
        "legend": [(colour, label, None) for colour, label in legend(public=True)],
        "attribution": current_attribution(build),
        "destatis": DESTATIS_ATTRIBUTION,
    }
    return render(request, "figures/public.html", context)


@require_safe
def public_municipalities(request: HttpRequest) -> HttpResponse:
    """The participating municipalities, a page at a time, by Polizeidirektion and status."""
    day = timezone.localdate()
    form = PublicMunicipalityListForm(request.GET or None)
    directorate, status = form.choice()
    rows = [
        item
        for item in participating(cached("statuses", day, lambda: municipality_statuses(day)))
        if (status is None or item.status == status)
        and (directorate is None or item.directorate == directorate.name)
    ]
    context = {
        "day_text": german_date(day),
        "form": form,
        "directorate": directorate,
        "status": status,
        "pager": paginate(request.GET, rows),
    }
    return render(request, "figures/public_municipalities.html", context)


@require_safe
@cache_control(public=True, max_age=300)
def public_geojson(request: HttpRequest) -> JsonResponse:
    """The public map: name, key and public status of each municipality, nothing else."""
    day: date = timezone.localdate()
    collection = feature_collection(
        cached("statuses", day, lambda: municipality_statuses(day)),
        attribution=current_attribution(),
        public=True,
    )
    return geojson_response(collection)


def geojson_response(collection: dict[str, Any]) -> JsonResponse:
    return JsonResponse(
        collection,
        content_type="application/geo+json",
        json_dumps_params={"separators": (",", ":")},
    )
