"""The staff dashboard "Zahlen, Daten, Fakten" in the admin (/admin/zahlen/).

Hooked in through ``figures.urls`` and ``admin.site.admin_view`` rather than a ModelAdmin: the
figures belong to no single model. Only staff who may view the register see it, since it shows
every municipality's status, consultations included. The municipalities themselves are listed on
/admin/zahlen/kommunen/, a page at a time (and as CSV), so the dashboard does not grow with the
register.
"""

import csv
import io
from datetime import date
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from asskomm.stored import stored_fragments
from funding.exports import safe_text

from . import summary
from .exports import german_date, press_text
from .forms import FiguresFilterForm, MunicipalityListForm
from .geo import feature_collection
from .selectors import (
    AREA_FIGURES,
    FIGURES,
    FIGURES_BY_KEY,
    STATUS_COLOURS,
    Area,
    MunicipalityStatus,
    Status,
    figures_by_directorate,
    figures_by_district,
    municipality_statuses,
    series_and_figures,
    status_counts,
    yearly_from_quarterly,
)
from .services import current_attribution
from .views import (
    CHART_FIGURES,
    FUNDING_FIGURE,
    chart_data,
    geojson_response,
    group_table,
    page_url,
    paginate,
    series_table,
    tiles,
)

# The dashboard shows internal steps (consultations) of every municipality: register readers only.
VIEW_PERMISSION = "municipalities.view_municipality"


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def _area_query(day: date, area: Area, **extra: str) -> str:
    """The query string of a cut-off date and area (only what was valid), for links and the map."""
    query = {"as_of": day.isoformat()}
    if area.directorate is not None:
        query["directorate"] = area.directorate.code
    if area.district is not None:
        query["district"] = area.district.key
    return urlencode({**query, **extra})


def _map_url(day: date, area: Area) -> str:
    return f"{reverse('figures:dashboard_geojson')}?{_area_query(day, area)}"


ALL_DISTRICTS = ("kreise", "alle")


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures for a cut-off date and area: tiles, tables, time series and the map."""
    _check(request)
    # Looked up once: the parts kept per build (figures, legend, the selects' options) use it.
    build = summary.current_build()
    form = FiguresFilterForm(request.GET or None, build=build)
    day, area = form.choice()
    all_districts = area.is_whole and request.GET.get(ALL_DISTRICTS[0]) == ALL_DISTRICTS[1]

    def figures_context(stored: bool) -> dict[str, Any]:
        figures = FIGURES if area.is_whole else AREA_FIGURES
        # One evaluation for every quarter's end gives the quarterly and the yearly series and
        # the figures of the day itself (the last column).
        quarterly, values = series_and_figures(day, "quarter", area)
        yearly = yearly_from_quarterly(quarterly)
        chart_figures = [FIGURES_BY_KEY[key] for key in CHART_FIGURES]
        funding = FIGURES_BY_KEY[FUNDING_FIGURE]
        # The table by Kreis: the Kreise of the chosen PD or Kreis; for the whole Land only when
        # asked for (Saxony has 13 Kreise, all of Germany about 400: a page of its own rather
        # than part of an overview).
        districts = None
        if not area.is_whole or all_districts:
            districts = group_table(figures_by_district(day, area), AREA_FIGURES)
        return {
            "day_text": german_date(day),
            "area": area,
            "tiles": tiles(values, figures),
            "press_text": press_text(values, day) if area.is_whole else "",
            "directorates": group_table(figures_by_directorate(day), AREA_FIGURES),
            "districts": districts,
            "all_districts_url": (
                f"?{_area_query(day, area, **dict([ALL_DISTRICTS]))}#by-district-heading"
            ),
            "yearly": series_table(yearly, [*chart_figures, funding]),
            "quarterly": series_table(quarterly, chart_figures),
            "charts": {
                "year": chart_data(yearly, CHART_FIGURES),
                "quarter": chart_data(quarterly, CHART_FIGURES),
                "funding": chart_data(yearly, [FUNDING_FIGURE]),
            },
        }

    counts = status_counts(day, area, build=build)
    list_url = reverse("figures:dashboard_municipalities")
    fragments = stored_fragments(
        "dashboard",
        [_area_query(day, area), str(all_districts)],
        {"totals": "figures/_dashboard_totals.html", "series": "figures/_dashboard_series.html"},
        figures_context,
        build=build,
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Figures, data, facts"),
        "form": form,
        "day": day,
        "day_text": german_date(day),
        "area": area,
        "fragments": fragments,
        "municipalities": sum(counts.values()),
        "list_url": f"{list_url}?{_area_query(day, area)}",
        "by_status": [
            (
                status.label,
                counts[status],
                f"{list_url}?{_area_query(day, area, status=status.value)}",
            )
            for status in reversed(Status)
        ],
        "legend": [
            (STATUS_COLOURS[status], status.label, counts[status]) for status in reversed(Status)
        ],
        "map_url": _map_url(day, area),
        "attribution": current_attribution(build),
    }
    return TemplateResponse(request, "figures/dashboard.html", context)


@require_safe
def dashboard_geojson(request: HttpRequest) -> JsonResponse:
    """The staff map: every municipality with its full status, steps and Kreis."""
    _check(request)
    form = FiguresFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    day, area = form.choice()
    collection = feature_collection(
        municipality_statuses(day, area), attribution=current_attribution(), public=False
    )
    return geojson_response(collection)


def _matching(
    statuses: list[MunicipalityStatus], status: Status | None, search: str
) -> list[MunicipalityStatus]:
    """The municipalities of a status whose name contains ``search`` or whose AGS starts with it."""
    needle = search.casefold()
    return [
        item
        for item in statuses
        if (status is None or item.status == status)
        and (not needle or needle in item.name.casefold() or item.ags.startswith(search))
    ]


Listed = tuple[MunicipalityListForm, date, Area, list[MunicipalityStatus]]


def _listed(request: HttpRequest) -> Listed:
    form = MunicipalityListForm(request.GET or None)
    day, area, status, search = form.list_choice()
    return form, day, area, _matching(municipality_statuses(day, area), status, search)


@require_safe
def municipality_list(request: HttpRequest) -> HttpResponse:
    """Every municipality of the area with its status and steps, a page at a time."""
    _check(request)
    form, day, area, rows = _listed(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Municipalities and their status"),
        "form": form,
        "day_text": german_date(day),
        "area": area,
        "pager": paginate(request.GET, rows),
        "dashboard_url": f"{reverse('figures:dashboard')}?{_area_query(day, area)}",
        "csv_url": reverse("figures:dashboard_municipalities_csv")
        + page_url(request.GET, 1).rstrip("?"),
    }
    return TemplateResponse(request, "figures/municipalities.html", context)


@require_safe
def municipality_list_csv(request: HttpRequest) -> HttpResponse:
    """The list of municipalities as CSV for Excel: every row the filter matches, not one page."""
    _check(request)
    form, day, area, rows = _listed(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("The filter has errors; correct them on the list page."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [safe_text(_("%(area)s as of %(day)s") % {"area": area.name, "day": f"{day:%d.%m.%Y}"})]
    )
    writer.writerow(
        [
            _("AGS"),
            _("municipality"),
            _("Kreis"),
            _("Police directorate"),
            _("Status"),
            _("Steps with ASSKomm"),
        ]
    )
    for item in rows:
        writer.writerow(
            safe_text(value)
            for value in (
                item.ags,
                item.name,
                item.district,
                item.directorate,
                item.status.label,
                ", ".join(item.steps),
            )
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kommunen-{day.isoformat()}.csv"'
    return response
