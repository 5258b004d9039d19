"""Uploaded CSV files: valid ones give typed rows; any problem rejects one with line and column."""

import io
from collections.abc import Iterator

import openpyxl
import pytest
from django.utils import translation

from analyses import imports
from analyses.imports import (
    CRIME_COLUMNS,
    POPULATION_COLUMNS,
    SURVEY_COLUMNS,
    CrimeRow,
    ImportErrors,
    PopulationRow,
    SurveyRow,
    decode,
    parse_crime_statistics,
    parse_population,
    parse_survey,
)
from analyses.survey_items import AGE_GROUPS, ITEMS, OFFENCE_GROUPS

KNOWN = {"14", "14612", "14612000", "14627", "14627010"}
CRIME_HEADER = "schluessel;jahr;straftatengruppe;faelle"
POPULATION_HEADER = "schluessel;jahr;einwohner"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in their English source form, so tests can match their wording."""
    with translation.override("en"):
        yield


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def crime_errors(*lines: str) -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        parse_crime_statistics(csv_bytes(*lines), known_areas=KNOWN)
    return caught.value.messages


def population_errors(*lines: str) -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        parse_population(csv_bytes(*lines), known_areas=KNOWN)
    return caught.value.messages


def survey_line(number: str, age: str = "", district: str = "", **answers: str) -> str:
    values = [number, age, district, *(answers.get(item.code, "") for item in ITEMS)]
    return ";".join(values)


SURVEY_HEADER = ";".join(SURVEY_COLUMNS)


def survey_errors(*lines: str) -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        parse_survey(csv_bytes(*lines))
    return caught.value.messages


# Crime statistics


def test_crime_file_with_semicolons_bom_quotes_and_thousands_separator_is_read() -> None:
    data = "\ufeff" + "\n".join(
        [
            CRIME_HEADER,
            '14612000;2023;insgesamt;"45.678"',
            '"14612";"2023";"gewalt";" 1.234 "',
            "14;2022;diebstahl;0",
        ]
    )

    rows = parse_crime_statistics(data.encode(), known_areas=KNOWN)

    assert rows == [
        CrimeRow(area_key="14612000", year=2023, offence_group="insgesamt", cases=45678),
        CrimeRow(area_key="14612", year=2023, offence_group="gewalt", cases=1234),
        CrimeRow(area_key="14", year=2022, offence_group="diebstahl", cases=0),
    ]


def test_crime_file_with_commas_is_read() -> None:
    data = csv_bytes(
        "schluessel,jahr,straftatengruppe,faelle",
        "14627010,2021,rauschgift,1.234",
        '14627,2021,"Strassen",17',
    )

    rows = parse_crime_statistics(data, known_areas=KNOWN)

    assert rows == [
        CrimeRow("14627010", 2021, "rauschgift", 1234),
        CrimeRow("14627", 2021, "strassen", 17),
    ]


def test_tab_separated_file_is_read() -> None:
    data = csv_bytes("schluessel\tjahr\teinwohner", "14612000\t2023\t566.222")

    assert parse_population(data, known_areas=KNOWN) == [PopulationRow("14612000", 2023, 566222)]


def test_pks_keys_and_slugs_in_any_case_become_the_slug() -> None:
    lines = [CRIME_HEADER]
    lines += [f"14;2023;{key};1" for _slug, key, _label in OFFENCE_GROUPS if key != "PMK"]
    lines += ["14;2024;pmk;1", "14;2025;PMK;1", "14;2026;Sachbeschaedigung;1"]

    rows = parse_crime_statistics(csv_bytes(*lines), known_areas=KNOWN)

    slugs = [slug for slug, key, _label in OFFENCE_GROUPS if key != "PMK"]
    assert [row.offence_group for row in rows] == [*slugs, "pmk", "pmk", "sachbeschaedigung"]
    assert rows[0].offence_group == "insgesamt"  # from the key "------"
    assert rows[1].offence_group == "diebstahl"  # from the key "****00"


def test_column_names_ignore_case_order_spaces_and_umlauts() -> None:
    data = csv_bytes(" Fälle ;STRAFTATENGRUPPE;Jahr;Schlüssel", "12;sachbeschaedigung;2020;14612")

    assert parse_crime_statistics(data, known_areas=KNOWN) == [
        CrimeRow("14612", 2020, "sachbeschaedigung", 12)
    ]


def test_empty_lines_are_skipped_and_lines_keep_their_numbers() -> None:
    messages = crime_errors(
        CRIME_HEADER, "", "14;2023;insgesamt;1", ";;;", "  ", "14;1989;gewalt;1"
    )

    assert messages == ["Line 6, column “jahr”: “1989” is not a year from 1990 to 2100."]


def test_known_areas_may_be_any_collection() -> None:
    data = csv_bytes(CRIME_HEADER, "14612000;2023;gewalt;3")

    assert parse_crime_statistics(data, known_areas=["14612000"])[0].area_key == "14612000"


def test_unknown_area_key_is_rejected_with_its_line() -> None:
    messages = crime_errors(CRIME_HEADER, "14612000;2023;gewalt;3", "14999999;2023;gewalt;3")

    assert messages == [
        "Line 3, column “schluessel”: Key 14999999 is not a known municipality, Kreis or Saxony."
    ]


@pytest.mark.parametrize("key", ["1461200", "146120000", "14 612", "Leipzig", "14612000a"])
def test_malformed_area_key_is_rejected(key: str) -> None:
    messages = crime_errors(CRIME_HEADER, f"{key};2023;gewalt;3")

    assert len(messages) == 1
    assert messages[0].startswith(f"Line 2, column “schluessel”: “{key}” is not a key")


@pytest.mark.parametrize("year", ["1989", "2101", "23", "2023.0", "zwanzig"])
def test_year_outside_1990_to_2100_is_rejected(year: str) -> None:
    messages = crime_errors(CRIME_HEADER, "14;2000;gewalt;1", f"14;{year};gewalt;1")

    assert messages == [f"Line 3, column “jahr”: “{year}” is not a year from 1990 to 2100."]


def test_boundary_years_are_accepted() -> None:
    rows = parse_crime_statistics(
        csv_bytes(CRIME_HEADER, "14;1990;gewalt;1", "14;2100;gewalt;1"), known_areas=KNOWN
    )

    assert [row.year for row in rows] == [1990, 2100]


@pytest.mark.parametrize("cases", ["12,5", "1.23", "1,234", "-3", "1.2345", "viele", "1e3"])
def test_case_numbers_must_be_whole_numbers(cases: str) -> None:
    messages = crime_errors(CRIME_HEADER, f"14;2023;gewalt;{cases}")

    assert messages == [f"Line 2, column “faelle”: “{cases}” is not a whole number of 0 or more."]


def test_empty_and_huge_case_numbers_are_rejected() -> None:
    messages = crime_errors(CRIME_HEADER, "14;2023;gewalt;", "14;2023;diebstahl;3.000.000.000")

    assert messages == [
        "Line 2, column “faelle”: A value is required.",
        "Line 3, column “faelle”: “3.000.000.000” is too large.",
    ]


def test_unknown_offence_group_lists_the_groups() -> None:
    messages = crime_errors(CRIME_HEADER, "14;2023;Betrug;5")

    assert len(messages) == 1
    assert messages[0].startswith(
        "Line 2, column “straftatengruppe”: Unknown offence group “Betrug”"
    )
    assert "gewalt (892500)" in messages[0]


def test_duplicate_crime_rows_name_both_lines() -> None:
    messages = crime_errors(
        CRIME_HEADER,
        "14612000;2023;gewalt;3",
        "14612000;2023;diebstahl;3",
        "14612000;2023;892500;4",
    )

    assert messages == [
        "Line 4: Key 14612000, year 2023, offence group “gewalt” appears twice (lines 2 and 4)."
    ]


def test_every_problem_of_a_row_and_of_the_file_is_reported() -> None:
    messages = crime_errors(CRIME_HEADER, "14999999;1900;Betrug;-1", "14;2023;gewalt;1", "x;;;")

    assert [message.split(":")[0] for message in messages] == [
        "Line 2, column “schluessel”",
        "Line 2, column “jahr”",
        "Line 2, column “straftatengruppe”",
        "Line 2, column “faelle”",
        "Line 4, column “schluessel”",
        "Line 4, column “jahr”",
        "Line 4, column “straftatengruppe”",
        "Line 4, column “faelle”",
    ]


# Population


def test_population_file_is_read() -> None:
    data = csv_bytes(POPULATION_HEADER, "14612000;2023;566.222", '"14";"2023";"4.042.422"')

    assert parse_population(data, known_areas=KNOWN) == [
        PopulationRow(area_key="14612000", year=2023, population=566222),
        PopulationRow(area_key="14", year=2023, population=4042422),
    ]


@pytest.mark.parametrize("population", ["0", "-5", "12,5", ""])
def test_population_must_be_a_whole_number_above_zero(population: str) -> None:
    messages = population_errors(POPULATION_HEADER, f"14612;2023;{population}")

    assert len(messages) == 1
    assert messages[0].startswith("Line 2, column “einwohner”: ")
    assert population in messages[0]


def test_duplicate_population_rows_name_both_lines() -> None:
    messages = population_errors(
        POPULATION_HEADER, "14612;2023;1.000", "14612;2022;1.000", "14612;2023;1.001"
    )

    assert messages == ["Line 4: Key 14612, year 2023 appears twice (lines 2 and 4)."]


def test_population_area_must_be_known() -> None:
    messages = population_errors(POPULATION_HEADER, "15;2023;1000")

    assert messages == [
        "Line 2, column “schluessel”: Key 15 is not a known municipality, Kreis or Saxony."
    ]


# Header


def test_missing_columns_are_named_with_the_expected_columns() -> None:
    messages = crime_errors("schluessel;jahr", "14;2023")

    assert messages == [
        "Line 1: Columns missing: straftatengruppe, faelle. "
        "Expected columns: schluessel, jahr, straftatengruppe, faelle."
    ]


def test_unknown_columns_are_named() -> None:
    messages = population_errors("schluessel;jahr;einwohner;Bemerkung", "14;2023;1;x")

    assert messages == [
        "Line 1: Unknown columns: “Bemerkung”. Expected columns: schluessel, jahr, einwohner."
    ]


def test_wrong_columns_report_missing_and_unknown_together() -> None:
    messages = population_errors("ags;jahr;einwohner", "14;2023;1")

    assert len(messages) == 2
    assert messages[0].startswith("Line 1: Columns missing: schluessel.")
    assert messages[1].startswith("Line 1: Unknown columns: “ags”.")


def test_duplicate_columns_are_rejected_also_when_spelt_differently() -> None:
    messages = crime_errors("schluessel;jahr;straftatengruppe;faelle;Fälle", "14;2023;gewalt;1;1")

    assert messages == ["Line 1: Column “faelle” appears more than once."]


def test_header_after_leading_empty_lines_is_found() -> None:
    messages = crime_errors("", ";;", "schluessel;jahr", "14;2023")

    assert messages[0].startswith("Line 3: Columns missing: straftatengruppe, faelle.")


def test_file_with_only_a_header_is_rejected() -> None:
    assert crime_errors(CRIME_HEADER, "", ";;;") == [
        "The file contains no records, only the header line."
    ]


def test_row_with_too_few_or_too_many_fields_is_rejected() -> None:
    messages = population_errors(POPULATION_HEADER, "14;2023", "14;2023;5;7", "14;2024;5;")

    assert messages == ["Line 2: 2 fields instead of 3.", "Line 3: 4 fields instead of 3."]


def test_column_without_a_name_must_stay_empty() -> None:
    data = csv_bytes("schluessel;jahr;;einwohner;", "14;2023;;5;", "14;2024;x;5;")

    with pytest.raises(ImportErrors) as caught:
        parse_population(data, known_areas=KNOWN)

    assert caught.value.messages == ["Line 3: Value “x” in column 3, which has no name."]
    rows = parse_population(data.replace(b";x;", b";;"), known_areas=KNOWN)
    assert rows == [PopulationRow("14", 2023, 5), PopulationRow("14", 2024, 5)]


# Encoding and file type


@pytest.mark.parametrize(
    "data",
    [
        "schluessel;jahr;einwohner\r\n14;2023;5\r\n".encode("utf-16"),
        "schluessel;jahr;einwohner\r\n14;2023;5\r\n".encode("utf-16-be"),
        "schluessel;jahr;einwohner\r\n14;2023;5\r\n".encode("utf-16-le"),
    ],
    ids=["bom", "big-endian-without-bom", "little-endian-without-bom"],
)
def test_utf16_is_refused_with_advice(data: bytes) -> None:
    with pytest.raises(ImportErrors) as caught:
        parse_population(data, known_areas=KNOWN)

    assert len(caught.value.messages) == 1
    assert "UTF-16" in caught.value.messages[0]
    assert "CSV UTF-8 (durch Trennzeichen getrennt)" in caught.value.messages[0]


def test_latin1_bytes_name_the_line_and_give_advice() -> None:
    data = (SURVEY_HEADER + "\n" + survey_line("1") + "\n").encode() + b"2;;M\xfcll" + b";" * 14

    with pytest.raises(ImportErrors) as caught:
        parse_survey(data)

    (message,) = caught.value.messages
    assert message.startswith("Line 3: ")
    assert "0xFC" in message
    assert "“CSV UTF-8 (durch Trennzeichen getrennt)”" in message


def test_excel_workbook_is_refused_as_not_csv() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(list(CRIME_COLUMNS))
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(ImportErrors) as caught:
        parse_crime_statistics(buffer.getvalue(), known_areas=KNOWN)

    (message,) = caught.value.messages
    assert "not a CSV file" in message
    assert "Excel" in message


def test_pdf_and_other_binary_files_are_refused_as_not_csv() -> None:
    for data in (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"):
        with pytest.raises(ImportErrors) as caught:
            decode(data)
        assert "not a CSV file" in caught.value.messages[0]
    with pytest.raises(ImportErrors) as caught:
        decode(b"%PDF-1.4")
    assert "PDF" in caught.value.messages[0]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\r\n", b";;;\r\n;;\r\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImportErrors) as caught:
        parse_population(data, known_areas=KNOWN)

    assert caught.value.messages == ["The file is empty."]


def test_decode_strips_the_bom_and_keeps_umlauts() -> None:
    assert decode("\ufeffortsteil\nGrünau".encode()) == "ortsteil\nGrünau"
    assert decode("ortsteil\nGrünau".encode()) == "ortsteil\nGrünau"


# Limits


def test_at_most_50_problems_are_listed_then_how_many_more() -> None:
    lines = [CRIME_HEADER, *(f"14;{1900 + n};gewalt;1" for n in range(60))]

    messages = crime_errors(*lines)

    assert len(messages) == 51
    assert messages[0].startswith("Line 2, column “jahr”: “1900”")
    assert messages[49].startswith("Line 51, column “jahr”: “1949”")
    assert messages[50] == "Further problems not listed: 10."


def test_too_many_records_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    lines = [POPULATION_HEADER, *(f"14;{2000 + n};5" for n in range(3))]

    assert len(parse_population(csv_bytes(*lines), known_areas=KNOWN)) == 3
    messages = population_errors(*lines, "14;2010;5")
    assert messages == ["The file has more than 3 records. Please split it into several files."]


def test_import_errors_text_lists_every_message() -> None:
    error = ImportErrors(["a", "b"])

    assert str(error) == "a\nb"
    assert error.messages == ["a", "b"]


# Survey


def test_survey_file_is_read_with_normalised_age_groups_and_missing_answers() -> None:
    data = csv_bytes(
        SURVEY_HEADER,
        survey_line(
            "0001", "16-24", '"Grünau; Nord"', sicher_nachts="3", zufriedenheit_gemeinde="5"
        ),
        survey_line("A-17_b", "75+", "", polizei_praesenz="1", problem_laerm="4"),
        survey_line("3", "40 – 59"),
    )

    rows = parse_survey(data)

    assert rows == [
        SurveyRow(
            "0001", "16–24", "Grünau; Nord", {"sicher_nachts": 3, "zufriedenheit_gemeinde": 5}
        ),
        SurveyRow("A-17_b", "75+", "", {"problem_laerm": 4, "polizei_praesenz": 1}),
        SurveyRow("3", "40–59", "", {}),
    ]
    assert rows[0].age_group in AGE_GROUPS


def test_survey_file_with_commas_bom_and_reordered_columns_is_read() -> None:
    columns = list(reversed(SURVEY_COLUMNS))
    values = dict.fromkeys(columns, "")
    values.update(fragebogen="9", altersgruppe="25–39", ortsteil="Mitte, Süd", sicher_tags="2")
    line = ",".join(f'"{values[column]}"' for column in columns)
    data = b"\xef\xbb\xbf" + csv_bytes(",".join(column.upper() for column in columns), line)

    assert parse_survey(data) == [SurveyRow("9", "25–39", "Mitte, Süd", {"sicher_tags": 2})]


def test_every_answer_code_of_every_scale_is_accepted() -> None:
    answers = {item.code: str(len(item.scale)) for item in ITEMS}

    (row,) = parse_survey(csv_bytes(SURVEY_HEADER, survey_line("1", **answers)))

    assert row.answers == {item.code: len(item.scale) for item in ITEMS}
    assert row.answers["zufriedenheit_gemeinde"] == 5


@pytest.mark.parametrize(
    ("column", "value", "maximum"),
    [
        ("sicher_nachts", "0", 4),
        ("sicher_nachts", "5", 4),
        ("angst_diebstahl", "sehr", 4),
        ("problem_muell", "2,0", 4),
        ("problem_muell", "-1", 4),
        ("zufriedenheit_gemeinde", "6", 5),
    ],
)
def test_answer_outside_the_scale_names_line_column_and_range(
    column: str, value: str, maximum: int
) -> None:
    messages = survey_errors(SURVEY_HEADER, survey_line("1"), survey_line("2", **{column: value}))

    assert messages == [
        f"Line 3, column “{column}”: “{value}” is not an answer: "
        f"expected a whole number from 1 to {maximum}."
    ]


def test_duplicate_questionnaire_numbers_name_both_lines() -> None:
    messages = survey_errors(SURVEY_HEADER, survey_line("17"), survey_line("18"), survey_line("17"))

    assert messages == [
        "Line 4, column “fragebogen”: Questionnaire “17” appears twice (lines 2 and 4)."
    ]


@pytest.mark.parametrize("number", ["", "17/2", "Nr. 5", "x" * 21])
def test_questionnaire_number_must_be_short_letters_digits_dash_underscore(number: str) -> None:
    messages = survey_errors(SURVEY_HEADER, survey_line(number, sicher_nachts="1"))

    assert len(messages) == 1
    assert messages[0].startswith("Line 2, column “fragebogen”: ")


def test_questionnaire_number_of_20_characters_is_accepted() -> None:
    (row,) = parse_survey(csv_bytes(SURVEY_HEADER, survey_line("x" * 20)))

    assert row.questionnaire == "x" * 20


def test_unknown_age_group_and_long_town_district_are_rejected() -> None:
    messages = survey_errors(
        SURVEY_HEADER, survey_line("1", "16-25"), survey_line("2", "", "x" * 81)
    )

    assert messages[0].startswith("Line 2, column “altersgruppe”: Unknown age group “16-25”")
    assert "16–24, 25–39, 40–59, 60–74, 75+" in messages[0]
    assert messages[1] == (
        "Line 3, column “ortsteil”: The text is 81 characters long; at most 80 are allowed."
    )
    (row,) = parse_survey(csv_bytes(SURVEY_HEADER, survey_line("2", "", "x" * 80)))
    assert row.town_district == "x" * 80


def test_survey_needs_a_column_for_every_item() -> None:
    header = SURVEY_HEADER.replace(";polizei_praesenz", "")

    messages = survey_errors(header, "1" + ";" * (len(SURVEY_COLUMNS) - 2))

    assert len(messages) == 1
    assert messages[0].startswith("Line 1: Columns missing: polizei_praesenz. Expected columns:")


def test_docstring_documents_every_column_offence_group_and_item() -> None:
    documentation = imports.__doc__ or ""

    for column in {*CRIME_COLUMNS, *POPULATION_COLUMNS, *SURVEY_COLUMNS, *AGE_GROUPS}:
        assert column in documentation
    for slug, key, label in OFFENCE_GROUPS:
        assert f"{slug} " in documentation
        assert f" {key} " in documentation
        assert label in documentation
