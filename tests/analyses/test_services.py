"""The process, the checklist, and imports that are all or nothing and idempotent."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from analyses.models import (
    AreaPopulation,
    ChecklistTask,
    CrimeFigure,
    DataImport,
    SecurityAnalysis,
    SurveyResponse,
)
from analyses.services import (
    analysis_advance,
    checklist_tick,
    crime_statistics_import,
    final_report_upload,
    population_import,
    survey_import,
)

from ..agreements.test_workflow import a_pdf
from .conftest import HEADER, csv_file, survey_rows

Status = SecurityAnalysis.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german() -> Any:
    with translation.override("de"):
        yield


def test_a_new_analysis_has_the_four_tasks_of_the_municipality(
    make_analysis: Callable[..., SecurityAnalysis],
) -> None:
    analysis = make_analysis()
    assert analysis.status == Status.PLANNED
    assert set(analysis.checklist.values_list("task", flat=True)) == {
        "melderegister",
        "anschreiben",
        "ruecklauf",
        "statistik",
    }


def test_stages_go_forward_with_their_dates(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis()
    analysis = analysis_advance(analysis=analysis, on=date(2021, 3, 15), user=officer)
    assert (analysis.status, analysis.kickoff_on) == (Status.KICKOFF, date(2021, 3, 15))
    with pytest.raises(ValidationError, match="vor dem Datum"):
        analysis_advance(analysis=analysis, on=date(2021, 3, 1), user=officer)
    with pytest.raises(ValidationError, match="Zukunft"):
        analysis_advance(
            analysis=analysis, on=timezone.localdate() + timedelta(days=1), user=officer
        )
    with pytest.raises(ValidationError):
        analysis_advance(analysis=analysis, on=date(2021, 4, 1), user=officer, status="geplant")
    analysis = analysis_advance(analysis=analysis, on=date(2021, 4, 19), user=officer)
    analysis = analysis_advance(analysis=analysis, on=date(2021, 6, 14), user=officer)
    # The presentation needs the final report.
    with pytest.raises(ValidationError, match="Abschlussbericht"):
        analysis_advance(analysis=analysis, on=date(2021, 9, 8), user=officer)
    final_report_upload(analysis=analysis, upload=a_pdf("Abschlussbericht"), user=officer)
    analysis = analysis_advance(analysis=analysis, on=date(2021, 9, 8), user=officer)
    assert analysis.status == Status.PRESENTED
    reasons = list(analysis.history.values_list("history_change_reason", flat=True))
    assert "Verfahrensschritt: Abschlussbericht präsentiert" in reasons
    assert analysis.history.latest().history_user == officer


def test_the_checklist_remembers_who_ticked_and_when(
    make_analysis: Callable[..., SecurityAnalysis], coordinator: Any
) -> None:
    analysis = make_analysis()
    task = analysis.checklist.get(task="melderegister")
    task = checklist_tick(task=task, done=True, user=coordinator)
    assert task.done_on == timezone.localdate()
    assert task.done_by == coordinator
    task = checklist_tick(task=task, done=False, user=coordinator)
    assert task.done_on is None
    assert task.done_by is None
    assert task.history.count() == 3  # created, ticked, reopened
    assert task.history.latest().history_user == coordinator


def test_a_final_report_must_be_a_pdf_and_is_verifiable(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any, client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    analysis = make_analysis()
    with pytest.raises(ValidationError):
        final_report_upload(
            analysis=analysis,
            upload=SimpleUploadedFile("bericht.pdf", b"<html>kein PDF</html>"),
            user=officer,
        )
    analysis.refresh_from_db()
    assert not analysis.final_report
    final_report_upload(analysis=analysis, upload=a_pdf("Abschlussbericht"), user=officer)
    analysis.refresh_from_db()
    page = client.get(reverse("verify_fingerprint", args=[analysis.final_report_sha256]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Sicherheitsanalyse Markkleeberg" in content
    assert "Markkleeberg" in content


# --- Survey import


def test_survey_import_is_idempotent_and_updates_changed_answers(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis(sample_size=100)
    rows = [HEADER, *survey_rows(30)]

    first = survey_import(analysis=analysis, upload=csv_file(rows), user=officer)
    again = survey_import(analysis=analysis, upload=csv_file(rows), user=officer)
    rows[1][3] = 4  # the first questionnaire's first answer was mistyped
    corrected = survey_import(analysis=analysis, upload=csv_file(rows), user=officer)

    assert (first.created, first.updated) == (30, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert (corrected.created, corrected.updated) == (0, 1)
    assert analysis.responses.count() == 30
    assert analysis.responses.get(questionnaire="Q0001").answers["sicher_nachts"] == 4
    assert DataImport.objects.filter(analysis=analysis).count() == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows[3].__setitem__(3, 7), ["Zeile 4", "sicher_nachts"]),
        (lambda rows: rows[2].__setitem__(1, "99+"), ["Zeile 3", "altersgruppe"]),
        (lambda rows: rows[0].__setitem__(5, "frage_x"), ["frage_x"]),
        (lambda rows: rows.append(rows[1][:]), ["Q0001"]),
    ],
)
def test_a_survey_file_with_errors_writes_nothing(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any, change: Any, expected: list[str]
) -> None:
    analysis = make_analysis()
    survey_import(
        analysis=analysis, upload=csv_file([HEADER, *survey_rows(5, start=900)]), user=officer
    )
    rows = [HEADER[:], *survey_rows(5)]
    change(rows)

    with pytest.raises(ValidationError) as error:
        survey_import(analysis=analysis, upload=csv_file(rows), user=officer)

    text = " ".join(error.value.messages)
    for part in expected:
        assert part in text
    assert analysis.responses.count() == 5  # only the earlier file
    assert DataImport.objects.filter(analysis=analysis).count() == 1


def test_a_survey_cannot_return_more_than_was_sent(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    analysis = make_analysis(sample_size=10)
    with pytest.raises(ValidationError, match="11"):
        survey_import(analysis=analysis, upload=csv_file([HEADER, *survey_rows(11)]), user=officer)
    assert not SurveyResponse.objects.exists()


def test_a_survey_file_in_latin_1_is_refused_with_advice(
    make_analysis: Callable[..., SecurityAnalysis], officer: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    analysis = make_analysis()
    row = survey_rows(1, district="Großstädteln", age="")[0]
    text = ";".join(HEADER) + "\n" + ";".join(str(value) for value in row)
    upload = SimpleUploadedFile("latin1.csv", text.encode("latin-1"))
    with pytest.raises(ValidationError) as error:
        survey_import(analysis=analysis, upload=upload, user=officer)
    assert "UTF-8" in " ".join(error.value.messages)
    assert not analysis.responses.exists()


# --- Crime statistics and population


def test_crime_statistics_import_upserts_and_rejects_unknown_keys(town: Any, officer: Any) -> None:
    lines = [
        ["schluessel", "jahr", "straftatengruppe", "faelle"],
        ["14729260", 2020, "insgesamt", "1.025"],
        ["14729", 2020, "892500", 381],
        ["14", 2020, "insgesamt", 262611],
    ]
    summary = crime_statistics_import(upload=csv_file(lines), user=officer, source="PKS 2020")
    assert (summary.created, summary.updated) == (3, 0)
    assert CrimeFigure.objects.get(area_key="14729260").cases == 1025
    assert CrimeFigure.objects.get(area_key="14729").offence_group == "gewalt"

    lines[1][3] = 1030
    summary = crime_statistics_import(upload=csv_file(lines), user=officer)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    figure = CrimeFigure.objects.get(area_key="14729260")
    assert figure.cases == 1030
    assert figure.history.latest().history_user == officer

    lines.append(["14999999", 2020, "insgesamt", 5])
    with pytest.raises(ValidationError) as error:
        crime_statistics_import(upload=csv_file(lines), user=officer)
    assert "14999999" in " ".join(error.value.messages)
    assert "Zeile 5" in " ".join(error.value.messages)
    assert CrimeFigure.objects.count() == 3


def test_population_import(town: Any, officer: Any) -> None:
    lines = [
        ["schluessel", "jahr", "einwohner"],
        ["14729260", 2020, "24.761"],
        ["14", 2020, "4.056.941"],
    ]
    summary = population_import(upload=csv_file(lines), user=officer)
    assert summary.created == 2
    assert AreaPopulation.objects.get(area_key="14").population == 4_056_941
    assert population_import(upload=csv_file(lines), user=officer).unchanged == 2


def test_checklist_tasks_exist_once(make_analysis: Callable[..., SecurityAnalysis]) -> None:
    from analyses.services import checklist_ensure

    analysis = make_analysis()
    checklist_ensure(analysis)
    assert ChecklistTask.objects.filter(analysis=analysis).count() == 4
