"""Property-based tests (Hypothesis): for any input, a clear error or a correct result.

The import parsers (register, crime statistics, population, survey, boundaries), the upload check
and the coordinators' main forms are fed generated input, valid, nearly valid and garbage. Each
either gives a result that fits the database, or a German error; never another exception, never
a 500, and when an import or a form is refused nothing has been written.

Within one test all examples share the test's database transaction (pytest-django's ``db`` is
function scoped), so every example compares the row counts before and after itself.
"""

import csv
import io
import json
import os
import string
import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from analyses.imports import (
    CRIME_COLUMNS,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_NUMBER,
    POPULATION_COLUMNS,
    SURVEY_COLUMNS,
    CrimeRow,
    ImportErrors,
    parse_crime_statistics,
    parse_population,
    parse_survey,
)
from analyses.models import (
    AreaPopulation,
    CrimeFigure,
    DataImport,
    SecurityAnalysis,
    SurveyResponse,
)
from analyses.survey_items import AGE_GROUPS, ITEMS, OFFENCE_GROUPS
from asskomm.uploads import validate_pdf_upload
from figures.models import Boundary, BoundaryImport
from figures.services import BoundaryFileError, boundaries_import, parse_boundaries
from funding.forms import EuroField
from funding.models import CostLine, FundingApplication
from municipalities.models import (
    AdministrativeAssociation,
    Contact,
    District,
    Municipality,
    RegisterImport,
)
from municipalities.register_files import RegisterFileError, parse_register
from municipalities.services import register_import

from .factories import DistrictFactory, MunicipalityFactory
from .funding.conftest import (  # noqa: F401 - fixtures
    approved,
    committed,
    consultation,
    coordinator,
    funding_year,
    in_review,
    make_application,
    town,
)

pytestmark = pytest.mark.django_db

FEW = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SOME = settings(FEW, max_examples=60)
VIEWS = settings(FEW, max_examples=20)  # each example renders a page

GERMAN = (
    *("ä", "ö", "ü", "ß", "Die ", "Der ", "Das ", "Zeile", "Datei", "Spalte", "nicht", "ist"),
    *("Bitte", "ein", "Zahl", "Wert", "Feld", "gültig", "Sie ", "höchstens", "mindestens"),
)


def german(messages: list[str]) -> None:
    """A refusal says what is wrong, in German."""
    assert messages
    text = " ".join(messages)
    assert all(isinstance(message, str) and message.strip() for message in messages)
    assert any(word in text for word in GERMAN), text


def counts(*model_classes: type[models.Model]) -> dict[str, int]:
    """Rows of each model and of its history (a refused import writes neither)."""
    result = {}
    for model in model_classes:
        result[model.__name__] = model._default_manager.count()
        history = getattr(model, "history", None)
        if history is not None:
            result[f"{model.__name__}.history"] = history.count()
    return result


def fits(instance_values: dict[str, Any], model: type[models.Model]) -> None:
    """Every text value fits its column: PostgreSQL would refuse it otherwise."""
    for name, value in instance_values.items():
        field = model._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if isinstance(value, str):
            assert "\x00" not in value, (model.__name__, name)  # PostgreSQL refuses NUL
            if limit:
                assert len(value) <= limit, (model.__name__, name, len(value))


# Building blocks of generated files ----------------------------------------------------------

# Text as people and programs produce it: umlauts, quotes, separators, control characters, huge
# numbers, other scripts, and the odd surrogate-free astral character.
cell_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + ".,-+ e", max_size=25),
    st.sampled_from(["", " ", '"', '""', ";", "\t", ",", "\r", "\n", "NaN", "-1", "0", "1e9"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("9" * 5000),  # beyond Python's int() digit limit
    st.text(alphabet="äöüßÄÖÜ–—²³٣𝟘\u00a0\u202e\x00\x0b", max_size=10),
)


def csv_bytes(rows: list[list[str]], delimiter: str, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


@st.composite
def csv_file(
    draw: st.DrawFn, columns: tuple[str, ...], valid: dict[str, st.SearchStrategy]
) -> bytes:
    """A CSV file for ``columns``: mostly the right header, cells valid or not, any separator."""
    header = list(columns)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.lists(st.sampled_from([*columns, "fälle", "", "extra"]), max_size=6))
    cell = {name: st.one_of(valid.get(name, cell_text), cell_text) for name in columns}
    row = st.tuples(*(cell.get(name, cell_text) for name in header)).map(list)
    rows = draw(st.lists(row, max_size=6))
    if rows and draw(st.integers(0, 9)) == 0:
        rows[draw(st.integers(0, len(rows) - 1))].append(draw(cell_text))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    data = csv_bytes([header, *rows], delimiter, draw(st.booleans()))
    if draw(st.integers(0, 19)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


KNOWN = {"14", "14612", "14612000", "14627", "14627010"}
AREA = st.sampled_from(sorted(KNOWN | {"14999", "1461200", "146120000", "99"}))
YEAR = st.integers(FIRST_YEAR - 2, LAST_YEAR + 2).map(str)
OFFENCE = st.sampled_from([*(slug for slug, _key, _label in OFFENCE_GROUPS), "Diebstahl", "PMK"])
COUNT = st.one_of(
    st.integers(-2, 3_000_000_000).map(str),
    st.integers(0, 999_999).map(lambda n: f"{n:,}".replace(",", ".")),
)
AGE = st.sampled_from([*AGE_GROUPS, "", "16-24", "75 +", "99–100"])
ANSWER = st.sampled_from(["", "1", "2", "3", "4", "5", "6", "0"])


# The crime statistics, population and survey files --------------------------------------------


def assert_refused_or_valid(parse: Callable[[bytes], list[Any]], data: bytes) -> list[Any] | None:
    try:
        return parse(data)
    except ImportErrors as error:
        german(error.messages)
        return None


@SOME
@given(
    st.one_of(
        st.binary(max_size=400),
        csv_file(
            CRIME_COLUMNS,
            {
                "schluessel": AREA,
                "jahr": YEAR,
                "straftatengruppe": OFFENCE,
                "faelle": COUNT,
            },
        ),
    )
)
@example(b"schluessel;jahr;straftatengruppe;faelle\n14;2023;insgesamt;" + b"9" * 5000 + b"\n")
@example(b"schluessel;jahr;straftatengruppe;faelle\n14;" + b"2" * 5000 + b";insgesamt;1\n")
@example(b"schluessel;jahr;straftatengruppe;faelle\n14;2023;insgesamt;\xc2\xb2\n")
def test_crime_statistics_parser(data: bytes) -> None:
    rows = assert_refused_or_valid(lambda d: parse_crime_statistics(d, known_areas=KNOWN), data)
    slugs = {slug for slug, _key, _label in OFFENCE_GROUPS}
    for row in rows or []:
        assert row.area_key in KNOWN
        assert FIRST_YEAR <= row.year <= LAST_YEAR
        assert row.offence_group in slugs
        assert 0 <= row.cases <= MAX_NUMBER
    if rows is not None:
        assert len({(r.area_key, r.year, r.offence_group) for r in rows}) == len(rows)


@FEW
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(KNOWN)),
            st.integers(FIRST_YEAR, LAST_YEAR),
            st.sampled_from(OFFENCE_GROUPS),
            st.integers(0, MAX_NUMBER),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda r: (r[0], r[1], r[2][0]),
    ),
    st.sampled_from([";", ",", "\t"]),
)
def test_a_valid_crime_statistics_file_is_read_exactly(rows: list[Any], delimiter: str) -> None:
    """The correct result: every written row comes back, whatever way it was written."""
    lines = [["Schlüssel", "Jahr", "Straftatengruppe", "Fälle"]]
    for key, year, (slug, pks, _label), cases, by_key in rows:
        thousands = f"{cases:,}".replace(",", ".") if cases % 2 else str(cases)
        lines.append([key, str(year), pks if by_key else slug.upper(), thousands])

    parsed = parse_crime_statistics(csv_bytes(lines, delimiter, False), known_areas=KNOWN)

    assert parsed == [
        CrimeRow(area_key=key, year=year, offence_group=slug, cases=cases)
        for key, year, (slug, _pks, _label), cases, _by_key in rows
    ]


@SOME
@given(
    st.one_of(
        st.binary(max_size=300),
        csv_file(
            POPULATION_COLUMNS,
            {
                "schluessel": AREA,
                "jahr": YEAR,
                "einwohner": COUNT,
            },
        ),
    )
)
@example(b"schluessel;jahr;einwohner\n14;2023;" + b"1" * 4400 + b"\n")
def test_population_parser(data: bytes) -> None:
    rows = assert_refused_or_valid(lambda d: parse_population(d, known_areas=KNOWN), data)
    for row in rows or []:
        assert row.area_key in KNOWN
        assert FIRST_YEAR <= row.year <= LAST_YEAR
        assert 1 <= row.population <= MAX_NUMBER


SURVEY_VALID = {
    "fragebogen": st.text(
        alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=22
    ),
    "altersgruppe": AGE,
    "ortsteil": st.text(max_size=90),
    **{item.code: ANSWER for item in ITEMS},
}


@SOME
@given(st.one_of(st.binary(max_size=300), csv_file(SURVEY_COLUMNS, SURVEY_VALID)))
def test_survey_parser(data: bytes) -> None:
    rows = assert_refused_or_valid(parse_survey, data)
    scales = {item.code: len(item.scale) for item in ITEMS}
    for row in rows or []:
        fits(
            {
                "questionnaire": row.questionnaire,
                "age_group": row.age_group,
                "town_district": row.town_district,
            },
            SurveyResponse,
        )
        assert row.age_group in ("", *AGE_GROUPS)
        assert all(1 <= code <= scales[item] for item, code in row.answers.items())


# The import services: all or nothing ----------------------------------------------------------


@pytest.fixture
def areas(db: None) -> None:
    kreis = DistrictFactory(key="14612", name="Dresden")
    MunicipalityFactory(ags="14612000", name="Dresden", district=kreis)
    other = DistrictFactory(key="14627", name="Meißen")
    MunicipalityFactory(ags="14627010", name="Coswig", district=other)


# Names an upload can arrive with: Django keeps the last part of a path, and refuses to make an
# upload of a name without one (SimpleUploadedFile("0/") raises before the import sees it).
upload_name = st.one_of(
    st.just("pks.csv"),
    st.text(min_size=1, max_size=260).filter(
        lambda n: (
            n.strip(" ./\\") and "\x00" not in n and os.path.basename(n) not in {"", ".", ".."}
        )
    ),
)


@SOME
@given(
    data=csv_file(
        CRIME_COLUMNS,
        {
            "schluessel": AREA,
            "jahr": YEAR,
            "straftatengruppe": OFFENCE,
            "faelle": COUNT,
        },
    ),
    name=upload_name,
    source=st.sampled_from(["", "PKS Sachsen 2023"]),
)
@example(
    data=b"schluessel;jahr;straftatengruppe;faelle\n14;2023;insgesamt;5\n",
    name="x" * 255,
    source="",
)
def test_crime_statistics_import_writes_all_or_nothing(
    areas: None, officer: Any, data: bytes, name: str, source: str
) -> None:
    from analyses.services import crime_statistics_import

    before = counts(CrimeFigure, DataImport)
    try:
        summary = crime_statistics_import(
            upload=SimpleUploadedFile(name, data), user=officer, source=source
        )
    except ValidationError as error:
        german(error.messages)
        assert counts(CrimeFigure, DataImport) == before
        return
    after = counts(CrimeFigure, DataImport)
    assert after["CrimeFigure"] == before["CrimeFigure"] + summary.created
    assert after["DataImport"] == before["DataImport"] + 1
    for figure in CrimeFigure.objects.all():
        fits(model_to_dict(figure), CrimeFigure)
    for record in DataImport.objects.all():
        fits(model_to_dict(record), DataImport)


@FEW
@given(
    data=csv_file(POPULATION_COLUMNS, {"schluessel": AREA, "jahr": YEAR, "einwohner": COUNT}),
    name=upload_name,
)
def test_population_import_writes_all_or_nothing(
    areas: None, officer: Any, data: bytes, name: str
) -> None:
    from analyses.services import population_import

    before = counts(AreaPopulation, DataImport)
    try:
        summary = population_import(upload=SimpleUploadedFile(name, data), user=officer)
    except ValidationError as error:
        german(error.messages)
        assert counts(AreaPopulation, DataImport) == before
        return
    assert counts(AreaPopulation, DataImport)["AreaPopulation"] == (
        before["AreaPopulation"] + summary.created
    )
    for figure in AreaPopulation.objects.all():
        fits(model_to_dict(figure), AreaPopulation)


@FEW
@given(data=csv_file(SURVEY_COLUMNS, SURVEY_VALID), name=upload_name)
def test_survey_import_writes_all_or_nothing(
    areas: None, officer: Any, data: bytes, name: str
) -> None:
    from analyses.services import analysis_create, survey_import

    analysis = SecurityAnalysis.objects.first() or analysis_create(
        title="Sicherheitsanalyse Dresden",
        year=2024,
        municipalities=[Municipality.objects.get(ags="14612000")],
        user=officer,
        sample_size=12,
    )
    before = counts(SurveyResponse, DataImport)
    try:
        summary = survey_import(
            analysis=analysis, upload=SimpleUploadedFile(name, data), user=officer
        )
    except ValidationError as error:
        german(error.messages)
        assert counts(SurveyResponse, DataImport) == before
        return
    assert counts(SurveyResponse, DataImport)["SurveyResponse"] == (
        before["SurveyResponse"] + summary.created
    )
    assert analysis.responses.count() <= 12


# The municipality register -------------------------------------------------------------------


@pytest.fixture(scope="module")
def register_csv(shared_data_dir: Path) -> list[list[str]]:
    """The header and the first rows (one Kreis) of the flattened official register."""
    rows = list(csv.reader(io.StringIO((shared_data_dir / "sachsen_gemeinden.csv").read_text())))
    return rows[:6]


@pytest.fixture(scope="module")
def register_gv100ad(gv100ad_bytes: bytes) -> list[str]:
    """The first records of the official GV100AD file: Land, Bezirk, Kreis, municipalities."""
    return gv100ad_bytes.decode("utf-8").split("\n")[:12]


@SOME
@given(
    mutations=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 18), cell_text), min_size=1, max_size=3
    ),
    drop=st.integers(0, 20),
)
@example(mutations=[(1, 3, "²")], drop=0)  # a digit to str.isdigit(), not to int()
@example(mutations=[(1, 12, "Stadt " * 50)], drop=0)  # longer than the column
@example(mutations=[(2, 0, "1452100²")], drop=0)
def test_register_csv_refused_or_imported_whole(
    db: None, register_csv: list[list[str]], mutations: list[Any], drop: int
) -> None:
    rows = [list(row) for row in register_csv]
    for row, column, value in mutations:
        if column < len(rows[row]):
            rows[row][column] = value
    if drop < len(rows) and drop > 0 and drop % 5 == 0:
        del rows[drop]
    data = csv_bytes(rows, ",", False)
    register_parsed_and_imported(data)


@SOME
@given(
    mutations=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 225), cell_text), min_size=1, max_size=3
    )
)
def test_register_gv100ad_refused_or_imported_whole(
    db: None, register_gv100ad: list[str], mutations: list[Any]
) -> None:
    lines = list(register_gv100ad)
    for number, position, text in mutations:
        line = lines[number]
        lines[number] = line[:position] + text + line[position + len(text) :]
    register_parsed_and_imported("\n".join(lines).encode("utf-8"))


@SOME
@given(st.binary(max_size=500))
@example(b"ags,x\n")
@example(b"60" + b"2" * 8 + b"\xff")
def test_register_parser_on_any_bytes(data: bytes) -> None:
    try:
        parse_register(data, land="14")
    except RegisterFileError as error:
        german([str(error)])


def register_parsed_and_imported(data: bytes) -> None:
    tables = (District, AdministrativeAssociation, Municipality, RegisterImport)
    before = counts(*tables)
    try:
        edition = parse_register(data, land="14")
    except RegisterFileError as error:
        german([str(error)])
        assert counts(*tables) == before
        return
    for record, model in (
        *((r, District) for r in edition.districts.values()),
        *((r, AdministrativeAssociation) for r in edition.associations.values()),
        *((r, Municipality) for r in edition.municipalities.values()),
    ):
        values = {k: v for k, v in vars(record).items() if hasattr(model, k) and k != "kind"}
        fits(values, model)
    for ags in edition.municipalities:
        assert len(ags) == 8
        assert ags.isascii()
        assert ags.isdigit()
    try:
        summary = register_import(edition=edition, file_name="register.csv", allow_older=True)
    except ValidationError as error:
        german(error.messages)
        assert counts(*tables) == before
        return
    assert summary.register_import is not None


# Boundaries (GeoJSON) ------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=10),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
coordinate = st.one_of(
    st.floats(-200, 200),
    st.integers(-(10**400), 10**400),
    st.sampled_from([12.5, 51.0, float("nan"), float("inf"), True, "13", None]),
)
position = st.lists(coordinate, min_size=0, max_size=3)
ring = st.lists(position, min_size=0, max_size=5)


@st.composite
def geojson(draw: st.DrawFn) -> bytes:
    def feature() -> Any:
        kind = draw(st.sampled_from(["Polygon", "MultiPolygon", "Point"]))
        coordinates: Any = draw(st.lists(ring, max_size=2))
        if kind == "MultiPolygon":
            coordinates = [coordinates]
        properties: dict[str, Any] = {
            "ags": draw(
                st.sampled_from(
                    [
                        "14612000",
                        "14627010",
                        "14999999",
                        "1461200",
                        14612000,
                        "１４６１２０００",
                        "",
                    ]
                )
            )
        }
        if draw(st.booleans()):
            properties["centroid_lat"] = draw(st.one_of(coordinate, st.text(max_size=8)))
            properties["centroid_lon"] = draw(st.one_of(coordinate, st.text(max_size=8)))
        return {
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": kind, "coordinates": coordinates},
        }

    collection: Any = {
        "type": "FeatureCollection",
        "attribution": draw(st.sampled_from(["© GeoBasis-DE / BKG", "", None, 7, "BKG\x00"])),
        "features": [feature() for _ in range(draw(st.integers(0, 3)))],
    }
    if draw(st.integers(0, 9)) == 0:
        collection = draw(json_values)
    return json.dumps(collection, allow_nan=True).encode()


@SOME
@given(st.one_of(geojson(), st.binary(max_size=200)))
@example(
    b'{"type":"FeatureCollection","features":[{"properties":{"ags":"14612000"},'
    b'"geometry":{"type":"Polygon","coordinates":[[[1' + b"0" * 400 + b",51]]]}}]}"
)
@example(
    b'{"type":"FeatureCollection","features":[{"properties":{"ags":"14612000",'
    b'"centroid_lat":"NaN","centroid_lon":1e300},'
    b'"geometry":{"type":"Polygon","coordinates":[[[13,51],[13.1,51],[13,51.1]]]}}]}'
)
def test_boundary_parser(data: bytes) -> None:
    try:
        _attribution, features = parse_boundaries(data)
    except BoundaryFileError as error:
        german([str(error)])
        return
    for ags, feature in features.items():
        assert len(ags) == 8
        assert ags.isascii()
        assert ags.isdigit()
        assert -90 <= feature["centroid_lat"] <= 90
        assert -180 <= feature["centroid_lon"] <= 180
        assert feature["centroid_lat"].as_tuple().exponent >= -5
        assert abs(feature["centroid_lat"]) < 1000
        assert abs(feature["centroid_lon"]) < 1000


@FEW
@given(geojson())
def test_boundary_import_writes_all_or_nothing(areas: None, data: bytes) -> None:
    before = counts(Boundary, BoundaryImport)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grenzen.geojson"
        path.write_bytes(data)
        try:
            result = boundaries_import(path, attribution="", land="14")
        except BoundaryFileError as error:
            german([str(error)])
            assert counts(Boundary, BoundaryImport) == before
            return
    assert result.source.pk is not None
    fits(model_to_dict(result.source), BoundaryImport)
    for boundary in Boundary.objects.all():
        assert -90 <= boundary.centroid_lat <= 90
        assert -180 <= boundary.centroid_lon <= 180


# Uploaded PDFs -------------------------------------------------------------------------------


def _clean_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


CLEAN_PDF = _clean_pdf()


@st.composite
def damaged_pdf(draw: st.DrawFn) -> bytes:
    data = bytearray(CLEAN_PDF)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position : position + 1] = draw(st.binary(min_size=0, max_size=4))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@SOME
@given(
    st.one_of(
        st.binary(max_size=600),
        damaged_pdf(),
        st.binary(max_size=300).map(lambda b: b"%PDF-1.7\n" + b),
    )
)
def test_pdf_upload_check(data: bytes) -> None:
    try:
        accepted = validate_pdf_upload(SimpleUploadedFile("scan.pdf", data))
    except ValidationError as error:
        german(error.messages)
        return
    assert accepted == data
    assert data.lstrip().startswith(b"%PDF-")


# Forms ---------------------------------------------------------------------------------------


@SOME
@given(st.one_of(cell_text, st.text(alphabet="0123456789.,€ -eE+", max_size=40)))
@example("1e999999999999999999999")
@example("9" * 5000)
@example("-0,00")
def test_euro_field_parses_or_says_why(text: str) -> None:
    field = EuroField(min_value=Decimal("0"), required=False)
    try:
        value = field.clean(text)
    except ValidationError as error:
        german(error.messages)
        return
    if value is not None:
        assert value.is_finite()
        assert value >= 0
        assert value == value.quantize(Decimal("0.01"))
        assert value < Decimal("1e10")


@SOME
@given(st.dictionaries(st.sampled_from(["as_of", "directorate", "district", "x"]), cell_text))
def test_figures_date_form_always_chooses(data: dict[str, str]) -> None:
    from figures.forms import FiguresFilterForm

    form = FiguresFilterForm(data, today=date(2026, 6, 30))
    day, _area = form.choice()
    assert date(2018, 1, 1) <= day <= date(2026, 6, 30)


# The coordinators' forms, through the test client --------------------------------------------

form_value = st.one_of(
    cell_text,
    st.text(max_size=3000),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["2026-03-01", "01.03.2026", "2026-02-30", "0000-00-00", "on", "true"]),
)


def posted(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, form_value))


def application_state(application: FundingApplication) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        model_to_dict(application),
        sorted(model_to_dict(line).items().__repr__() for line in application.cost_lines.all()),
        FundingApplication.history.count(),
        CostLine.objects.count(),
    )


@pytest.fixture
def portal(client: Client, coordinator: Any) -> Client:  # noqa: F811
    client.force_login(coordinator)
    return client


PROJECT = ["title", "field_of_action", "starts_on", "ends_on", "consultation", "recipient"]
DESCRIPTION = ["problem", "causes", "goals", "measures", "implementation", "evaluation"]
FINANCING = ["own_funds", "own_contribution_in_kind", "third_party_funds"]


@VIEWS
@given(
    step_and_data=st.one_of(
        st.tuples(st.just("projekt"), posted(PROJECT)),
        st.tuples(st.just("beschreibung"), posted(DESCRIPTION)),
        st.tuples(st.just("finanzierung"), posted(FINANCING)),
    )
)
def test_application_steps_never_fail(
    portal: Client,
    make_application: Callable[..., FundingApplication],  # noqa: F811
    step_and_data: tuple[str, dict[str, str]],
) -> None:
    application = FundingApplication.objects.first() or make_application()
    step, data = step_and_data
    url = reverse("funding:step", args=[application.municipality.ags, application.pk, step])
    before = application_state(application)

    response = portal.post(url, data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:  # the form was refused: nothing changed
        assert application_state(application) == before
        if data:  # a bound form that was refused says why
            assert b"invalid-feedback" in response.content or b"alert" in response.content
    else:
        application.refresh_from_db()
        fits(model_to_dict(application), FundingApplication)


LINE_FIELDS = [
    "kind",
    "description",
    "amount",
    "is_capital_expenditure",
    "pay_group",
    "fte",
    "months",
    "id",
    "DELETE",
]


@st.composite
def cost_plan(draw: st.DrawFn) -> dict[str, str]:
    total = draw(st.sampled_from(["0", "1", "2", "3", "", "x", "-1", "3"]))
    if draw(st.integers(0, 19)) == 0:  # rare: each such page renders the capped 100 forms
        total = "100000000"
    data = {
        "lines-TOTAL_FORMS": total,
        "lines-INITIAL_FORMS": draw(st.sampled_from(["0", "3", "", "9"])),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index in range(draw(st.integers(0, 3))):
        values = draw(posted(LINE_FIELDS))
        if draw(st.booleans()):
            values.update(
                kind=draw(st.sampled_from(["honorare", "sachkosten", "personal"])),
                description="Moderation",
                amount=draw(COUNT),
            )
        data.update({f"lines-{index}-{key}": value for key, value in values.items()})
    return data


@VIEWS
@given(cost_plan())
def test_the_cost_plan_never_fails(
    portal: Client,
    make_application: Callable[..., FundingApplication],  # noqa: F811
    data: dict[str, str],
) -> None:
    application = FundingApplication.objects.first() or make_application()
    url = reverse("funding:step", args=[application.municipality.ags, application.pk, "kosten"])
    before = application_state(application)

    response = portal.post(url, data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert application_state(application) == before
    for line in CostLine.objects.all():
        fits(model_to_dict(line), CostLine)
        assert Decimal("0") < line.amount < Decimal("1e10")


CONTACT = ["title", "first_name", "last_name", "function", "organisation", "email", "phone"]


@VIEWS
@given(
    mayor=posted(CONTACT),
    office=posted(CONTACT),
)
def test_the_contact_form_never_fails(
    portal: Client,
    town: Any,  # noqa: F811
    mayor: dict[str, str],
    office: dict[str, str],
) -> None:
    data = {f"mayor-{k}": v for k, v in mayor.items()} | {
        f"office-{k}": v for k, v in office.items()
    }
    before = (counts(Contact), sorted(map(repr, Contact.objects.values())))

    response = portal.post(reverse("portal:municipality_data", args=[town.ags]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (counts(Contact), sorted(map(repr, Contact.objects.values()))) == before
    for contact in Contact.objects.all():
        fits(model_to_dict(contact), Contact)


@VIEWS
@given(name=form_value, request_data=posted(["message", "preferred_dates"]))
def test_council_and_request_forms_never_fail(
    portal: Client,
    town: Any,  # noqa: F811
    name: str,
    request_data: dict[str, str],
) -> None:
    from municipalities.models import PreventionCouncil, ServiceRequest

    before = counts(PreventionCouncil, ServiceRequest)
    created = portal.post(reverse("portal:council_new", args=[town.ags]), {"name": name})
    assert created.status_code in (200, 302)
    if created.status_code == 200:
        assert counts(PreventionCouncil) == {
            k: v for k, v in before.items() if k.startswith("PreventionCouncil")
        }
    asked = portal.post(reverse("portal:request_new", args=[town.ags, "coaching"]), request_data)
    assert asked.status_code in (200, 302)
    if asked.status_code == 200:
        assert counts(ServiceRequest) == {
            k: v for k, v in before.items() if k.startswith("ServiceRequest")
        }
    for council in PreventionCouncil.objects.all():
        fits(model_to_dict(council), PreventionCouncil)


def test_a_forged_form_count_builds_no_more_than_the_cap(
    portal: Client,
    make_application: Callable[..., FundingApplication],  # noqa: F811
) -> None:
    """TOTAL_FORMS=100000000 once made the page build and render 2,000 forms (minutes)."""
    from funding.forms import MAX_COST_LINES

    application = make_application()
    url = reverse("funding:step", args=[application.municipality.ags, application.pk, "kosten"])
    before = application_state(application)

    response = portal.post(url, {"lines-TOTAL_FORMS": "100000000", "lines-INITIAL_FORMS": "0"})

    assert response.status_code == 200
    assert "Bitte höchstens 100 Formulare abschicken" in response.content.decode()
    assert response.content.count(b'name="lines-') <= (MAX_COST_LINES + 1) * len(LINE_FIELDS)
    assert application_state(application) == before


@VIEWS
@given(data=st.one_of(st.binary(max_size=300), damaged_pdf()), title=form_value)
def test_the_attachment_upload_never_fails(
    portal: Client,
    make_application: Callable[..., FundingApplication],  # noqa: F811
    data: bytes,
    title: str,
) -> None:
    from funding.models import Attachment

    application = FundingApplication.objects.first() or make_application()
    url = reverse("funding:step", args=[application.municipality.ags, application.pk, "anlagen"])
    before = counts(Attachment)

    response = portal.post(url, {"title": title, "file": SimpleUploadedFile("scan.pdf", data)})

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert counts(Attachment) == before
    else:
        assert counts(Attachment)["Attachment"] == before["Attachment"] + 1
        assert Attachment.objects.order_by("-pk")[0].file.read() == data


@VIEWS
@given(report=form_value, actuals=st.lists(form_value, min_size=0, max_size=4))
def test_the_proof_of_use_never_fails(
    portal: Client,
    approved: Callable[..., FundingApplication],  # noqa: F811
    report: str,
    actuals: list[str],
) -> None:
    from funding.models import ProofCostLine, ProofOfUse

    application = FundingApplication.objects.filter(status="bewilligt").first() or approved()
    lines = list(application.cost_lines.order_by("pk"))
    data = {"report": report}
    data.update({f"actual_{line.pk}": value for line, value in zip(lines, actuals, strict=False)})
    before = counts(ProofOfUse, ProofCostLine)

    response = portal.post(
        reverse("funding:proof", args=[application.municipality.ags, application.pk]), data
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert counts(ProofOfUse, ProofCostLine) == before
    for proof in ProofOfUse.objects.all():
        assert proof.report.strip()
        assert proof.lines.count() == len(lines)


COUNCIL = [
    "name",
    "status",
    "constituted_on",
    "reactivated_on",
    "resolution_on",
    "resolution_reference",
    "dissolved_on",
    "notes",
]
GROUP = ["name", "topic", "is_standing", "established_on", "dissolved_on", "id", "DELETE"]
MEMBER = [
    "organisation",
    "person_name",
    "function",
    "role",
    "working_group",
    "joined_on",
    "left_on",
    "id",
    "DELETE",
]


@st.composite
def council_post(draw: st.DrawFn) -> dict[str, str]:
    data = draw(posted(COUNCIL))
    if draw(st.booleans()):
        data.update(name="Kommunaler Präventionsrat", status="aktiv", constituted_on="2020-05-04")
    for prefix, fields in (("groups", GROUP), ("members", MEMBER)):
        rows = draw(st.integers(0, 2))
        total = (
            str(rows)
            if draw(st.integers(0, 9))
            else draw(st.sampled_from(["", "x", "-1", "100000000"]))
        )
        data.update({f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": "0"})
        for index in range(rows):
            values = draw(posted(fields))
            data.update({f"{prefix}-{index}-{key}": value for key, value in values.items()})
    return data


def council_state(council: Any) -> tuple[Any, ...]:
    from municipalities.models import CouncilMember, PreventionCouncil, WorkingGroup

    council.refresh_from_db()
    return (
        model_to_dict(council, exclude=["municipalities"]),
        counts(PreventionCouncil, WorkingGroup, CouncilMember),
    )


@VIEWS
@given(council_post())
def test_the_council_form_never_fails(
    portal: Client,
    town: Any,  # noqa: F811
    coordinator: Any,  # noqa: F811
    data: dict[str, str],
) -> None:
    from municipalities.models import CouncilMember, PreventionCouncil, WorkingGroup
    from municipalities.services import council_create

    council = PreventionCouncil.objects.first() or council_create(
        municipality=town, name="Kommunaler Präventionsrat Großenhain", user=coordinator
    )
    before = council_state(council)

    response = portal.post(reverse("portal:council_edit", args=[town.ags, council.pk]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert council_state(council) == before
    for model in (PreventionCouncil, WorkingGroup, CouncilMember):
        for row in model.objects.all():
            fits(model_to_dict(row, exclude=["municipalities"]), model)


def test_a_forged_council_form_count_builds_no_more_than_the_cap(
    portal: Client,
    town: Any,  # noqa: F811
    coordinator: Any,  # noqa: F811
) -> None:
    from municipalities.forms import MAX_COUNCIL_MEMBERS
    from municipalities.services import council_create

    council = council_create(municipality=town, name="Präventionsrat", user=coordinator)
    before = council_state(council)
    data = {
        "name": "Präventionsrat",
        "status": "aktiv",
        "groups-TOTAL_FORMS": "100000000",
        "groups-INITIAL_FORMS": "0",
        "members-TOTAL_FORMS": "100000000",
        "members-INITIAL_FORMS": "0",
    }

    response = portal.post(reverse("portal:council_edit", args=[town.ags, council.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bitte höchstens 50 Formulare abschicken" in page
    assert f"Bitte höchstens {MAX_COUNCIL_MEMBERS} Formulare abschicken" in page
    assert page.count('name="members-') <= (MAX_COUNCIL_MEMBERS + 1) * len(MEMBER)
    assert council_state(council) == before
