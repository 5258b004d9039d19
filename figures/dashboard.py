"""The staff dashboard "Zahlen, Daten, Fakten" in the admin (/admin/zahlen/).

Hooked in through ``figures.urls`` and ``admin.site.admin_view`` rather than a ModelAdmin: the
figures belong to no single model. Only staff who may view the register see it, since it shows
every municipality's status, consultations included.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .exports import german_date, press_text
from .forms import FiguresFilterForm
from .geo import feature_collection
from .selectors import (
    AREA_FIGURES,
    FIGURES,
    FIGURES_BY_KEY,
    STATUS_COLOURS,
    Area,
    Status,
    figures_by_directorate,
    figures_by_district,
    municipality_statuses,
    series_and_figures,
    yearly_from_quarterly,
)
from .services import current_attribution
from .views import (
    CHART_FIGURES,
    FUNDING_FIGURE,
    chart_data,
    geojson_response,
    group_table,
    series_table,
    tiles,
)

# The dashboard shows internal steps (consultations) of every municipality: register readers only.
VIEW_PERMISSION = "municipalities.view_municipality"


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def _map_url(day: Any, area: Area) -> str:
    query = {"as_of": day.isoformat()}
    if area.directorate is not None:
        query["directorate"] = area.directorate.code
    if area.district is not None:
        query["district"] = area.district.key
    return f"{reverse('figures:dashboard_geojson')}?{urlencode(query)}"


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures for a cut-off date and area: tiles, tables, time series and the map."""
    _check(request)
    form = FiguresFilterForm(request.GET or None)
    day, area = form.choice()
    figures = FIGURES if area.is_whole else AREA_FIGURES
    # One evaluation for every quarter's end gives the quarterly and the yearly series and the
    # figures of the day itself (the last column).
    quarterly, values = series_and_figures(day, "quarter", area)
    yearly = yearly_from_quarterly(quarterly)
    statuses = municipality_statuses(day, area)
    counts = dict.fromkeys(Status, 0)
    for item in statuses:
        counts[item.status] += 1
    chart_figures = [FIGURES_BY_KEY[key] for key in CHART_FIGURES]
    funding = FIGURES_BY_KEY[FUNDING_FIGURE]
    context = {
        **admin.site.each_context(request),
        "title": _("Figures, data, facts"),
        "form": form,
        "day": day,
        "day_text": german_date(day),
        "area": area,
        "tiles": tiles(values, figures),
        "press_text": press_text(values, day) if area.is_whole else "",
        "directorates": group_table(figures_by_directorate(day), AREA_FIGURES),
        "districts": group_table(figures_by_district(day, area), AREA_FIGURES),
        "yearly": series_table(yearly, [*chart_figures, funding]),
        "quarterly": series_table(quarterly, chart_figures),
        "charts": {
            "year": chart_data(yearly, CHART_FIGURES),
            "quarter": chart_data(quarterly, CHART_FIGURES),
            "funding": chart_data(yearly, [FUNDING_FIGURE]),
        },
        "statuses": statuses,
        "legend": [
            (STATUS_COLOURS[status], status.label, counts[status]) for status in reversed(Status)
        ],
        "map_url": _map_url(day, area),
        "attribution": current_attribution(),
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
