"""The figures as data (JSON with stable English keys, CSV, XLSX) and as the German press text."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format

from funding.exports import safe_text

from .selectors import (
    AREA_FIGURES,
    FIGURES,
    LAUNCH,
    GroupFigures,
    Values,
    figures_as_of,
    figures_by_directorate,
    figures_by_district,
)


def _plain(values: Values) -> dict[str, Any]:
    """JSON-ready: counts as integers, amounts in EUR as numbers with two decimals."""
    return {
        key: float(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }


def figures_data(day: date) -> dict[str, Any]:
    """Everything the command, the report and the exports show for one cut-off date."""
    totals = figures_as_of(day)
    return {
        "as_of": day.isoformat(),
        "since": LAUNCH.isoformat(),
        **_plain(totals),
        "by_directorate": {
            group.name: {"key": group.key, **_plain(group.values)}
            for group in figures_by_directorate(day)
        },
        "by_district": {
            group.name: {"key": group.key, "directorate": group.directorate, **_plain(group.values)}
            for group in figures_by_district(day)
        },
    }


def figures_json(day: date) -> str:
    return json.dumps(figures_data(day), ensure_ascii=False, indent=2)


def count(number: int | Decimal) -> str:
    return number_format(number, decimal_pos=0, force_grouping=True)


def eur(amount: int | Decimal) -> str:
    return number_format(Decimal(amount), decimal_pos=2, force_grouping=True) + " Euro"


def _plural(number: int | Decimal, singular: str, plural: str) -> str:
    return f"{count(number)} {singular if number == 1 else plural}"


def german_date(day: date) -> str:
    return date_format(day, "j. F Y")


def press_text(values: Values, day: date) -> str:
    """The paragraph a press release of the LPR uses, from the figures of ``day``."""
    v = values
    sentences = [
        f"Seit dem Start der Allianz am {german_date(LAUNCH)} hat der Landespräventionsrat "
        f"Sachsen {_plural(v['municipalities_advised'], 'Kommune', 'Kommunen')} beraten, wovon "
        f"{count(v['municipalities_cooperating'])} eng mit ASSKomm zusammenarbeiten, darunter "
        f"die {count(v['model_municipalities'])} Modellkommunen.",
        _plural(
            v["councils"],
            "Kommunaler Präventionsrat wurde",
            "Kommunale Präventionsräte wurden",
        )
        + " konstituiert oder reaktiviert, "
        + _plural(v["agreements_signed"], "Kooperationsvereinbarung", "Kooperationsvereinbarungen")
        + " unterzeichnet.",
        _plural(v["coaching_processes_started"], "Coaching-Prozess hat", "Coaching-Prozesse haben")
        + f" begonnen ({count(v['coaching_processes_running'])} laufend, "
        f"{count(v['coaching_processes_completed'])} abgeschlossen), "
        + _plural(
            v["security_analyses_started"],
            "Sicherheitsanalyse wurde",
            "Sicherheitsanalysen wurden",
        )
        + f" begonnen und {count(v['security_analyses_completed'])} abgeschlossen.",
        f"Im Jahr {day.year} wurden bis zum {german_date(day)} Fördermittel in Höhe von "
        f"{eur(v['funding_approved_eur'])} für "
        f"{_plural(v['funded_projects'], 'Projekt', 'Projekte')} bewilligt, seit 2019 insgesamt "
        f"{eur(v['funding_approved_eur_cumulative'])} für "
        f"{_plural(v['funded_projects_cumulative'], 'Projekt', 'Projekte')}.",
    ]
    if "beccaria_graduates" in v:
        sentences.append(
            f"{_plural(v['beccaria_graduates'], 'Person hat', 'Personen haben')} die "
            "Beccaria-Qualifizierung „Fachkraft für Kriminalprävention“ abgeschlossen."
        )
    sentences.append(f"(Stand: {german_date(day)})")
    return " ".join(sentences)


def figures_text(day: date) -> str:
    return press_text(figures_as_of(day), day)


# Tables -----------------------------------------------------------------------------------------


def _cell(value: int | Decimal) -> str:
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2)
    return str(value)


def table_rows(day: date) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: Sachsen, then each Polizeidirektion, then each Kreis."""
    totals = figures_as_of(day)
    header = ["Ebene", "Schlüssel", "Name", *(figure.label for figure in FIGURES)]
    rows: list[list[Any]] = [["Land", "14", "Sachsen", *(totals[figure.key] for figure in FIGURES)]]

    def group_row(level: str, group: GroupFigures) -> list[Any]:
        return [
            level,
            group.key,
            group.name,
            *(group.values[f.key] if f in AREA_FIGURES else None for f in FIGURES),
        ]

    rows += [group_row("Polizeidirektion", g) for g in figures_by_directorate(day)]
    rows += [group_row("Kreis", g) for g in figures_by_district(day)]
    return header, rows


def figures_csv(day: date) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: what Excel in German opens."""
    header, rows = table_rows(day)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"Stand {day:%d.%m.%Y}"])
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ""
            if value is None
            else _cell(value)
            if not isinstance(value, str)
            else safe_text(value)
            for value in row
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


Table = tuple[list[str], list[list[Any]]]


def figures_xlsx(day: date, extra_sheets: dict[str, Table] | None = None) -> bytes:
    """One sheet of figures (numbers as numbers, EUR formatted), and any extra tables given."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, rows = table_rows(day)
    workbook = Workbook()
    sheets = {"Zahlen": (header, rows), **(extra_sheets or {})}
    for number, (title, (columns, data)) in enumerate(sheets.items()):
        sheet = workbook.worksheets[0] if number == 0 else workbook.create_sheet()
        sheet.title = title[:31]
        sheet.append([f"Stand {day:%d.%m.%Y}"])
        sheet.append(columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in data:
            # Texts (names from the register, agreement labels) never become formulas.
            sheet.append([safe_text(value) if isinstance(value, str) else value for value in row])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 14 if index > 3 else 26
            figure = next((f for f in FIGURES if f.label == column), None)
            if figure is not None and figure.money:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = '#,##0.00 "€"'
        sheet.freeze_panes = "D3" if number == 0 else "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
