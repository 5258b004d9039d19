"""The yearly report (Jahresbericht "Zahlen, Daten, Fakten"): its content, PDF and files.

A report freezes the figures of its cut-off date (31 December, or today for the current year) as
JSON; the SHA-256 of that JSON in canonical form is the fingerprint printed on every page, and the
public verification page recognises it. Rendering is a background task (``figures.tasks``) that
records its progress on the ``YearlyReport`` row, so the admin can show it.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from agreements.models import CooperationAgreement
from analyses.charts import Series, line_chart
from asskomm.jobs import task_send
from asskomm.pdf import RenderedPdf, render_pdf, short_fingerprint
from funding.models import FieldOfAction, FundingApplication, FundingDecision
from municipalities.models import PreventionCouncil, RegisterImport

from .exports import count, figures_csv, figures_data, figures_xlsx, german_date, press_text
from .geo import svg_map
from .models import YearlyReport
from .selectors import (
    AREA_FIGURES,
    FIGURES,
    LAUNCH,
    granted_amount,
    municipality_statuses,
    time_series,
)
from .services import current_attribution, report_as_of

logger = logging.getLogger(__name__)

FIRST_YEAR = LAUNCH.year
TITLE = "Allianz Sichere Sächsische Kommunen – Zahlen, Daten, Fakten"

# The tables by area show these figures (the complete set is in the CSV and XLSX files).
AREA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("municipalities_advised", "beraten"),
    ("municipalities_cooperating", "eng zusammen­arbeitend"),
    ("model_municipalities", "Modell­kommunen"),
    ("councils", "Präventions­räte"),
    ("district_councils", "Präventions­räte Landkreis"),
    ("agreements_signed", "Koop.-Verein­barungen"),
    ("agreements_in_force", "davon in Kraft"),
    ("coaching_processes_started", "Coaching begonnen"),
    ("security_analyses_started", "Sicherheits­analysen begonnen"),
    ("security_analyses_completed", "Sicherheits­analysen abge­schlossen"),
    ("funding_approved_eur", "Förder­mittel im Jahr"),
    ("funding_approved_eur_cumulative", "Förder­mittel seit 2019"),
    ("funded_projects_cumulative", "Projekte seit 2019"),
)

# Time series charts: (title, y label, [(figure key, series label)], scale to thousand EUR).
CHARTS: tuple[tuple[str, str, tuple[tuple[str, str], ...], bool], ...] = (
    (
        "Kommunen",
        "Anzahl Kommunen",
        (
            ("municipalities_advised", "beraten"),
            ("municipalities_cooperating", "eng zusammenarbeitend"),
        ),
        False,
    ),
    (
        "Präventionsräte und Kooperationsvereinbarungen",
        "Anzahl",
        (
            ("councils", "Präventionsräte konstituiert oder reaktiviert"),
            ("agreements_signed", "Kooperationsvereinbarungen unterzeichnet"),
        ),
        False,
    ),
    (
        "Coaching und Sicherheitsanalysen",
        "Anzahl",
        (
            ("coaching_processes_started", "Coaching-Prozesse begonnen"),
            ("security_analyses_started", "Sicherheitsanalysen begonnen"),
            ("security_analyses_completed", "Sicherheitsanalysen abgeschlossen"),
        ),
        False,
    ),
    (
        "Bewilligte Fördermittel",
        "Tausend Euro",
        (
            ("funding_approved_eur", "bewilligt im Jahr"),
            ("funding_approved_eur_cumulative", "bewilligt seit 2019"),
        ),
        True,
    ),
)


def euro(amount: Decimal | float | int) -> str:
    """German amount in euro: 1234.5 -> "1.234,50 €" (non-breaking space before the sign)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return number_format(value, decimal_pos=2, force_grouping=True) + "\u00a0€"


def report_day(year: int, today: date | None = None) -> date:
    """The cut-off date of a year's report: 31 December, or today for the current year."""
    return report_as_of(year, today or timezone.localdate())


# Fingerprint of the frozen figures --------------------------------------------------------------


def canonical_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def figures_fingerprint(figures: dict[str, Any]) -> str:
    """SHA-256 of the frozen figures in canonical JSON: what the report prints and verifies."""
    return hashlib.sha256(canonical_json(figures).encode()).hexdigest()


# Tables of the year --------------------------------------------------------------------------


@dataclass
class FieldFunding:
    label: str
    projects: int
    amount: Decimal


def funding_by_field(year: int, day: date) -> list[FieldFunding]:
    """Projects of the funding year granted by ``day``, and the amount the latest grant or
    amendment by ``day`` states, per field of action (one query; same rule as the figures)."""
    granted = granted_amount(day)
    has_grant = Exists(
        FundingDecision.objects.filter(
            application=OuterRef("pk"), kind=FundingDecision.Kind.GRANT, decided_on__lte=day
        )
    )
    rows = (
        FundingApplication.objects.filter(has_grant, funding_year__year=year)
        .alias(granted=granted)
        .order_by()
        .values("field_of_action")
        .annotate(projects=Count("pk"), amount=Sum("granted"))
    )
    labels = dict(FieldOfAction.choices)
    order = {value: index for index, value in enumerate(FieldOfAction.values)}
    result = [
        FieldFunding(
            label=str(labels.get(row["field_of_action"], "ohne Angabe")),
            projects=row["projects"],
            amount=Decimal(row["amount"] or 0).quantize(Decimal("0.01")),
        )
        for row in sorted(rows, key=lambda row: order.get(row["field_of_action"], len(order)))
    ]
    return result


@dataclass
class NewAgreement:
    label: str
    signed_on: date
    parties: str


def new_agreements(year: int, day: date) -> list[NewAgreement]:
    """Agreements signed in the year up to ``day``; a new version of an older one is not new."""
    agreements = (
        CooperationAgreement.objects.filter(signed_on__gte=date(year, 1, 1), signed_on__lte=day)
        .exclude(predecessor__signed_on__lt=date(year, 1, 1))
        .select_related("district", "police_directorate")
        .prefetch_related("municipalities")
        .order_by("signed_on", "number")
    )
    result = []
    for agreement in agreements:
        names = [m.name for m in agreement.municipalities.all()]
        if not names and agreement.district is not None:
            names = [agreement.district.name]
        if not names and agreement.police_directorate is not None:
            names = [agreement.police_directorate.name]
        result.append(
            NewAgreement(
                label=agreement.label or "ohne Nummer",
                signed_on=agreement.signed_on,  # type: ignore[arg-type]
                parties=", ".join(sorted(names)),
            )
        )
    return result


@dataclass
class NewCouncil:
    name: str
    event: str
    on: date
    level: str
    area: str


def new_councils(year: int, day: date) -> list[NewCouncil]:
    """Prevention councils constituted or reactivated in the year up to ``day``."""
    start = date(year, 1, 1)
    in_year = Q(constituted_on__gte=start, constituted_on__lte=day) | Q(
        reactivated_on__gte=start, reactivated_on__lte=day
    )
    councils = (
        PreventionCouncil.objects.filter(in_year)
        .select_related("district")
        .prefetch_related("municipalities")
        .annotate(counted_on=Coalesce("reactivated_on", "constituted_on"))
        .order_by("counted_on", "name")
    )
    result = []
    for council in councils:
        reactivated = council.reactivated_on is not None and start <= council.reactivated_on <= day
        names = [m.name for m in council.municipalities.all()]
        if council.district is not None:
            names = [council.district.name]
        result.append(
            NewCouncil(
                name=council.name,
                event="reaktiviert" if reactivated else "konstituiert",
                on=council.reactivated_on if reactivated else council.constituted_on,  # type: ignore[arg-type]
                level=council.get_level_display(),
                area=", ".join(sorted(names)),
            )
        )
    return result


def extra_sheets(year: int, day: date) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The lists of the year as sheets of the XLSX file."""
    return {
        "Förderung nach Handlungsfeld": (
            ["Handlungsfeld", "Projekte", "Fördermittel bewilligt (EUR)"],
            [[f.label, f.projects, f.amount] for f in funding_by_field(year, day)],
        ),
        "Neue Vereinbarungen": (
            ["Nummer", "Unterzeichnet am", "Kommunen"],
            [[a.label, a.signed_on, a.parties] for a in new_agreements(year, day)],
        ),
        "Neue Präventionsräte": (
            ["Name", "Ebene", "Ereignis", "Datum", "Gebiet"],
            [[c.name, c.level, c.event, c.on, c.area] for c in new_councils(year, day)],
        ),
    }


# The PDF ----------------------------------------------------------------------------------------


def _number(value: Any, money: bool) -> str:
    if money:
        return euro(value)
    return count(int(value))


def _charts(day: date) -> list[str]:
    series = time_series(day, "year")
    years = [int(period.label) for period in series.periods]
    charts = []
    for title, y_label, keys, thousands in CHARTS:
        lines = []
        for key, label in keys:
            values = series.values.get(key, [])
            points: dict[int, float | Decimal | None] = {
                year: (Decimal(value) / 1000 if thousands else value)
                for year, value in zip(years, values, strict=True)
            }
            lines.append(Series(label, points))
        height = 210 if thousands else 260
        charts.append(line_chart(lines, title=title, y_label=y_label, width=640, height=height))
    return charts


def _register_attribution() -> str:
    latest = (
        RegisterImport.objects.exclude(format=RegisterImport.Format.BUILTIN)
        .order_by("-territorial_date", "-imported_at")
        .first()
    )
    stand = f", Stand {latest.territorial_date:%d.%m.%Y}" if latest else ""
    return (
        "Gemeinden, Kreise und Einwohnerzahlen: © Statistisches Bundesamt (Destatis), "
        f"Gemeindeverzeichnis GV100AD{stand} (Daten verändert), dl-de/by-2-0"
    )


def report_context(year: int, figures: dict[str, Any], *, created_at: Any = None) -> dict[str, Any]:
    """Everything the template shows; the tables come from the frozen figures."""
    import segno

    day = date.fromisoformat(figures["as_of"])
    fingerprint = figures_fingerprint(figures)
    url = settings.SITE_URL + reverse("verify_fingerprint", args=[fingerprint])
    values = {
        figure.key: Decimal(str(figures[figure.key])) if figure.money else int(figures[figure.key])
        for figure in FIGURES
    }
    rows = [
        {
            "label": figure.label.replace(" (EUR)", ""),
            "value": _number(values[figure.key], figure.money),
        }
        for figure in FIGURES
    ]
    area_keys = {figure.key: figure for figure in AREA_FIGURES}

    def area_rows(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "directorate": group.get("directorate", ""),
                "cells": [
                    _number(group.get(key, 0), area_keys[key].money) for key, _label in AREA_COLUMNS
                ],
            }
            for name, group in groups.items()
        ]

    total_cells = [_number(values[key], area_keys[key].money) for key, _label in AREA_COLUMNS]
    statuses = municipality_statuses(day)
    fields = funding_by_field(year, day)
    return {
        "year": year,
        "as_of": day,
        "title": f"{TITLE} {year}",
        "current_year": day < date(year, 12, 31),
        "press_text": press_text(values, day),
        "rows": rows,
        "columns": [label for _key, label in AREA_COLUMNS],
        "by_directorate": area_rows(figures["by_directorate"]),
        "by_district": area_rows(figures["by_district"]),
        "total_cells": total_cells,
        "charts": _charts(day),
        "map": svg_map(
            statuses,
            title=f"ASSKomm in den Kommunen Sachsens, Stand {german_date(day)}",
            public=True,
        ),
        "map_attribution": current_attribution(),
        "register_attribution": _register_attribution(),
        "funding": [
            {"label": f.label, "projects": count(f.projects), "amount": euro(f.amount)}
            for f in fields
        ],
        "funding_total": euro(sum((f.amount for f in fields), Decimal("0.00"))),
        "funding_projects": count(sum(f.projects for f in fields)),
        "agreements": new_agreements(year, day),
        "councils": new_councils(year, day),
        "fingerprint": fingerprint,
        "short_fingerprint": short_fingerprint(fingerprint),
        "verification_url": url,
        "short_verification_url": settings.SITE_URL
        + reverse("verify_fingerprint", args=[fingerprint[:16]]),
        "qr_svg": segno.make(url, error="m", micro=False).svg_inline(scale=2, border=0),
        "created_at": created_at or timezone.now(),
    }


def report_pdf(year: int, figures: dict[str, Any], *, created_at: Any = None) -> RenderedPdf:
    return render_pdf(
        "figures/pdf/yearly_report.html", report_context(year, figures, created_at=created_at)
    )


# Rendering a YearlyReport (the task's work) ------------------------------------------------------


def _progress(report_id: int, percent: int, **fields: Any) -> None:
    YearlyReport.objects.filter(pk=report_id).update(progress=percent, **fields)


def yearly_report_render(*, report_id: int) -> YearlyReport:
    """Compute, freeze and render a report with its CSV and XLSX; a finished one stays as it is.

    The slow work runs outside any lock; the files are stored under the row lock, once.
    """
    report = YearlyReport.objects.get(pk=report_id)
    if report.status in (YearlyReport.Status.DONE, YearlyReport.Status.FAILED):
        # Finished, or given up after the last attempt: a re-delivered task changes nothing.
        return report
    _progress(report_id, 10, status=YearlyReport.Status.RUNNING, error="")
    day = report.as_of
    figures = figures_data(day)
    _progress(report_id, 40)
    pdf = report_pdf(report.year, figures, created_at=report.created_at)
    _progress(report_id, 70, pages=pdf.pages)
    csv_data = figures_csv(day)
    xlsx_data = figures_xlsx(day, extra_sheets=extra_sheets(report.year, day))
    name = f"ASSKomm-Zahlen-{report.year}-Stand-{day:%Y-%m-%d}-{report.pk}"
    with transaction.atomic():
        report = YearlyReport.objects.select_for_update().get(pk=report_id)
        if report.status == YearlyReport.Status.DONE:
            return report
        report.figures = figures
        report.figures_sha256 = figures_fingerprint(figures)
        report.pdf.save(f"{name}.pdf", ContentFile(pdf.data), save=False)
        report.pdf_sha256 = pdf.sha256
        report.pages = pdf.pages
        report.csv.save(f"{name}.csv", ContentFile(csv_data), save=False)
        report.csv_sha256 = hashlib.sha256(csv_data).hexdigest()
        report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx_data), save=False)
        report.xlsx_sha256 = hashlib.sha256(xlsx_data).hexdigest()
        report.status = YearlyReport.Status.DONE
        report.progress = 100
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
    return report


def yearly_report_failed(*, report_id: int, error: BaseException, final: bool) -> None:
    """Record a failed attempt (the task tries again) or the final failure."""
    message = _("The yearly report could not be rendered: %(error)s") % {
        "error": f"{type(error).__name__}: {error}"
    }
    fields: dict[str, Any] = {"error": message[:2000]}
    if final:
        fields.update(status=YearlyReport.Status.FAILED, finished_at=timezone.now())
    else:
        fields.update(status=YearlyReport.Status.WAITING, progress=0)
    YearlyReport.objects.filter(pk=report_id).exclude(status=YearlyReport.Status.DONE).update(
        **fields
    )


@transaction.atomic
def yearly_report_create(
    *, year: int, user: Any = None, scheduled: bool = False, today: date | None = None
) -> YearlyReport:
    """A waiting report of ``year`` (as of 31 December, or today); its rendering is queued."""
    from .tasks import render_yearly_report

    report = YearlyReport.objects.create(
        year=year,
        as_of=report_day(year, today),
        scheduled=scheduled,
        created_by=user if user is not None and user.pk else None,
    )
    # A broker that is down leaves the report waiting (and the request says so), not a 500.
    transaction.on_commit(lambda: task_send(render_yearly_report, report.pk))
    return report


# The schedule -----------------------------------------------------------------------------------


def second_working_day_of_january(year: int) -> date:
    """1 January is a holiday; working days are Monday to Friday (6 January is no holiday in
    Saxony)."""
    day = date(year, 1, 1)
    found = 0
    while True:
        day += timedelta(days=1)
        if day.weekday() < 5:
            found += 1
            if found == 2:
                return day


def yearly_report_if_due(today: date | None = None) -> YearlyReport | None:
    """On the second working day of January, the report of the past year, once."""
    today = today or timezone.localdate()
    if today != second_working_day_of_january(today.year):
        return None
    year = today.year - 1
    with transaction.atomic():
        if YearlyReport.objects.filter(year=year, scheduled=True).exists():
            return None
        report = yearly_report_create(year=year, scheduled=True, today=today)
    logger.info("Scheduled yearly report %s queued", year)
    return report
