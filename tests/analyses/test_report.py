"""The draft Lagebericht, rendered by the task and read back from the PDF."""

import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from analyses.models import Recommendation, ReportDraft, SecurityAnalysis
from analyses.services import report_queue, survey_import
from asskomm.models import Job

from .conftest import HEADER, csv_file, survey_rows
from .test_results import statistics  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def pdf_lines(draft: ReportDraft) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", draft.file.path, "-"],  # noqa: S607 - poppler-utils
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def rendered(
    make_analysis: Callable[..., SecurityAnalysis],
    officer: Any,
    statistics: None,  # noqa: F811 - fixture
    django_capture_on_commit_callbacks: Any,
) -> tuple[SecurityAnalysis, ReportDraft]:
    analysis = make_analysis(sample_size=400)
    rows = [
        *survey_rows(120, district="Markkleeberg-Mitte", night=4),
        *survey_rows(80, start=200, district="Gautzsch", age="60–74", night=1),
        *survey_rows(40, start=300, district="Zöbigker", age="75+", night=3),
        *survey_rows(7, start=400, district="Auenhain", age="16–24", night=4),
    ]
    survey_import(analysis=analysis, upload=csv_file([HEADER, *rows]), user=officer)
    Recommendation.objects.create(
        analysis=analysis, number=1, title="Beleuchtung am Bahnhof verbessern", priority="hoch"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = report_queue(analysis=analysis, user=officer)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.items.get().error
    return analysis, analysis.drafts.get()


def test_the_draft_read_back(rendered: tuple[SecurityAnalysis, ReportDraft]) -> None:
    """One rendering (it takes a few seconds), checked part by part."""
    _analysis, draft = rendered
    lines = pdf_lines(draft)
    check_headings_figures_and_recommendations(draft, lines)
    check_charts(draft, lines)
    check_suppressed_cells_are_absent(lines)


def check_headings_figures_and_recommendations(draft: ReportDraft, lines: list[str]) -> None:
    text = "\n".join(lines)

    for heading in (
        "Lagebericht (Entwurf)",
        "1. Gebietsprofil: Kriminalitätslage",
        "2. Bürgerbefragung",
        "Sicherheitsgefühl",
        "Wahrgenommene Probleme im Wohnumfeld",
        "3. Kriminalitätslage und Sicherheitsgefühl",
        "4. Handlungsempfehlungen",
        "Anhang: Methode",
    ):
        assert heading in text, heading
    assert "Beleuchtung am Bahnhof verbessern" in text
    assert "247 Fragebögen von 400 versandten" in text
    assert "4.382,5" in text
    assert "6.428,3" in text
    assert draft.pages == len([line for line in lines if line.startswith("Lagebericht (Entwurf) ")])
    assert draft.responses == 247


def check_charts(draft: ReportDraft, lines: list[str]) -> None:
    text = "\n".join(lines)
    # The trend chart's title and axis, drawn as SVG text into the PDF.
    assert "Häufigkeitszahl: Straftaten insgesamt je 100.000 Einwohner" in text
    assert "Fälle je 100.000 Einwohner" in text
    # The survey charts: one per question, with their axis.
    assert text.count("Antworten in Prozent, mit 95-%-Konfidenzintervall") >= 10
    with open(draft.file.path, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")


def check_suppressed_cells_are_absent(lines: list[str]) -> None:
    auenhain = [line for line in lines if line.startswith("Auenhain")]
    young = [line for line in lines if line.startswith("16–24")]
    # Auenhain (7 people) appears in every question's district table, only as hidden.
    assert len(auenhain) >= 10
    for line in auenhain + young:
        assert line.endswith("nicht ausgewiesen (Schutz kleiner Gruppen)"), line
        assert not any(character.isdigit() for character in line.replace("16–24", "")), line
    # The complementary cell: the next smallest district is hidden too.
    zoebigker = [line for line in lines if line.startswith("Zöbigker")]
    assert zoebigker
    assert all("nicht ausgewiesen" in line for line in zoebigker)
    assert any(line.startswith("Markkleeberg-Mitte 120") for line in lines)
