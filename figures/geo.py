"""The map of Saxony: municipalities coloured by their ASSKomm status, as GeoJSON or as SVG."""

import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import escape

from .models import Boundary
from .selectors import STATUS_COLOURS, MunicipalityStatus, Status

# Statuses the public may see; "advised" (an internal consultation) is shown as not taking part.
PUBLIC_STATUSES = (Status.MODEL, Status.AGREEMENT, Status.COOPERATING)


def boundaries(pks: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """{municipality pk: GeoJSON geometry} (one query)."""
    queryset = Boundary.objects.all()
    if pks is not None:
        queryset = queryset.filter(municipality_id__in=list(pks))
    return dict(queryset.values_list("municipality_id", "geometry"))


def public_status(status: Status) -> Status:
    return status if status in PUBLIC_STATUSES else Status.NONE


def feature_collection(
    statuses: Sequence[MunicipalityStatus], *, attribution: str, public: bool
) -> dict[str, Any]:
    """GeoJSON for Leaflet; the public version carries nothing but name, key and public status."""
    shapes = boundaries(s.pk for s in statuses)
    features = []
    for item in statuses:
        geometry = shapes.get(item.pk)
        if geometry is None:
            continue
        status = public_status(item.status) if public else item.status
        properties: dict[str, Any] = {
            "ags": item.ags,
            "name": item.name,
            "status": status.value,
            "status_label": status.label,
            "colour": STATUS_COLOURS[status],
        }
        if not public or status != Status.NONE:
            properties["steps"] = item.steps if (not public or item.cooperating) else []
        if not public:
            properties["district"] = item.district
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "attribution": attribution, "features": features}


def legend(*, public: bool) -> list[tuple[str, str]]:
    shown = (*PUBLIC_STATUSES, Status.NONE) if public else tuple(reversed(Status))
    labels = {Status.NONE: "nicht beteiligt"} if public else {}
    return [(STATUS_COLOURS[s], labels.get(s, s.label)) for s in shown]


# SVG (for the PDF) ------------------------------------------------------------------------------


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def svg_map(
    statuses: Sequence[MunicipalityStatus], *, title: str, width: int = 640, public: bool = False
) -> str:
    """An SVG map: each municipality's outline filled with its status colour, with a legend.

    Equirectangular projection scaled by the cosine of the mean latitude, which keeps Saxony's
    shape at this scale. Returns a short note instead when no boundaries are imported.
    """
    shapes = boundaries(s.pk for s in statuses)
    drawn = [(item, shapes[item.pk]) for item in statuses if item.pk in shapes]
    if not drawn:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="40" '
            f'viewBox="0 0 {width} 40"><title>{escape(title)}</title>'
            '<text x="0" y="24" font-size="11">Keine Gemeindegrenzen importiert '
            "(manage.py import_boundaries).</text></svg>"
        )
    lons = [p[0] for _i, g in drawn for ring in _rings(g) for p in ring]
    lats = [p[1] for _i, g in drawn for ring in _rings(g) for p in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    factor = math.cos(math.radians((south + north) / 2))
    map_width = width
    scale = map_width / ((east - west) * factor)
    map_height = (north - south) * scale
    shown = (*PUBLIC_STATUSES, Status.NONE) if public else tuple(reversed(Status))
    labels = {Status.NONE: "nicht beteiligt"} if public else {}
    legend_height = 22 * len(shown)
    height = math.ceil(map_height + legend_height + 12)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="Source Sans 3, '
        f'DejaVu Sans, sans-serif"><title>{escape(title)}</title>'
    ]
    for item, geometry in drawn:
        status = public_status(item.status) if public else item.status
        path = []
        for ring in _rings(geometry):
            points = [
                f"{(lon - west) * factor * scale:.1f},{(north - lat) * scale:.1f}"
                for lon, lat, *_rest in ring
            ]
            path.append("M" + " L".join(points) + " Z")
        parts.append(
            f'<path d="{" ".join(path)}" fill="{STATUS_COLOURS[status]}" '
            f'stroke="#ffffff" stroke-width="0.4"><title>{escape(item.name)}: '
            f"{escape(labels.get(status, status.label))}</title></path>"
        )
    y = map_height + 14
    counts = dict.fromkeys(Status, 0)
    for item in statuses:
        counts[public_status(item.status) if public else item.status] += 1
    for status in shown:
        parts.append(
            f'<rect x="0" y="{y:.0f}" width="14" height="14" fill="{STATUS_COLOURS[status]}" '
            'stroke="#6b7280" stroke-width="0.5"/>'
            f'<text x="20" y="{y + 11:.0f}" font-size="11">'
            f"{escape(labels.get(status, status.label))} "
            f"({counts[status]})</text>"
        )
        y += 22
    parts.append("</svg>")
    return "".join(parts)
