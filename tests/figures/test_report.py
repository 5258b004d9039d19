"""The yearly report: rendered by the task, read back from the PDF, CSV and XLSX files."""

import csv
import hashlib
import io
import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import CooperationAgreement
from asskomm.jobs import MAX_ATTEMPTS
from figures import report as report_module
from figures.models import YearlyReport
from figures.report import (
    figures_fingerprint,
    funding_by_field,
    new_agreements,
    new_councils,
    yearly_report_create,
)
from figures.selectors import FIGURES, figures_as_of
from figures.tasks import render_yearly_report
from funding.models import FieldOfAction, FundingApplication, FundingDecision, FundingYear
from municipalities.models import Consultation, Municipality, PreventionCouncil

pytestmark = pytest.mark.django_db

YEAR = 2022
AS_OF = date(2022, 12, 31)


def build_report_history() -> None:
    """A small, known history around 2022 (the register of Saxony must be imported)."""
    goerlitz = Municipality.objects.get(ags="14626110")
    pirna = Municipality.objects.get(ags="14628270")
    weisswasser = Municipality.objects.get(ags="14626610")
    bautzen = Municipality.objects.get(ags="14625020")
    for municipality, day in (
        (goerlitz, date(2021, 3, 1)),
        (pirna, date(2022, 5, 10)),
        (weisswasser, date(2022, 6, 1)),
        (bautzen, date(2023, 2, 1)),  # after the cut-off: not counted
    ):
        Consultation.objects.create(municipality=municipality, date=day, kind="beratung")
    council = PreventionCouncil.objects.create(
        name="Kommunaler Präventionsrat Görlitz",
        level=PreventionCouncil.Level.MUNICIPALITY,
        status=PreventionCouncil.Status.ACTIVE,
        constituted_on=date(2022, 4, 20),
    )
    council.municipalities.set([goerlitz])
    revived = PreventionCouncil.objects.create(
        name="Sicherheitsbeirat Pirna",
        level=PreventionCouncil.Level.MUNICIPALITY,
        status=PreventionCouncil.Status.ACTIVE,
        constituted_on=date(2012, 1, 10),
        reactivated_on=date(2022, 9, 1),
    )
    revived.municipalities.set([pirna])
    agreement = CooperationAgreement.objects.create(
        number=7,
        number_year=2022,
        status=CooperationAgreement.Status.SIGNED,
        signed_on=date(2022, 6, 15),
        frozen_at=datetime(2022, 5, 1, tzinfo=UTC),
    )
    agreement.municipalities.set([goerlitz])
    funding_year = FundingYear.objects.create(
        year=2022,
        budget=Decimal("1300000.00"),
        call_opens=date(2021, 8, 31),
        call_closes=date(2021, 10, 15),
    )
    grants = (
        (goerlitz, FieldOfAction.VIOLENCE, date(2022, 3, 1), "12345.67", "13000.50"),
        (pirna, FieldOfAction.YOUTH, date(2022, 7, 1), "1000000.00", None),
        (weisswasser, FieldOfAction.YOUTH, date(2023, 1, 10), "5000.00", None),  # too late
    )
    for municipality, field, decided_on, amount, amended in grants:
        application = FundingApplication.objects.create(
            funding_year=funding_year,
            municipality=municipality,
            title=f"Projekt {municipality.name}",
            field_of_action=field,
            status=FundingApplication.Status.APPROVED,
            approved_amount=Decimal(amended or amount),
        )
        FundingDecision.objects.create(
            application=application,
            kind=FundingDecision.Kind.GRANT,
            decided_on=decided_on,
            amount=Decimal(amount),
        )
        if amended:
            FundingDecision.objects.create(
                application=application,
                kind=FundingDecision.Kind.AMENDMENT,
                number=2,
                decided_on=date(2022, 8, 1),
                amount=Decimal(amended),
            )


@pytest.fixture
def history(saxony: Any, shared_data_dir: Path) -> None:
    call_command("import_boundaries", str(shared_data_dir / "sachsen_gemeinden.geojson"))
    build_report_history()


def pdf_text(path: str) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"],  # noqa: S607 - poppler-utils
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def sha256(field: Any) -> str:
    with field.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def rendered(history: None, django_capture_on_commit_callbacks: Any) -> YearlyReport:
    with django_capture_on_commit_callbacks(execute=True):
        report = yearly_report_create(year=YEAR)
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.DONE, report.error
    return report


def test_the_report_read_back(rendered: YearlyReport, client: Any) -> None:
    """One rendering (about a second), checked part by part."""
    report = rendered
    assert report.as_of == AS_OF
    assert report.progress == 100
    assert report.finished_at is not None
    text = pdf_text(report.pdf.path)
    flat = " ".join(text.split())
    # The press paragraph is hyphenated: join the words broken at line ends.
    joined = " ".join(re.sub(r"([a-zäöüß])-\n([a-zäöüß])", r"\1\2", text).split())

    # Title, press paragraph and the table of figures, the German way.
    assert "Allianz Sichere Sächsische Kommunen – Zahlen, Daten, Fakten 2022" in flat
    assert "Stand 31. Dezember 2022" in flat
    assert "hat der Landespräventionsrat Sachsen 3 Kommunen beraten" in joined
    assert "Fördermittel in Höhe von 1.013.000,50 Euro für 2 Projekte bewilligt" in joined
    lines = text.splitlines()
    assert "Kommunen beraten 3" in lines
    assert "Präventionsräte konstituiert oder reaktiviert 2" in lines
    assert "Kooperationsvereinbarungen unterzeichnet 1" in lines
    assert "Fördermittel bewilligt im Jahr 1.013.000,50 €" in lines
    assert "Geförderte Projekte im Jahr 2" in lines

    # Charts of the years since 2019, labelled.
    assert "Entwicklung seit 2019" in text
    assert "Anzahl Kommunen" in text
    assert "Tausend Euro" in text
    assert "2019" in text
    assert "2021" in text

    # By Polizeidirektion and Kreis: Görlitz with its council, agreement and grant.
    assert "Nach Polizeidirektion" in text
    assert "Nach Kreis" in text
    row = next(line for line in lines if line.startswith("Polizeidirektion Görlitz"))
    assert row.split()[2:5] == ["2", "1", "0"]  # advised, cooperating, model municipalities
    assert "13.000,50 €" in row
    assert any(line.startswith("Landkreis Görlitz 2 1") for line in lines)

    # The map with its legend and attributions.
    assert "Karte: ASSKomm in den Kommunen Sachsens" in text
    assert "Kooperationsvereinbarung (1)" in text
    assert "eng zusammenarbeitend (1)" in text
    assert "© GeoBasis-DE / BKG (2021) (Daten verändert)" in text
    assert "Statistisches Bundesamt (Destatis)" in text
    assert map_path_operators(report.pdf.path) > 3000

    # The year's funding by field of action, new agreements and councils.
    assert "Gewalt 1 13.000,50 €" in lines
    assert "Kinder und Jugend 1 1.000.000,00 €" in lines
    assert "Zusammen 2 1.013.000,50 €" in lines
    assert any(line.startswith("KV-2022-007 15.06.2022 Görlitz") for line in lines)
    assert "Kommunaler Präventionsrat Görlitz Gemeinde konstituiert 20.04.2022 Görlitz" in lines
    assert "Sicherheitsbeirat Pirna Gemeinde reaktiviert 01.09.2022 Pirna" in lines

    # Umlauts come out as umlauts (embedded fonts), not as boxes or decomposed.
    assert "Präventionsräte" in text
    assert "Görlitz" in text
    assert "Fördermittel" in text

    # The fingerprint of the frozen figures on every page, and the verification page knows it.
    assert report.figures is not None
    fingerprint = figures_fingerprint(report.figures)
    assert report.figures_sha256 == fingerprint
    short = " ".join(fingerprint[i : i + 4].upper() for i in range(0, 16, 4))
    assert text.count(f"Fingerabdruck {short}") == report.pages
    assert fingerprint in flat
    page = client.get(f"/pruefen/{fingerprint}/")
    assert page.status_code == 200
    assert "Jahresbericht ASSKomm 2022" in page.content.decode()

    # Stored fingerprints of the files are the files'.
    assert report.pdf_sha256 == sha256(report.pdf)
    assert report.csv_sha256 == sha256(report.csv)
    assert report.xlsx_sha256 == sha256(report.xlsx)
    from pypdf import PdfReader

    assert report.pages == len(PdfReader(report.pdf.path).pages) >= 4

    check_csv_and_xlsx(report)


def map_path_operators(path: str) -> int:
    """Line-to operators on the page with the map (one per vertex of the boundaries)."""
    from pypdf import PdfReader

    counts = []
    for page in PdfReader(path).pages:
        contents: Any = page["/Contents"].get_object()
        streams = contents if isinstance(contents, list) else [contents]
        data = b"".join(stream.get_object().get_data() for stream in streams)
        counts.append(data.count(b" l\n"))
    return max(counts)


def check_csv_and_xlsx(report: YearlyReport) -> None:
    from openpyxl import load_workbook

    values = figures_as_of(AS_OF)
    with report.csv.open("rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig")), delimiter=";"))
    header, saxony = rows[1], rows[2]
    assert saxony[:3] == ["Land", "14", "Sachsen"]
    for figure in FIGURES:
        cell = saxony[header.index(figure.label)]
        expected = values[figure.key]
        if figure.money:
            assert Decimal(cell.replace(".", "").replace(",", ".")) == expected
        else:
            assert int(cell) == expected
    assert values["funding_approved_eur"] == Decimal("1013000.50")

    with report.xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook["Zahlen"]
    labels = [cell.value for cell in sheet[2]]
    numbers = [cell.value for cell in sheet[3]]
    for figure in FIGURES:
        assert Decimal(str(numbers[labels.index(figure.label)])) == values[figure.key]
    funding = workbook["Förderung nach Handlungsfeld"]
    assert [[c.value for c in row] for row in funding.iter_rows(min_row=3)] == [
        ["Gewalt", 1, 13000.5],
        ["Kinder und Jugend", 1, 1000000],
    ]
    assert workbook["Neue Vereinbarungen"]["A3"].value == "KV-2022-007"
    assert workbook["Neue Präventionsräte"].max_row == 4
    # The frozen figures are the same numbers.
    assert report.figures is not None
    assert report.figures["municipalities_advised"] == values["municipalities_advised"] == 3


def test_a_second_delivery_renders_nothing_again(rendered: YearlyReport) -> None:
    before = (rendered.pdf.name, rendered.pdf_sha256, rendered.finished_at)
    render_yearly_report.delay(rendered.pk)
    rendered.refresh_from_db()
    assert (rendered.pdf.name, rendered.pdf_sha256, rendered.finished_at) == before


def test_a_failing_rendering_is_retried_then_marked_failed(
    saxony: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    calls = []

    def broken(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        raise OSError("Schriftart fehlt")

    monkeypatch.setattr(report_module, "report_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = yearly_report_create(year=2021)
    report.refresh_from_db()
    assert len(calls) == MAX_ATTEMPTS
    assert report.status == YearlyReport.Status.FAILED
    assert "Schriftart fehlt" in report.error
    assert not report.pdf
    assert not report.pdf_sha256


def test_the_year_lists(history: None) -> None:
    with CaptureQueriesContext(connection) as captured:
        fields = funding_by_field(YEAR, AS_OF)
    assert len(captured) == 1
    assert [(f.label, f.projects, f.amount) for f in fields] == [
        ("Gewalt", 1, Decimal("13000.50")),
        ("Kinder und Jugend", 1, Decimal("1000000.00")),
    ]
    # Before the amendment the grant's amount counts; the late grant counts in 2023's report.
    assert funding_by_field(YEAR, date(2022, 7, 31))[0].amount == Decimal("12345.67")
    assert sum(f.projects for f in funding_by_field(YEAR, date(2023, 12, 31))) == 3
    assert [a.label for a in new_agreements(YEAR, AS_OF)] == ["KV-2022-007"]
    assert new_agreements(2023, date(2023, 12, 31)) == []
    councils = new_councils(YEAR, AS_OF)
    assert [(c.name, c.event) for c in councils] == [
        ("Kommunaler Präventionsrat Görlitz", "konstituiert"),
        ("Sicherheitsbeirat Pirna", "reaktiviert"),
    ]
    # The current year's report counts to today.
    assert new_councils(YEAR, date(2022, 6, 30))[0].name == "Kommunaler Präventionsrat Görlitz"
    assert len(new_councils(YEAR, date(2022, 6, 30))) == 1
