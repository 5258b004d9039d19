"""Reading the CSV files that staff upload for a security analysis (Sicherheitsanalyse).

Three kinds of file: the police crime statistics (PKS case numbers), the population, and the
answers of the citizen survey (Bürgerbefragung). Parsing is pure (no database): a file is read and
checked completely first; with any problem it is rejected as a whole (``ImportErrors``, every
problem with its line and column, at most 50), so the caller writes nothing. A valid file gives
typed rows that the caller upserts.

Every file
    - Encoding UTF-8, with or without BOM: in Excel “Speichern unter” → “CSV UTF-8 (durch
      Trennzeichen getrennt)”. UTF-16 (“Unicode-Text”), Windows/Latin-1 encoding (plain “CSV
      (Trennzeichen-getrennt)”), Excel workbooks and PDFs are refused.
    - Line 1 is the header with the column names; every following line is one record. The
      separator is taken from the header line: semicolon (German Excel), comma or tab. Values may
      be quoted ("Grünau, Nord"; a quote inside is doubled: "").
    - Column names: upper/lower case and the order do not matter, “ä ö ü ß” may be written as
      umlauts or as “ae oe ue ss” (Fälle = faelle). Every column listed for the file must be
      there and no other; a column without a name must stay empty.
    - Spaces around values are ignored; lines that are empty (or hold only separators) are
      skipped. At most 200,000 records per file, and at least one.
    - Whole numbers may use “.” as thousands separator (1.234 = 1234); decimals (12,5) are errors.
    - Area keys (schluessel): the 8-digit AGS of a municipality (14612000), the 5-digit key of a
      Kreis (14627) or 14 for Saxony; the area must be in the register.

Crime statistics (``parse_crime_statistics``): one line per area, year and offence group.
    schluessel        area key (see above)
    jahr              year of the statistics, 1990 to 2100
    straftatengruppe  offence group: its name or its PKS key (Summenschlüssel), case-insensitive
    faelle            recorded cases (Fälle), whole number ≥ 0

    Offence groups (name, PKS key):
        insgesamt          ------   Straftaten insgesamt
        diebstahl          ****00   Diebstahl insgesamt
        sachbeschaedigung  674000   Sachbeschädigung
        rohheit            892000   Rohheitsdelikte und Straftaten gegen die persönliche Freiheit
        gewalt             892500   Gewaltkriminalität
        strassen           899000   Straßenkriminalität
        rauschgift         891000   Rauschgiftkriminalität
        pmk                PMK      Politisch motivierte Kriminalität

    Each combination of schluessel, jahr and straftatengruppe at most once per file. Example:
        schluessel;jahr;straftatengruppe;faelle
        14612000;2023;insgesamt;45.678
        14612000;2023;892000;4512
        14;2023;Diebstahl;98.765

Population (``parse_population``): one line per area and year.
    schluessel  area key (see above)
    jahr        year, 1990 to 2100 (population on 31 December)
    einwohner   inhabitants, whole number > 0

    Each combination of schluessel and jahr at most once per file. Example:
        schluessel;jahr;einwohner
        14612000;2023;566.222
        14627;2023;241000

Survey (``parse_survey``): one line per returned questionnaire.
    fragebogen    the questionnaire's number: 1 to 20 letters, digits, “-” or “_”; unique in
                  the file
    altersgruppe  empty or one of 16–24, 25–39, 40–59, 60–74, 75+ (“16-24” is accepted too)
    ortsteil      empty or the district of the town (Ortsteil), at most 80 characters
    one column per question, named by its code; empty = no answer, otherwise the answer's
    number on the questionnaire's scale (1 = first answer):
        sicher_nachts, sicher_tags                                      1 to 4
        angst_einbruch, angst_koerperverletzung, angst_diebstahl,
        angst_belaestigung                                              1 to 4
        problem_muell, problem_graffiti, problem_vandalismus,
        problem_verkehr, problem_laerm, problem_gruppen                 1 to 4
        zufriedenheit_gemeinde                                          1 to 5
        polizei_praesenz                                                1 to 4

    A questionnaire with every question unanswered is still counted. Example (each record is
    one line in the file; wrapped here):
        fragebogen;altersgruppe;ortsteil;sicher_nachts;sicher_tags;angst_einbruch;
            angst_koerperverletzung;angst_diebstahl;angst_belaestigung;problem_muell;
            problem_graffiti;problem_vandalismus;problem_verkehr;problem_laerm;problem_gruppen;
            zufriedenheit_gemeinde;polizei_praesenz
        0001;25–39;Grünau;2;1;3;2;2;1;3;1;2;4;2;3;2;2
        0002;;;;;;;;;;;;;;;;
"""

import csv
import io
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from analyses.survey_items import AGE_GROUPS, ITEMS, OFFENCE_GROUPS

MAX_ROWS = 200_000
MAX_MESSAGES = 50
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Keeps counts inside the database's integer columns.
MAX_NUMBER = 2_000_000_000
MAX_QUESTIONNAIRE = 20
MAX_TOWN_DISTRICT = 80

CRIME_COLUMNS = ("schluessel", "jahr", "straftatengruppe", "faelle")
POPULATION_COLUMNS = ("schluessel", "jahr", "einwohner")
SURVEY_COLUMNS = ("fragebogen", "altersgruppe", "ortsteil", *(item.code for item in ITEMS))

_OFFENCE_LOOKUP = {
    **{key.lower(): slug for slug, key, _label in OFFENCE_GROUPS},
    **{slug.lower(): slug for slug, _key, _label in OFFENCE_GROUPS},
}
# "1" … "n" of each item's scale; a lookup keeps a file of 200,000 questionnaires quick.
_ANSWER_CODES = {
    item.code: {str(code): code for code in range(1, len(item.scale) + 1)} for item in ITEMS
}
_AREA_KEY = re.compile(r"[0-9]{2}|[0-9]{5}|[0-9]{8}")
_WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+")
_DIGITS = re.compile(r"[0-9]+")
_QUESTIONNAIRE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_QUESTIONNAIRE}}}")
_DASHES = re.compile(r"[-‐‑‒—―−]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UTF8_BOM = b"\xef\xbb\xbf"
_EXCEL = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # XLSX (zip), XLS (OLE2)


class ImportErrors(Exception):
    """An uploaded file that cannot be imported; ``messages`` lists its problems for the user."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class CrimeRow:
    area_key: str
    year: int
    offence_group: str  # slug of OFFENCE_GROUPS
    cases: int


@dataclass(frozen=True)
class PopulationRow:
    area_key: str
    year: int
    population: int


@dataclass(frozen=True)
class SurveyRow:
    questionnaire: str
    age_group: str  # one of AGE_GROUPS or ""
    town_district: str
    answers: dict[str, int]  # item code → answer code; unanswered items are absent


class _Problems:
    """Collects the problems of a file, keeping the first MAX_MESSAGES."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.hidden = 0

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)
        else:
            self.hidden += 1

    def line(self, line: int, reason: str) -> None:
        self.add(_("Line %(line)d: %(reason)s") % {"line": line, "reason": reason})

    def cell(self, line: int, column: str, problem: str) -> None:
        self.add(
            _("Line %(line)d, column “%(column)s”: %(problem)s")
            % {"line": line, "column": column, "problem": problem}
        )

    def error(self, first: str | None = None) -> ImportErrors:
        messages = [first] if first else []
        messages += self.messages
        if self.hidden:
            messages.append(_("Further problems not listed: %(count)d.") % {"count": self.hidden})
        return ImportErrors(messages)

    def raise_if_any(self) -> None:
        if self:
            raise self.error()


def decode(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8 with or without BOM; anything else is refused."""
    if not data.removeprefix(_UTF8_BOM).strip():
        raise ImportErrors([_("The file is empty.")])
    utf16 = _(
        "The file is saved as UTF-16 (“Unicode-Text”). Please save it in Excel as "
        "“CSV UTF-8 (durch Trennzeichen getrennt)” and upload that file."
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportErrors([utf16])
    if data.startswith(_EXCEL):
        raise ImportErrors(
            [
                _(
                    "This is not a CSV file but an Excel workbook (or another packed file). "
                    "Please save it in Excel as “CSV UTF-8 (durch Trennzeichen getrennt)” and "
                    "upload that file."
                )
            ]
        )
    if data.startswith(b"%PDF"):
        raise ImportErrors(
            [
                _(
                    "This is not a CSV file but a PDF document. Please save the table as "
                    "“CSV UTF-8 (durch Trennzeichen getrennt)” and upload that file."
                )
            ]
        )
    if b"\x00" in data:
        # UTF-16 without BOM: in Latin text every other byte is NUL, the bytes between are not.
        odd, even = data[1:400:2].count(0), data[0:400:2].count(0)
        if max(odd, even) >= 0.8 * len(data[:400]) / 2 and min(odd, even) <= 2:
            raise ImportErrors([utf16])
        raise ImportErrors(
            [
                _(
                    "This is not a CSV file: it contains binary data. Please save the table as "
                    "“CSV UTF-8 (durch Trennzeichen getrennt)” and upload that file."
                )
            ]
        )
    try:
        return data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        reason = _(
            "The file is not saved as UTF-8: byte 0x%(byte)02X cannot be read (probably an "
            "umlaut or ß in Windows encoding). Please save it in Excel as “CSV UTF-8 (durch "
            "Trennzeichen getrennt)”."
        ) % {"byte": data[error.start]}
        raise ImportErrors(
            [_("Line %(line)d: %(reason)s") % {"line": line, "reason": reason}]
        ) from None


def parse_crime_statistics(data: bytes, *, known_areas: Collection[str]) -> list[CrimeRow]:
    """The case numbers of a PKS file, or ``ImportErrors`` listing every problem."""
    known = frozenset(known_areas)
    problems = _Problems()
    rows: list[CrimeRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, row in _records(data, CRIME_COLUMNS, problems):
        key = _area_key(row, line, known, problems)
        year = _year(row, line, problems)
        group = _offence_group(row, line, problems)
        cases = _count(row, "faelle", line, problems, minimum=0)
        if key is None or year is None or group is None:
            continue
        first = seen.setdefault((key, year, group), line)
        if first != line:
            problems.line(
                line,
                _(
                    "Key %(key)s, year %(year)d, offence group “%(group)s” appears twice "
                    "(lines %(first)d and %(line)d)."
                )
                % {"key": key, "year": year, "group": group, "first": first, "line": line},
            )
        elif cases is not None:
            rows.append(CrimeRow(area_key=key, year=year, offence_group=group, cases=cases))
    problems.raise_if_any()
    return rows


def parse_population(data: bytes, *, known_areas: Collection[str]) -> list[PopulationRow]:
    """The population figures of a file, or ``ImportErrors`` listing every problem."""
    known = frozenset(known_areas)
    problems = _Problems()
    rows: list[PopulationRow] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row in _records(data, POPULATION_COLUMNS, problems):
        key = _area_key(row, line, known, problems)
        year = _year(row, line, problems)
        population = _count(row, "einwohner", line, problems, minimum=1)
        if key is None or year is None:
            continue
        first = seen.setdefault((key, year), line)
        if first != line:
            problems.line(
                line,
                _("Key %(key)s, year %(year)d appears twice (lines %(first)d and %(line)d).")
                % {"key": key, "year": year, "first": first, "line": line},
            )
        elif population is not None:
            rows.append(PopulationRow(area_key=key, year=year, population=population))
    problems.raise_if_any()
    return rows


def parse_survey(data: bytes) -> list[SurveyRow]:
    """The questionnaires of a survey file, or ``ImportErrors`` listing every problem."""
    problems = _Problems()
    rows: list[SurveyRow] = []
    seen: dict[str, int] = {}
    for line, row in _records(data, SURVEY_COLUMNS, problems):
        valid = True
        number = row["fragebogen"]
        if not number:
            problems.cell(line, "fragebogen", _("A value is required."))
            valid = False
        elif not _QUESTIONNAIRE.fullmatch(number):
            problems.cell(
                line,
                "fragebogen",
                _(
                    "“%(value)s” is not a questionnaire number: 1 to %(max)d letters, digits, "
                    "“-” or “_”."
                )
                % {"value": number, "max": MAX_QUESTIONNAIRE},
            )
            valid = False
        else:
            first = seen.setdefault(number, line)
            if first != line:
                problems.cell(
                    line,
                    "fragebogen",
                    _("Questionnaire “%(number)s” appears twice (lines %(first)d and %(line)d).")
                    % {"number": number, "first": first, "line": line},
                )
                valid = False
        age_group = _age_group(row["altersgruppe"])
        if age_group is None:
            problems.cell(
                line,
                "altersgruppe",
                _("Unknown age group “%(value)s”: expected one of %(choices)s, or empty.")
                % {"value": row["altersgruppe"], "choices": ", ".join(AGE_GROUPS)},
            )
            valid = False
        town_district = row["ortsteil"]
        if len(town_district) > MAX_TOWN_DISTRICT:
            problems.cell(
                line,
                "ortsteil",
                _("The text is %(length)d characters long; at most %(max)d are allowed.")
                % {"length": len(town_district), "max": MAX_TOWN_DISTRICT},
            )
            valid = False
        answers: dict[str, int] = {}
        for item in ITEMS:
            text = row[item.code]
            if not text:
                continue
            code = _ANSWER_CODES[item.code].get(text)
            if code is not None:
                answers[item.code] = code
            else:
                problems.cell(
                    line,
                    item.code,
                    _("“%(value)s” is not an answer: expected a whole number from 1 to %(max)d.")
                    % {"value": text, "max": len(item.scale)},
                )
                valid = False
        if valid:
            rows.append(
                SurveyRow(
                    questionnaire=number,
                    age_group=age_group or "",
                    town_district=town_district,
                    answers=answers,
                )
            )
    problems.raise_if_any()
    return rows


def _records(
    data: bytes, columns: Sequence[str], problems: _Problems
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, values by column) of every non-empty record; problems of form are collected.

    Problems with the header, a file too long or unreadable CSV end the file at once.
    """
    text = decode(data)
    header_text = next((line for line in io.StringIO(text) if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_text))
    line = 0
    try:
        header: list[str] = []
        while not any(name.strip() for name in header):
            line = reader.line_num + 1
            raw = next(reader, None)
            if raw is None:  # nothing but spaces and separators
                raise ImportErrors([_("The file is empty.")])
            header = raw
        positions = _positions(header, columns, line)
        width = max(positions.values()) + 1
        unnamed = [index for index, name in enumerate(header) if not name.strip()]
        count = 0
        while True:
            line = reader.line_num + 1
            raw = next(reader, None)
            if raw is None:
                break
            values = [value.strip() for value in raw]
            if not any(values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise problems.error(
                    first=_(
                        "The file has more than %(max)d records. Please split it into several "
                        "files."
                    )
                    % {"max": MAX_ROWS}
                )
            if len(values) < width or any(values[len(header) :]):
                problems.line(
                    line,
                    _("%(found)d fields instead of %(expected)d.")
                    % {"found": len(values), "expected": len(header)},
                )
                continue
            stray = next(
                (index for index in unnamed if index < len(values) and values[index]), None
            )
            if stray is not None:
                problems.line(
                    line,
                    _("Value “%(value)s” in column %(number)d, which has no name.")
                    % {"value": values[stray], "number": stray + 1},
                )
                continue
            yield line, {column: values[index] for column, index in positions.items()}
    except csv.Error as error:
        problems.line(
            max(line, 1), _("The line cannot be read as CSV: %(error)s") % {"error": error}
        )
        raise problems.error() from None
    if count == 0:
        raise ImportErrors([_("The file contains no records, only the header line.")])


def _delimiter(header_text: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header_text)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=counts.__getitem__)  # the first on a tie: ";" before "," (German Excel)
    return best if counts[best] else ";"


def _column_name(text: str) -> str:
    return text.strip().lower().translate(_UMLAUTS)


def _positions(header: list[str], columns: Sequence[str], line: int) -> dict[str, int]:
    """The index of each expected column in the header, or ``ImportErrors``."""
    problems = _Problems()
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, text in enumerate(header):
        name = _column_name(text)
        if not name:
            continue
        if name in positions:
            if name not in duplicates:
                duplicates.append(name)
        elif name in columns:
            positions[name] = index
        else:
            unknown.append(f"“{text.strip()}”")
    expected = ", ".join(columns)
    missing = [column for column in columns if column not in positions]
    if missing:
        problems.line(
            line,
            _("Columns missing: %(missing)s. Expected columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": expected},
        )
    if unknown:
        problems.line(
            line,
            _("Unknown columns: %(unknown)s. Expected columns: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": expected},
        )
    for name in duplicates:
        problems.line(line, _("Column “%(column)s” appears more than once.") % {"column": name})
    problems.raise_if_any()
    return positions


def _area_key(
    row: dict[str, str], line: int, known: frozenset[str], problems: _Problems
) -> str | None:
    key = row["schluessel"]
    if not key:
        problems.cell(line, "schluessel", _("A value is required."))
    elif not _AREA_KEY.fullmatch(key):
        problems.cell(
            line,
            "schluessel",
            _(
                "“%(value)s” is not a key: expected an 8-digit AGS, a 5-digit Kreis key or 14 "
                "for Saxony."
            )
            % {"value": key},
        )
    elif key not in known:
        problems.cell(
            line,
            "schluessel",
            _("Key %(key)s is not a known municipality, Kreis or Saxony.") % {"key": key},
        )
    else:
        return key
    return None


def _year(row: dict[str, str], line: int, problems: _Problems) -> int | None:
    text = row["jahr"]
    if not text:
        problems.cell(line, "jahr", _("A value is required."))
        return None
    if len(text) <= 4 and _DIGITS.fullmatch(text) and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    problems.cell(
        line,
        "jahr",
        _("“%(value)s” is not a year from %(min)d to %(max)d.")
        % {"value": text, "min": FIRST_YEAR, "max": LAST_YEAR},
    )
    return None


def _offence_group(row: dict[str, str], line: int, problems: _Problems) -> str | None:
    text = row["straftatengruppe"]
    if not text:
        problems.cell(line, "straftatengruppe", _("A value is required."))
        return None
    slug = _OFFENCE_LOOKUP.get(text.lower())
    if slug is None:
        problems.cell(
            line,
            "straftatengruppe",
            _("Unknown offence group “%(value)s”: expected one of %(choices)s.")
            % {
                "value": text,
                "choices": ", ".join(f"{name} ({key})" for name, key, _label in OFFENCE_GROUPS),
            },
        )
    return slug


def _count(
    row: dict[str, str], column: str, line: int, problems: _Problems, *, minimum: int
) -> int | None:
    """A whole number ≥ ``minimum`` (0 or 1), "." allowed as thousands separator."""
    text = row[column]
    if not text:
        problems.cell(line, column, _("A value is required."))
        return None
    whole = _WHOLE_NUMBER.fullmatch(text) is not None
    # More digits than MAX_NUMBER has are too large; int() would refuse thousands of them anyway.
    if whole and len(text.replace(".", "").lstrip("0")) > len(str(MAX_NUMBER)):
        problems.cell(line, column, _("“%(value)s” is too large.") % {"value": text[:20] + "…"})
        return None
    value = int(text.replace(".", "")) if whole else None
    if value is not None and value > MAX_NUMBER:
        problems.cell(line, column, _("“%(value)s” is too large.") % {"value": text})
        return None
    if value is None or value < minimum:
        problem = (
            _("“%(value)s” is not a whole number of 0 or more.")
            if minimum == 0
            else _("“%(value)s” is not a whole number greater than 0.")
        )
        problems.cell(line, column, problem % {"value": text})
        return None
    return value


def _age_group(text: str) -> str | None:
    """The age group in the form of AGE_GROUPS ("16-24" → "16–24"), "" for none, None if unknown."""
    if not text:
        return ""
    normalised = _DASHES.sub("–", "".join(text.split()))
    return normalised if normalised in AGE_GROUPS else None
