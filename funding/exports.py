"""Exports of a funding year's applications and grants: CSV for Excel in German, and XLSX.

Both are safe to open in a spreadsheet: a text that begins like a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) gets a leading apostrophe, so it stays text (OWASP "CSV injection").
Amounts are German in the CSV (``1.234,56``, semicolon separated) and true numbers with a EUR
format in the XLSX, so that they can be summed.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import FundingApplication
from .selectors import with_paid

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MONEY_FORMAT = '#,##0.00 "€"'
XLSX_DATE_FORMAT = "DD.MM.YYYY"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # "text", "money" or "date"


def safe_text(value: Any) -> str:
    """A text cell that no spreadsheet will execute."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _columns() -> list[Column]:
    return [
        Column(_("File number"), "text"),
        Column(_("Funding year"), "text"),
        Column(_("Applicant"), "text"),
        Column(_("Municipality key (AGS)"), "text"),
        Column(_("Landkreis"), "text"),
        Column(_("Police directorate"), "text"),
        Column(_("Funds passed on to"), "text"),
        Column(_("Project title"), "text"),
        Column(_("Field of action"), "text"),
        Column(_("Status"), "text"),
        Column(_("Project starts on"), "date"),
        Column(_("Project ends on"), "date"),
        Column(_("Submitted on"), "date"),
        Column(_("Eligible costs (EUR)"), "money"),
        Column(_("Requested (EUR)"), "money"),
        Column(_("Approved (EUR)"), "money"),
        Column(_("Paid (EUR)"), "money"),
        Column(_("Proof of use due on"), "date"),
        Column(_("Refund owed (EUR)"), "money"),
    ]


def export_queryset(queryset: QuerySet[FundingApplication]) -> QuerySet[FundingApplication]:
    """What an export reads, in one query (plus none per row)."""
    return (
        with_paid(queryset)
        .exclude(status=FundingApplication.Status.DRAFT)
        .select_related(
            "funding_year",
            "municipality__district__police_directorate",
            "district__police_directorate",
            "proof",
        )
        .order_by("funding_year__year", "file_number")
    )


def _row(application: FundingApplication) -> list[Any]:
    municipality = application.municipality
    district = municipality.district if municipality else application.district
    directorate = district.police_directorate if district else None
    proof = getattr(application, "proof", None)
    return [
        application.file_number,
        str(application.funding_year.year),
        application.applicant_name,
        municipality.ags if municipality else (district.key if district else ""),
        district.name if district else "",
        directorate.name if directorate else "",
        application.recipient,
        application.title,
        application.get_field_of_action_display(),
        application.get_status_display(),
        application.starts_on,
        application.ends_on,
        application.submitted_on,
        application.eligible_costs,
        application.requested_amount,
        application.approved_amount,
        getattr(application, "paid_total", None),
        application.proof_due_on,
        proof.refund_amount if proof else None,
    ]


def rows(applications: Iterable[FundingApplication]) -> tuple[list[Column], list[list[Any]]]:
    with override("de"):
        return _columns(), [_row(application) for application in applications]


def _csv_value(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    if kind == "date":
        return value.strftime("%d.%m.%Y")
    return safe_text(value)


def to_csv(applications: Iterable[FundingApplication]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM: what Excel in German opens correctly."""
    columns, data = rows(applications)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(column.title) for column in columns])
    with override("de"):
        for row in data:
            writer.writerow(
                _csv_value(value, column.kind) for value, column in zip(row, columns, strict=True)
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(applications: Iterable[FundingApplication], *, sheet_title: str) -> bytes:
    """One sheet, a frozen header, amounts as numbers formatted in EUR, a sum row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns, data = rows(applications)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = safe_text(sheet_title)[:31]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=safe_text(column.title))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = (
            14 if column.kind != "text" else 24
        )
    for row_number, row in enumerate(data, start=2):
        for index, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index)
            if value is None or value == "":
                continue
            if column.kind == "money":
                cell.value = Decimal(value)
                cell.number_format = XLSX_MONEY_FORMAT
            elif column.kind == "date" and isinstance(value, date):
                cell.value = value
                cell.number_format = XLSX_DATE_FORMAT
            else:
                # Set as a string explicitly: openpyxl would otherwise store "=…" as a formula.
                cell.value = safe_text(value)
                cell.data_type = "s"
    total_row = len(data) + 2
    with override("de"):
        label = sheet.cell(row=total_row, column=1, value=_("Total"))
    label.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        if column.kind == "money" and data:
            total = sum((Decimal(row[index - 1] or 0) for row in data), Decimal(0))
            cell = sheet.cell(row=total_row, column=index, value=total)
            cell.number_format = XLSX_MONEY_FORMAT
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
