"""Reading the official municipality register (Destatis Gemeindeverzeichnis GV100AD).

Two formats are understood: the fixed-width GV100AD file exactly as Destatis publishes it, and the
flattened CSV of the same data. Parsing is pure (no database): the whole file is read and checked
first, so a malformed file is rejected with its line number before anything is written.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# GV100AD records are 220 characters wide (Destatis, Datensatzbeschreibung GV100AD).
GV100AD_WIDTH = 220
NAME_WIDTH = 50
# Larger than any population or area in hectares; keeps values inside the database's integers.
MAX_NUMBER = 2_000_000_000
# The lengths of the register's text columns (GV100AD's fixed width keeps within them; CSV not).
NAME_LENGTH = 120
OFFICIAL_NAME_LENGTH = 200
SEAT_LENGTH = 80

# Text codes (Textkennzeichen) of the record types read here.
DISTRICT_KINDS = {"41": "kreisfreie_stadt", "44": "landkreis"}
ASSOCIATION_KINDS = {"54": "verwaltungsgemeinschaft", "56": "verwaltungsverband"}
UNAFFILIATED = "50"  # verbandsfreie Gemeinde: no association
MUNICIPALITY_KINDS = {
    "60": "markt",
    "61": "kreisfreie_stadt",
    "63": "stadt",
    "64": "gemeinde",
    "67": "grosse_kreisstadt",
}

# Destatis' 50-character name field cuts off some official names. The full names are given in
# Destatis' notes to the edition (Hinweise.txt); Bautzen's since its renaming on 1 July 2025.
KNOWN_FULL_NAMES = {
    "14625020": "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město",
}

CSV_COLUMNS = (
    "ags",
    "name_official",
    "name_sorbian",
    "gemeinde_type",
    "kreis",
    "kreis_ags",
    "kreis_name_destatis",
    "kreis_type",
    "kreis_sitz",
    "verband_ars",
    "verband_name",
    "verband_type",
    "verband_sitz",
    "ars",
    "population",
    "area_km2",
    "postcode",
    "gebietsstand",
    "population_date",
)
CSV_MUNICIPALITY_KINDS = {
    "Markt": "markt",
    "kreisfreie Stadt": "kreisfreie_stadt",
    "Stadt": "stadt",
    "kreisangehörige Gemeinde": "gemeinde",
    "Gemeinde": "gemeinde",
    "Große Kreisstadt": "grosse_kreisstadt",
}
CSV_DISTRICT_KINDS = {"Landkreis": "landkreis", "kreisfreie Stadt": "kreisfreie_stadt"}
CSV_ASSOCIATION_KINDS = {
    "Verwaltungsgemeinschaft": "verwaltungsgemeinschaft",
    "Verwaltungsverband": "verwaltungsverband",
}
CSV_UNAFFILIATED = "verbandsfreie Gemeinde"


class RegisterFileError(Exception):
    """A register file that cannot be imported; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        message = (
            _("Line %(line)d: %(reason)s") % {"line": line, "reason": reason} if line else reason
        )
        super().__init__(message)


@dataclass(frozen=True)
class DistrictRecord:
    key: str
    official_name: str
    name: str
    kind: str
    seat: str
    line: int


@dataclass(frozen=True)
class AssociationRecord:
    key: str
    name: str
    kind: str
    seat: str
    district_key: str
    line: int


@dataclass(frozen=True)
class MunicipalityRecord:
    ags: str
    ars: str
    name: str
    official_name: str
    sorbian_name: str
    kind: str
    district_key: str
    association_key: str | None
    population: int | None
    area_km2: Decimal | None
    postcode: str
    has_several_postcodes: bool
    name_possibly_truncated: bool
    line: int


@dataclass
class RegisterEdition:
    """One edition of the register as read from a file."""

    format: str
    territorial_date: date
    population_date: date | None
    districts: dict[str, DistrictRecord] = field(default_factory=dict)
    associations: dict[str, AssociationRecord] = field(default_factory=dict)
    municipalities: dict[str, MunicipalityRecord] = field(default_factory=dict)
    skipped_lines: int = 0
    # A complete edition lists every municipality of its districts; only then are the missing
    # ones dissolved. A partial set (the built-in demo register) never dissolves anything.
    is_complete: bool = True

    @property
    def lands(self) -> set[str]:
        return {key[:2] for key in self.districts}


def split_official_name(official_name: str) -> tuple[str, str]:
    """The short German name and the Sorbian name of an official (possibly bilingual) name.

    "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město" → ("Bautzen", "Budyšin");
    "Weißwasser/O.L., Stadt / Běła Woda" → ("Weißwasser/O.L.", "Běła Woda").
    """
    parts = [part.strip() for part in official_name.split(" / ")]
    german = parts[0].split(", ")[0].strip()
    sorbian = parts[1].split(", ")[0].strip() if len(parts) > 1 else ""
    return german, sorbian


def district_display_name(official_name: str, kind: str) -> str:
    """The usual long name of a Kreis: "Mittelsachsen" → "Landkreis Mittelsachsen"."""
    if kind == "kreisfreie_stadt":
        return f"Stadt {official_name.split(', ')[0]}"
    if official_name.endswith("kreis"):
        return official_name
    return f"Landkreis {official_name}"


def default_population_date(territorial_date: date) -> date:
    """Reference date of the population figures in a GV100AD edition.

    Destatis' yearly edition (Gebietsstand 31 December) carries the population of that day; the
    editions during a year carry the last year-end figures, e.g. 30.11.2025 → 31.12.2024.
    """
    if (territorial_date.month, territorial_date.day) == (12, 31):
        return territorial_date
    return date(territorial_date.year - 1, 12, 31)


def parse_register(
    data: bytes,
    *,
    land: str | None = None,
    only_land: str | None = None,
    population_date: date | None = None,
) -> RegisterEdition:
    """Read a GV100AD or CSV register file, or raise ``RegisterFileError`` for the first problem.

    ``land`` demands that every key belongs to that Land (e.g. "14" for Saxony); ``only_land``
    skips the records of other Länder, for a file covering all of Germany.
    """
    lines = _decode_lines(data)
    first = next((text for text in lines if text.strip()), "")
    if not first:
        raise RegisterFileError(0, _("The file is empty."))
    if first.lstrip("\ufeff").startswith("ags,") or first.lstrip("\ufeff").startswith('"ags"'):
        edition = _parse_csv(lines, land=land, only_land=only_land)
    elif re.match(r"^(10|20|30|40|50|60)[0-9]{8}", first):
        edition = _parse_gv100ad(lines, land=land, only_land=only_land)
        edition.population_date = population_date or default_population_date(
            edition.territorial_date
        )
    else:
        raise RegisterFileError(
            1,
            _(
                "Unknown file format. Expected the Destatis GV100AD file (fixed width, "
                "220 characters per line) or its CSV with a header line starting with “ags,”."
            ),
        )
    if population_date:
        edition.population_date = population_date
    if not edition.municipalities:
        raise RegisterFileError(0, _("The file contains no municipalities."))
    return edition


def _decode_lines(data: bytes) -> list[str]:
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        raw = raw.removesuffix(b"\r")
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if b"\x00" in raw:  # no text column of the database can hold it
            raise RegisterFileError(
                number,
                _("The line contains a NUL byte (binary data); please use the original file."),
            )
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise RegisterFileError(
                number,
                _(
                    "The file is not UTF-8 encoded (byte 0x%(byte)02x at position %(position)d). "
                    "Destatis publishes GV100AD in UTF-8; please use the original file."
                )
                % {"byte": raw[error.start], "position": error.start + 1},
            ) from None
    return lines


def _parse_date(text: str, line: int) -> date:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise RegisterFileError(
            line, _("“%(value)s” is not a valid date (YYYYMMDD).") % {"value": text}
        ) from None


def _digits(text: str, length: int, what: str, line: int) -> str:
    if len(text) != length or not (text.isascii() and text.isdigit()):
        raise RegisterFileError(
            line,
            _("Invalid %(what)s “%(value)s”: %(length)d digits expected.")
            % {"what": what, "value": text.strip(), "length": length},
        )
    return text


def _number(text: str, what: str, line: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 11 or int(text) > MAX_NUMBER:
        raise RegisterFileError(
            line,
            _("Invalid %(what)s “%(value)s”: a number expected.") % {"what": what, "value": text},
        )
    return int(text)


def _check_land(key: str, line: int, land: str | None, only_land: str | None) -> bool:
    """True if the record is to be read; raises if it lies outside the demanded Land."""
    key = key.strip()
    if only_land is not None and key[:2] != only_land:
        return False
    if land is not None and key[:2] != land:
        raise RegisterFileError(
            line,
            _("Key %(key)s lies outside Land %(land)s (option --land).")
            % {"key": key, "land": land},
        )
    return True


def _parse_gv100ad(lines: list[str], *, land: str | None, only_land: str | None) -> RegisterEdition:
    territorial_date: date | None = None
    edition: RegisterEdition | None = None
    pending_municipalities: list[tuple[str, str, int]] = []
    seen_municipalities: set[str] = set()
    association_records: dict[tuple[str, str], tuple[str, str, str, int]] = {}
    skipped = 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if len(text) != GV100AD_WIDTH:
            raise RegisterFileError(
                number,
                _("The line is %(width)d characters wide, a GV100AD record has %(expected)d.")
                % {"width": len(text), "expected": GV100AD_WIDTH},
            )
        record_type = text[0:2]
        if record_type not in {"10", "20", "30", "40", "50", "60"}:
            raise RegisterFileError(
                number, _("Unknown record type (Satzart) “%(type)s”.") % {"type": record_type}
            )
        line_date = _parse_date(text[2:10], number)
        if territorial_date is None:
            territorial_date = line_date
            edition = RegisterEdition(
                format="gv100ad", territorial_date=line_date, population_date=None
            )
        elif line_date != territorial_date:
            raise RegisterFileError(
                number,
                _("Territorial status %(date)s differs from %(first)s in line 1.")
                % {
                    "date": line_date.strftime("%d.%m.%Y"),
                    "first": territorial_date.strftime("%d.%m.%Y"),
                },
            )
        _digits(text[10:12], 2, _("Land key"), number)
        if not _check_land(text[10:18], number, land, only_land):
            skipped += 1
            continue
        name = text[22:72].rstrip()
        seat = text[72:122].rstrip()
        code = text[122:124]
        assert edition is not None  # noqa: S101 - set with the first record
        if record_type == "40":
            key = _digits(text[10:15], 5, _("district key"), number)
            if code not in DISTRICT_KINDS:
                raise RegisterFileError(
                    number, _("Unknown district type “%(code)s”.") % {"code": code}
                )
            if key in edition.districts:
                raise RegisterFileError(number, _("District %(key)s appears twice.") % {"key": key})
            kind = DISTRICT_KINDS[code]
            edition.districts[key] = DistrictRecord(
                key=key,
                official_name=name,
                name=district_display_name(name, kind),
                kind=kind,
                seat=seat,
                line=number,
            )
        elif record_type == "50":
            district_key = _digits(text[10:15], 5, _("district key"), number)
            association_code = _digits(text[18:22], 4, _("association key"), number)
            if code != UNAFFILIATED and code not in ASSOCIATION_KINDS:
                raise RegisterFileError(
                    number, _("Unknown association type “%(code)s”.") % {"code": code}
                )
            association_records[(district_key, association_code)] = (name, seat, code, number)
        elif record_type == "60":
            ags = _digits(text[10:18], 8, _("AGS"), number)
            association_code = _digits(text[18:22], 4, _("association key"), number)
            if ags in seen_municipalities:
                raise RegisterFileError(
                    number, _("Municipality %(ags)s appears twice.") % {"ags": ags}
                )
            seen_municipalities.add(ags)
            pending_municipalities.append((ags, association_code, number))
    if edition is None:
        raise RegisterFileError(0, _("The file contains no municipalities."))
    edition.skipped_lines = skipped

    for (district_key, association_code), (name, seat, code, number) in association_records.items():
        if district_key not in edition.districts:
            raise RegisterFileError(
                number,
                _("District %(key)s of this record is missing in the file.")
                % {"key": district_key},
            )
        if code in ASSOCIATION_KINDS:
            key = district_key + association_code
            edition.associations[key] = AssociationRecord(
                key=key,
                name=name,
                kind=ASSOCIATION_KINDS[code],
                seat=seat,
                district_key=district_key,
                line=number,
            )

    for ags, association_code, number in pending_municipalities:
        text = lines[number - 1]
        district_key = ags[:5]
        if district_key not in edition.districts:
            raise RegisterFileError(
                number,
                _("Municipality %(ags)s belongs to district %(key)s, which is missing in the file.")
                % {"ags": ags, "key": district_key},
            )
        if (district_key, association_code) not in association_records:
            raise RegisterFileError(
                number,
                _(
                    "Municipality %(ags)s belongs to association %(key)s, "
                    "which is missing in the file."
                )
                % {"ags": ags, "key": district_key + association_code},
            )
        code = text[122:124]
        if code not in MUNICIPALITY_KINDS:
            raise RegisterFileError(
                number, _("Unknown municipality type “%(code)s”.") % {"code": code}
            )
        raw_name = text[22:72].rstrip()
        truncated = len(raw_name) == NAME_WIDTH
        official_name = raw_name
        known = KNOWN_FULL_NAMES.get(ags)
        if truncated and known and known.startswith(raw_name):
            official_name, truncated = known, False
        if not official_name:
            raise RegisterFileError(number, _("The municipality has no name."))
        name, sorbian = split_official_name(official_name)
        area_ha = _number(text[128:139], _("area"), number)
        population = _number(text[139:150], _("population"), number)
        postcode = _postcode(text[165:170], number)
        association_key = district_key + association_code
        edition.municipalities[ags] = MunicipalityRecord(
            ags=ags,
            ars=district_key + association_code + ags[5:],
            name=name,
            official_name=official_name,
            sorbian_name=sorbian,
            kind=MUNICIPALITY_KINDS[code],
            district_key=district_key,
            association_key=association_key if association_key in edition.associations else None,
            population=population,
            area_km2=(Decimal(area_ha) / 100).quantize(Decimal("0.01"))
            if area_ha is not None
            else None,
            postcode=postcode,
            has_several_postcodes=text[170:175] == "*****",
            name_possibly_truncated=truncated,
            line=number,
        )
    return edition


def _parse_csv(lines: list[str], *, land: str | None, only_land: str | None) -> RegisterEdition:
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except (StopIteration, csv.Error):
        raise RegisterFileError(1, _("The header line cannot be read.")) from None
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise RegisterFileError(
            1, _("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    edition: RegisterEdition | None = None
    skipped = 0
    number = 1
    try:
        for number, values in enumerate(reader, start=2):  # noqa: B007 - number used after loop
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise RegisterFileError(
                    number,
                    _("%(found)d fields instead of %(expected)d.")
                    % {"found": len(values), "expected": len(header)},
                )
            row = dict(zip(header, (value.strip() for value in values), strict=True))
            ags = _digits(row["ags"], 8, _("AGS"), number)
            if not _check_land(ags, number, land, only_land):
                skipped += 1
                continue
            territorial_date = _parse_iso_date(row["gebietsstand"], number)
            if edition is None:
                edition = RegisterEdition(
                    format="csv",
                    territorial_date=territorial_date,
                    population_date=_parse_iso_date(row["population_date"], number)
                    if row["population_date"]
                    else None,
                )
            elif territorial_date != edition.territorial_date:
                raise RegisterFileError(
                    number,
                    _("Territorial status %(date)s differs from the first row.")
                    % {"date": territorial_date.strftime("%d.%m.%Y")},
                )
            if ags in edition.municipalities:
                raise RegisterFileError(
                    number, _("Municipality %(ags)s appears twice.") % {"ags": ags}
                )
            district_key = _digits(row["kreis_ags"], 5, _("district key"), number)
            if not ags.startswith(district_key):
                raise RegisterFileError(
                    number,
                    _("AGS %(ags)s does not lie in district %(key)s.")
                    % {"ags": ags, "key": district_key},
                )
            district_kind = _choice(
                row["kreis_type"], CSV_DISTRICT_KINDS, _("district type"), number
            )
            if district_key not in edition.districts:
                district_official = _text(
                    row["kreis_name_destatis"], NAME_LENGTH, _("official name"), number
                )
                edition.districts[district_key] = DistrictRecord(
                    key=district_key,
                    official_name=district_official,
                    name=_text(
                        row["kreis"] or district_display_name(district_official, district_kind),
                        NAME_LENGTH,
                        _("name"),
                        number,
                    ),
                    kind=district_kind,
                    seat=_text(row["kreis_sitz"], SEAT_LENGTH, _("seat"), number),
                    line=number,
                )
            association_key = None
            if row["verband_type"] != CSV_UNAFFILIATED:
                association_kind = _choice(
                    row["verband_type"], CSV_ASSOCIATION_KINDS, _("association type"), number
                )
                association_key = _digits(row["verband_ars"], 9, _("association key"), number)
                if not association_key.startswith(district_key):
                    raise RegisterFileError(
                        number,
                        _("Association %(key)s does not lie in district %(district)s.")
                        % {"key": association_key, "district": district_key},
                    )
                edition.associations.setdefault(
                    association_key,
                    AssociationRecord(
                        key=association_key,
                        name=_text(row["verband_name"], NAME_LENGTH, _("name"), number),
                        kind=association_kind,
                        seat=_text(row["verband_sitz"], SEAT_LENGTH, _("seat"), number),
                        district_key=district_key,
                        line=number,
                    ),
                )
            ars = _digits(row["ars"], 12, _("ARS"), number) if row["ars"] else ""
            official_name = _text(
                row["name_official"], OFFICIAL_NAME_LENGTH, _("official name"), number
            )
            if not official_name:
                raise RegisterFileError(number, _("The municipality has no name."))
            name, sorbian = split_official_name(official_name)
            name = _text(name, NAME_LENGTH, _("name"), number)
            postcode = _postcode(row["postcode"], number)
            edition.municipalities[ags] = MunicipalityRecord(
                ags=ags,
                ars=ars,
                name=name,
                official_name=official_name,
                sorbian_name=_text(
                    row["name_sorbian"] or sorbian, NAME_LENGTH, _("Sorbian name"), number
                ),
                kind=_choice(
                    row["gemeinde_type"], CSV_MUNICIPALITY_KINDS, _("municipality type"), number
                ),
                district_key=district_key,
                association_key=association_key,
                population=_number(row["population"], _("population"), number),
                area_km2=_decimal(row["area_km2"], _("area"), number),
                postcode=postcode,
                has_several_postcodes=row.get("postcode_unique", "") == "no",
                name_possibly_truncated=False,
                line=number,
            )
    except csv.Error as error:
        raise RegisterFileError(number, str(error)) from None
    if edition is None:
        raise RegisterFileError(0, _("The file contains no municipalities."))
    edition.skipped_lines = skipped
    return edition


def _text(text: str, limit: int, what: str, line: int) -> str:
    if len(text) > limit:
        raise RegisterFileError(
            line,
            _("The %(what)s is %(length)d characters long; at most %(max)d are allowed.")
            % {"what": what, "length": len(text), "max": limit},
        )
    return text


def _parse_iso_date(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RegisterFileError(
            line, _("“%(value)s” is not a valid date (YYYY-MM-DD).") % {"value": text}
        ) from None


def _decimal(text: str, what: str, line: int) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value >= 10_000_000:
        raise RegisterFileError(
            line,
            _("Invalid %(what)s “%(value)s”: a number expected.") % {"what": what, "value": text},
        )
    return value.quantize(Decimal("0.01"))


def _postcode(text: str, line: int) -> str:
    postcode = text.strip()
    if postcode and (len(postcode) != 5 or not (postcode.isascii() and postcode.isdigit())):
        raise RegisterFileError(line, _("Invalid postcode “%(value)s”.") % {"value": postcode})
    return postcode


def _choice(value: str, choices: dict[str, str], what: str, line: int) -> str:
    if value not in choices:
        raise RegisterFileError(
            line,
            _("Unknown %(what)s “%(value)s” (expected: %(choices)s).")
            % {"what": what, "value": value, "choices": ", ".join(choices)},
        )
    return choices[value]
