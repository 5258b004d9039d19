"""The coordinator's pages and the staff admin of security analyses."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from analyses.models import CrimeFigure, SecurityAnalysis
from asskomm.models import Job

from ..agreements.test_workflow import a_pdf
from ..factories import MunicipalityFactory
from .conftest import HEADER, csv_file, survey_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client: Client, coordinator: Any) -> Client:
    client.force_login(coordinator)
    return client


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


def test_the_coordinator_sees_the_analysis_and_ticks_a_task(
    portal: Client, make_analysis: Callable[..., SecurityAnalysis], town: Any, coordinator: Any
) -> None:
    analysis = make_analysis()
    listing = portal.get(reverse("analyses:list", args=[town.ags])).content.decode()
    assert "Sicherheitsanalyse Markkleeberg" in listing
    page = portal.get(reverse("analyses:analysis", args=[town.ags, analysis.pk])).content.decode()
    assert "Melderegister" in page
    assert "Als erledigt markieren" in page

    task = analysis.checklist.get(task="melderegister")
    response = portal.post(
        reverse("analyses:tick", args=[town.ags, analysis.pk, task.pk]), {"done": "1"}, follow=True
    )
    task.refresh_from_db()
    assert task.done_by == coordinator
    assert task.done_on is not None
    assert "„Stichprobe aus dem Melderegister geliefert“ ist abgehakt." in response.content.decode()
    portal.post(reverse("analyses:tick", args=[town.ags, analysis.pk, task.pk]), {"done": "0"})
    task.refresh_from_db()
    assert task.done_on is None


def test_a_task_of_another_analysis_cannot_be_ticked(
    portal: Client, make_analysis: Callable[..., SecurityAnalysis], town: Any
) -> None:
    mine = make_analysis()
    other_town = MunicipalityFactory(ags="14729410", name="Wurzen")
    theirs = make_analysis(title="Wurzen", municipalities=[other_town])
    foreign = theirs.checklist.get(task="statistik")

    response = portal.post(
        reverse("analyses:tick", args=[town.ags, mine.pk, foreign.pk]), {"done": "1"}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.done_on is None


def test_the_start_page_lists_open_tasks_and_the_path(
    portal: Client, make_analysis: Callable[..., SecurityAnalysis], town: Any
) -> None:
    make_analysis()
    page = portal.get(reverse("portal:start", args=[town.ags])).content.decode()
    assert "Sicherheitsanalyse: Stichprobe aus dem Melderegister geliefert" in page


# --- Admin


def test_staff_move_the_stages_and_upload_the_final_report(
    staff: Client, make_analysis: Callable[..., SecurityAnalysis]
) -> None:
    analysis = make_analysis()
    change = reverse("admin:analyses_securityanalysis_change", args=[analysis.pk])
    page = staff.get(change).content.decode()
    assert "Nächster Schritt: Kick-off" in page

    staff.post(reverse("admin:analyses_advance", args=[analysis.pk]), {"on": "2021-03-15"})
    analysis.refresh_from_db()
    assert analysis.status == "kickoff"
    bad = staff.post(
        reverse("admin:analyses_advance", args=[analysis.pk]), {"on": "gestern"}, follow=True
    )
    assert bad.status_code == 200
    assert "Datum" in bad.content.decode()
    staff.post(reverse("admin:analyses_report_upload", args=[analysis.pk]), {"upload": a_pdf("B")})
    analysis.refresh_from_db()
    assert analysis.final_report
    assert analysis.final_report_sha256
    download = staff.get(reverse("admin:analyses_final_report", args=[analysis.pk]))
    assert download["Content-Type"] == "application/pdf"


def test_a_bad_survey_file_in_the_admin_is_listed_and_writes_nothing(
    staff: Client, make_analysis: Callable[..., SecurityAnalysis]
) -> None:
    analysis = make_analysis()
    rows = [HEADER, *survey_rows(3)]
    rows[2][3] = 9
    response = staff.post(
        reverse("admin:analyses_survey_import", args=[analysis.pk]),
        {"upload": csv_file(rows)},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Es wurde nichts importiert" in html
    assert "Zeile 3" in html
    assert not analysis.responses.exists()
    ok = staff.post(
        reverse("admin:analyses_survey_import", args=[analysis.pk]),
        {"upload": csv_file([HEADER, *survey_rows(3)])},
        follow=True,
    )
    assert "3 neu" in ok.content.decode()
    assert analysis.responses.count() == 3


def test_the_crime_statistics_import_page(staff: Client, town: Any) -> None:
    url = reverse("admin:analyses_crimefigure_import")
    assert staff.get(url).status_code == 200
    lines = [["schluessel", "jahr", "straftatengruppe", "faelle"], ["14729260", "20x", "mord", -1]]
    response = staff.post(url, {"upload": csv_file(lines)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zeile 2" in html
    assert "jahr" in html
    assert "straftatengruppe" in html
    assert not CrimeFigure.objects.exists()
    lines[1] = ["14729260", 2021, "insgesamt", 1100]
    done = staff.post(url, {"upload": csv_file(lines), "source": "PKS 2021"})
    assert done.status_code == 302
    assert CrimeFigure.objects.get().source == "PKS 2021"


def test_staff_render_a_draft_and_follow_its_progress(
    staff: Client,
    make_analysis: Callable[..., SecurityAnalysis],
    django_capture_on_commit_callbacks: Any,
) -> None:
    analysis = make_analysis()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("admin:analyses_draft", args=[analysis.pk]))
    job = Job.objects.get(kind="lagebericht")
    assert job.status == Job.Status.DONE
    progress = staff.get(reverse("admin:analyses_progress", args=[analysis.pk])).content.decode()
    draft = analysis.drafts.get()
    assert reverse("admin:analyses_draft_download", args=[draft.pk]) in progress
    assert "hx-trigger" not in progress  # finished: no more polling
    pdf = staff.get(reverse("admin:analyses_draft_download", args=[draft.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_coordinators_have_no_admin_of_analyses(
    client: Client, coordinator: Any, make_analysis: Callable[..., SecurityAnalysis]
) -> None:
    analysis = make_analysis()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:analyses_advance", args=[analysis.pk]), {"on": "2021-03-15"}
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == "geplant"
