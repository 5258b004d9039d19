"""Importing the BKG boundaries for the maps, and refusing files that are not boundaries."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from figures.geo import feature_collection, svg_map
from figures.models import Boundary, BoundaryImport
from figures.selectors import municipality_statuses
from figures.services import current_attribution

from ..factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
ATTRIBUTION = "© GeoBasis-DE / BKG (2021) (Daten verändert), dl-de/by-2-0, VG5000 Stand 01.01.2021"


def load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_boundaries", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_official_boundaries_of_saxony(saxony, shared_data_dir) -> None:
    output = load(shared_data_dir / "sachsen_gemeinden.geojson")
    assert "418 boundaries imported" in output or "418 Gemeindegrenzen" in output
    assert Boundary.objects.count() == 418
    assert current_attribution() == ATTRIBUTION
    jahnatal = Boundary.objects.get(municipality__ags="14522275")
    assert jahnatal.geometry["type"] == "MultiPolygon"
    chemnitz = Boundary.objects.get(municipality__ags="14511000")
    assert float(chemnitz.centroid_lat) == pytest.approx(50.82665)

    # Again: replaced, not doubled; the import is recorded each time.
    load(shared_data_dir / "sachsen_gemeinden.geojson")
    assert Boundary.objects.count() == 418
    assert BoundaryImport.objects.count() == 2

    from datetime import date

    statuses = municipality_statuses(date(2024, 1, 1))
    public = feature_collection(statuses, attribution=current_attribution(), public=True)
    assert len(public["features"]) == 418
    assert public["attribution"] == ATTRIBUTION
    svg = svg_map(statuses, title="Karte")
    assert svg.count("<path") == 418
    assert "Görlitz" in svg


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not json", "kein GeoJSON"),
        (b'{"type": "Feature"}', "keine GeoJSON-FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "enthält keine Features"),
        (
            b'{"type": "FeatureCollection", "features": [{"properties": {"name": "X"}, '
            b'"geometry": {"type": "Polygon", "coordinates": [[[13, 51]]]}}]}',
            "8-stelligen Gemeindeschlüssel",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"properties": {"ags": "14511000"}, '
            b'"geometry": {"type": "Point", "coordinates": [13, 51]}}]}',
            "kein Polygon",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"properties": {"ags": "14511000"}, '
            b'"geometry": {"type": "Polygon", "coordinates": [[[4000000, 5600000]]]}}]}',
            "ungültige Koordinaten",
        ),
    ],
)
def test_bad_files_are_refused_in_german_and_change_nothing(
    saxony, tmp_path, content: bytes, message: str
) -> None:
    path = tmp_path / "grenzen.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        load(path)
    assert not BoundaryImport.objects.exists()
    assert not Boundary.objects.exists()


def test_an_attribution_is_required(saxony, tmp_path) -> None:
    path = tmp_path / "grenzen.geojson"
    feature = {
        "type": "Feature",
        "properties": {"ags": "14511000"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[12.9, 50.8], [13.0, 50.8], [12.9, 50.9], [12.9, 50.8]]],
        },
    }
    unknown = {**feature, "properties": {"ags": "09162000"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature, unknown]}))
    with pytest.raises(CommandError, match="Quellenvermerk"):
        load(path)
    output = load(path, "--attribution", "© Test")
    assert "09162000" in output
    assert Boundary.objects.get().municipality.ags == "14511000"
    assert current_attribution() == "© Test"
    with pytest.raises(CommandError, match="nicht gefunden"):
        load(tmp_path / "fehlt.geojson")


def test_the_attribution_is_that_of_the_newest_import_still_drawn() -> None:
    """The map credits the import its boundaries come from: an import that drew none (or whose
    boundaries were all replaced) is skipped; without any boundary there is no credit line."""
    assert current_attribution() == ""
    town = MunicipalityFactory()

    def an_import(attribution: str) -> BoundaryImport:
        return BoundaryImport.objects.create(
            source="x.geojson", sha256="0" * 64, attribution=attribution, features=1, matched=1
        )

    older = an_import("© älter")
    outline = {"type": "Polygon", "coordinates": [[[13, 51], [13.1, 51], [13, 51.1], [13, 51]]]}
    Boundary.objects.create(
        municipality=town, source=older, geometry=outline, centroid_lat=51, centroid_lon=13
    )
    an_import("© neuer, ohne Grenzen")
    assert current_attribution() == "© älter"
    newest = an_import("© neuester")
    Boundary.objects.filter(municipality=town).update(source=newest)
    assert current_attribution() == "© neuester"


def test_the_attribution_kept_per_build_follows_a_new_import(client: Any) -> None:
    """Pages that know the build keep the credit line for it: a new import is a change to noted
    tables, so the page reads it at once, and the next build has it."""
    from figures import summary

    town = MunicipalityFactory()
    outline = {"type": "Polygon", "coordinates": [[[13, 51], [13.1, 51], [13, 51.1], [13, 51]]]}
    first = BoundaryImport.objects.create(
        source="a.geojson", sha256="0" * 64, attribution="© erste", features=1, matched=1
    )
    Boundary.objects.create(
        municipality=town, source=first, geometry=outline, centroid_lat=51, centroid_lon=13
    )
    summary.rebuild()
    build = summary.current_build()
    assert build is not None
    assert current_attribution(build) == "© erste"
    assert "© erste" in client.get("/zahlen/").content.decode()

    second = BoundaryImport.objects.create(
        source="b.geojson", sha256="1" * 64, attribution="© zweite", features=1, matched=1
    )
    Boundary.objects.filter(municipality=town).update(source=second)

    assert summary.current_build() is None  # the import is noted
    assert "© zweite" in client.get("/zahlen/").content.decode()
    summary.rebuild()
    assert current_attribution(summary.current_build()) == "© zweite"
    assert "© zweite" in client.get("/zahlen/").content.decode()
