"""Reading GV100AD and its CSV: every malformed input is rejected with its line and reason."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from municipalities.register_files import (
    RegisterFileError,
    default_population_date,
    parse_register,
    split_official_name,
)

from .gv100ad import record


def test_real_gv100ad_file_yields_saxonys_register(gv100ad_bytes: bytes) -> None:
    edition = parse_register(gv100ad_bytes, land="14")

    assert edition.format == "gv100ad"
    assert edition.territorial_date == date(2025, 11, 30)
    assert edition.population_date == date(2024, 12, 31)
    assert len(edition.municipalities) == 418
    assert len(edition.districts) == 13
    assert sum(m.population or 0 for m in edition.municipalities.values()) == 4_042_422
    chemnitz = edition.municipalities["14511000"]
    assert (chemnitz.name, chemnitz.kind, chemnitz.population) == (
        "Chemnitz",
        "kreisfreie_stadt",
        245_618,
    )
    assert chemnitz.area_km2 == Decimal("221.03")
    assert chemnitz.postcode == "09111"
    assert chemnitz.has_several_postcodes is True
    assert edition.districts["14522"].name == "Landkreis Mittelsachsen"
    assert edition.districts["14521"].name == "Erzgebirgskreis"


def test_bautzens_truncated_name_is_completed(gv100ad_bytes: bytes) -> None:
    bautzen = parse_register(gv100ad_bytes).municipalities["14625020"]

    assert bautzen.official_name == "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město"
    assert (bautzen.name, bautzen.sorbian_name) == ("Bautzen", "Budyšin")
    assert bautzen.name_possibly_truncated is False


def test_sorbian_names_are_kept(gv100ad_bytes: bytes) -> None:
    municipalities = parse_register(gv100ad_bytes).municipalities

    with_sorbian = {m.ags: m.sorbian_name for m in municipalities.values() if m.sorbian_name}
    # 42 official bilingual names; the flattened CSV's name_sorbian column misses Weißwasser's.
    assert len(with_sorbian) == 42
    assert with_sorbian["14626600"] == "Běła Woda"
    assert municipalities["14626600"].name == "Weißwasser/O.L."
    assert with_sorbian["14625330"] == "Łaz"


@pytest.mark.parametrize(
    ("official", "expected"),
    [
        ("Chemnitz, Stadt", ("Chemnitz", "")),
        ("Elstra / Halštrow, Stadt", ("Elstra", "Halštrow")),
        ("Weißwasser/O.L., Stadt / Běła Woda", ("Weißwasser/O.L.", "Běła Woda")),
        ("Frankenberg/Sa., Stadt, Garnisonsstadt", ("Frankenberg/Sa.", "")),
        ("Krauschwitz i.d. O.L. / Krušwica", ("Krauschwitz i.d. O.L.", "Krušwica")),
    ],
)
def test_official_names_split_into_german_and_sorbian(
    official: str, expected: tuple[str, str]
) -> None:
    assert split_official_name(official) == expected


def test_csv_of_the_same_data_gives_the_same_register(
    gv100ad_bytes: bytes, shared_data_dir
) -> None:
    from_csv = parse_register((shared_data_dir / "sachsen_gemeinden.csv").read_bytes(), land="14")
    from_gv100ad = parse_register(gv100ad_bytes, land="14")

    assert from_csv.format == "csv"
    assert from_csv.municipalities.keys() == from_gv100ad.municipalities.keys()
    for ags, expected in from_gv100ad.municipalities.items():
        found = from_csv.municipalities[ags]
        assert (found.name, found.official_name, found.sorbian_name, found.kind) == (
            expected.name,
            expected.official_name,
            expected.sorbian_name,
            expected.kind,
        ), ags
        assert (found.population, found.area_km2, found.association_key) == (
            expected.population,
            expected.area_km2,
            expected.association_key,
        ), ags
    assert from_csv.associations.keys() == from_gv100ad.associations.keys()


def test_population_date_follows_the_edition() -> None:
    assert default_population_date(date(2025, 11, 30)) == date(2024, 12, 31)
    assert default_population_date(date(2022, 12, 31)) == date(2022, 12, 31)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _rejected(data: bytes, **options: object) -> RegisterFileError:
    with pytest.raises(RegisterFileError) as caught:
        parse_register(data, **options)  # type: ignore[arg-type]
    return caught.value


def test_wrong_width_is_rejected_with_line_number(gv100ad_bytes: bytes) -> None:
    lines = _lines(gv100ad_bytes)
    lines[9] = lines[9].rstrip()

    error = _rejected(b"\n".join(lines))

    assert error.line == 10
    assert "220" in error.reason


def test_bad_key_is_rejected_with_line_number(gv100ad_bytes: bytes) -> None:
    lines = _lines(gv100ad_bytes)
    number = next(i for i, line in enumerate(lines) if line.startswith(b"60"))
    lines[number] = lines[number][:15] + b"A1B" + lines[number][18:]

    error = _rejected(b"\n".join(lines))

    assert error.line == number + 1
    assert "AGS" in error.reason


def test_wrong_encoding_is_rejected_with_line_number(gv100ad_bytes: bytes) -> None:
    latin1 = gv100ad_bytes.decode("utf-8").encode("latin-1", errors="replace")
    first_umlaut_line = next(
        number
        for number, line in enumerate(gv100ad_bytes.split(b"\n"), start=1)
        if any(byte > 127 for byte in line)
    )

    error = _rejected(latin1)

    assert error.line == first_umlaut_line
    assert "UTF-8" in error.reason


def test_key_outside_saxony_is_rejected_with_land_option(gv100ad_bytes: bytes) -> None:
    foreign = record(
        "60", "20251130", "15001000", association="0000", name="Dessau-Roßlau, Stadt", code="61"
    )
    data = gv100ad_bytes + foreign.encode() + b"\n"
    number = len(_lines(gv100ad_bytes))

    error = _rejected(data, land="14")

    assert error.line == number
    assert "15001000" in error.reason


def test_only_land_skips_other_lander(gv100ad_bytes: bytes) -> None:
    foreign = record(
        "40", "20251130", "15001", name="Dessau-Roßlau, Stadt", seat="Dessau-Roßlau", code="41"
    )
    edition = parse_register(gv100ad_bytes + foreign.encode() + b"\n", only_land="14")

    assert len(edition.municipalities) == 418
    assert edition.skipped_lines == 1


def test_municipality_without_its_district_is_rejected() -> None:
    text = "\n".join(
        [
            record("50", "20251130", "14999", association="0010", name="Irgendwo", code="50"),
            record("60", "20251130", "14999010", association="0010", name="Irgendwo", code="64"),
        ]
    )

    error = _rejected(text.encode())

    assert error.line == 1
    assert "14999" in error.reason


def test_mixed_territorial_status_is_rejected(gv100ad_bytes: bytes) -> None:
    lines = _lines(gv100ad_bytes)
    lines[5] = lines[5][:2] + b"20241231" + lines[5][10:]

    assert _rejected(b"\n".join(lines)).line == 6


def test_unknown_format_is_rejected() -> None:
    error = _rejected(b"Gemeinde;Einwohner\nChemnitz;245618\n")

    assert error.line == 1
    assert "GV100AD" in error.reason


def test_empty_file_is_rejected() -> None:
    assert _rejected(b"").line == 0


def test_csv_missing_columns_are_named(shared_data_dir) -> None:
    data = (shared_data_dir / "sachsen_gemeinden.csv").read_bytes()
    header, rest = data.split(b"\n", 1)
    header = header.replace(b"population,", b"einwohner,", 1)

    error = _rejected(header + b"\n" + rest)

    assert error.line == 1
    assert "population" in error.reason


def test_csv_row_with_bad_population_is_rejected_with_line(shared_data_dir) -> None:
    rows = list(csv.reader(io.StringIO((shared_data_dir / "sachsen_gemeinden.csv").read_text())))
    rows[7][rows[0].index("population")] = "viele"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)

    error = _rejected(buffer.getvalue().encode())

    assert error.line == 8
    assert "viele" in error.reason


def test_csv_row_with_missing_fields_is_rejected(shared_data_dir) -> None:
    lines = (shared_data_dir / "sachsen_gemeinden.csv").read_bytes().split(b"\n")
    lines[3] = b",".join(lines[3].split(b",")[:5])

    error = _rejected(b"\n".join(lines))

    assert error.line == 4
