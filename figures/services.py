"""Writing services of the figures app: boundary import and yearly reports."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asskomm.memo import Kept
from asskomm.verification import VerifiedDocument
from municipalities.models import Municipality

from .models import Boundary, BoundaryImport, YearlyReport

MAX_BOUNDARY_FILE = 50 * 1024 * 1024


class BoundaryFileError(ValueError):
    """A boundary file that cannot be imported; the message is German and says why."""


@dataclass
class BoundaryResult:
    source: BoundaryImport
    matched: int
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _positions(coordinates: Any, depth: int) -> list[tuple[float, float]]:
    """All positions of a Polygon (depth 2) or MultiPolygon (depth 3), checked."""
    if depth == 0:
        if (
            not isinstance(coordinates, list)
            or len(coordinates) < 2
            or not all(isinstance(value, int | float) for value in coordinates[:2])
        ):
            raise ValueError
        lon, lat = float(coordinates[0]), float(coordinates[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError
        return [(lon, lat)]
    if not isinstance(coordinates, list) or not coordinates:
        raise ValueError
    result: list[tuple[float, float]] = []
    for part in coordinates:
        result.extend(_positions(part, depth - 1))
    return result


def _centroid(positions: list[tuple[float, float]]) -> tuple[Decimal, Decimal]:
    lon = sum(p[0] for p in positions) / len(positions)
    lat = sum(p[1] for p in positions) / len(positions)
    return Decimal(f"{lat:.5f}"), Decimal(f"{lon:.5f}")


def parse_boundaries(data: bytes) -> tuple[str, dict[str, dict[str, Any]]]:
    """Attribution and {AGS: feature} of a GeoJSON FeatureCollection, or BoundaryFileError."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryFileError(
            _("The file is not GeoJSON (UTF-8 JSON): %(error)s") % {"error": error}
        ) from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(_("The file is not a GeoJSON FeatureCollection."))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(_("The file holds no features."))
    result: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        ags = str(properties.get("ags") or properties.get("AGS") or "").strip()
        if not (len(ags) == 8 and ags.isdigit()):
            raise BoundaryFileError(
                _("Feature %(number)s has no 8-digit municipality key (property “ags”).")
                % {"number": number}
            )
        if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise BoundaryFileError(
                _("Feature %(number)s (%(ags)s) is not a polygon.") % {"number": number, "ags": ags}
            )
        depth = 2 if geometry["type"] == "Polygon" else 3
        try:
            positions = _positions(geometry.get("coordinates"), depth)
        except (ValueError, TypeError, OverflowError) as error:
            raise BoundaryFileError(
                _("Feature %(number)s (%(ags)s) has invalid coordinates (lon/lat expected).")
                % {"number": number, "ags": ags}
            ) from error
        if ags in result:
            raise BoundaryFileError(_("Municipality key %(ags)s occurs twice.") % {"ags": ags})
        try:
            lat = Decimal(str(properties["centroid_lat"])).quantize(Decimal("0.00001"))
            lon = Decimal(str(properties["centroid_lon"])).quantize(Decimal("0.00001"))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also false for NaN
                raise InvalidOperation
        except (KeyError, TypeError, InvalidOperation):
            lat, lon = _centroid(positions)
        result[ags] = {
            "geometry": {"type": geometry["type"], "coordinates": geometry["coordinates"]},
            "centroid_lat": lat,
            "centroid_lon": lon,
        }
    # JSON may carry "\u0000", which no text column of PostgreSQL can hold.
    attribution = str(collection.get("attribution") or "").replace("\x00", "").strip()
    return attribution, result


@transaction.atomic
def boundaries_import(
    path: Path, *, attribution: str = "", land: str | None = None
) -> BoundaryResult:
    """Replace the boundaries of the municipalities in the file; all or nothing.

    Features whose key is not in the register are reported, not imported; municipalities without a
    feature keep no boundary (they are drawn in a list, not on the map).
    """
    if path.stat().st_size > MAX_BOUNDARY_FILE:
        raise BoundaryFileError(_("The file is larger than 50 MB."))
    data = path.read_bytes()
    file_attribution, features = parse_boundaries(data)
    attribution = attribution.strip() or file_attribution
    if not attribution:
        raise BoundaryFileError(
            _(
                "The file names no attribution (member “attribution”); give it with "
                "--attribution, e.g. “© GeoBasis-DE / BKG (2021) (Daten verändert)”."
            )
        )
    if land:
        features = {ags: value for ags, value in features.items() if ags.startswith(land)}
    municipalities = {
        m.ags: m for m in Municipality.objects.filter(ags__in=list(features)).only("pk", "ags")
    }
    source = BoundaryImport.objects.create(
        source=path.name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        attribution=attribution[:300],
        features=len(features),
        matched=len(municipalities),
    )
    Boundary.objects.filter(municipality__in=municipalities.values()).delete()
    Boundary.objects.bulk_create(
        Boundary(
            municipality=municipality,
            source=source,
            geometry=features[ags]["geometry"],
            centroid_lat=features[ags]["centroid_lat"],
            centroid_lon=features[ags]["centroid_lon"],
        )
        for ags, municipality in municipalities.items()
    )
    current = Municipality.objects.filter(dissolved_on__isnull=True)
    if land:
        current = current.filter(ags__startswith=land)
    missing = sorted(current.filter(boundary__isnull=True).values_list("ags", flat=True))
    return BoundaryResult(
        source=source,
        matched=len(municipalities),
        unknown=sorted(set(features) - set(municipalities)),
        missing=missing,
    )


# The credit line per build of the stored figures (the boundaries' changes are noted: a new
# import means a new build), for pages that know the build: no query while it is current.
_ATTRIBUTIONS: Kept[str] = Kept(16)


def current_attribution(build: str | None = None) -> str:
    """The attribution of the newest import that still draws a boundary (the map's credit line).

    An EXISTS per import, newest first, rather than a join with every boundary. ``build``: the
    current build's token, if the caller has it; the answer is then kept for that build."""

    def newest() -> str:
        drawn = Boundary.objects.filter(source=OuterRef("pk"))
        imports = BoundaryImport.objects.filter(Exists(drawn))
        return imports.values_list("attribution", flat=True).first() or ""

    return newest() if build is None else _ATTRIBUTIONS.get(build, newest)


# Yearly reports ---------------------------------------------------------------------------------


def _verified(report: YearlyReport, matched_file: str = "") -> VerifiedDocument:
    return VerifiedDocument(
        kind=str(_("Yearly report of ASSKomm")),
        label=str(report),
        parties=["Landespräventionsrat Sachsen"],
        status=str(report.get_status_display()),
        details=[(str(_("Figures as of")), date_format(report.as_of, "DATE_FORMAT"))],
        matched_file=matched_file,
    )


def verify_yearly_report(fingerprint: str) -> VerifiedDocument | None:
    """The report whose printed fingerprint (or its first digits) or whose file hash this is."""
    fingerprint = fingerprint.lower()
    printed = (
        YearlyReport.objects.filter(
            status=YearlyReport.Status.DONE, figures_sha256__startswith=fingerprint
        )
        .order_by("-created_at")
        .first()
    )
    if printed is not None:
        return _verified(printed)
    for field_name, label in (
        ("pdf_sha256", _("report (PDF)")),
        ("csv_sha256", _("figures (CSV)")),
        ("xlsx_sha256", _("figures (XLSX)")),
    ):
        report = YearlyReport.objects.filter(**{field_name: fingerprint}).first()
        if report is not None:
            return _verified(report, str(label))
    return None


def report_as_of(year: int, today: date) -> date:
    """A past year's report counts to 31 December; the current year's to today."""
    return min(date(year, 12, 31), today)
