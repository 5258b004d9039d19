"""The start page's content is kept per build of the stored figures: exact, per municipality and
day, and any change to what it shows appears at once."""

import re
from collections.abc import Callable
from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from agreements.models import AgreementDocument
from asskomm.portal import collect
from figures import summary
from figures.models import FiguresChange
from municipalities.models import Consultation, CouncilMeeting, PreventionCouncil, ServiceRequest
from municipalities.services import coordinator_assign

from .conftest import Place

pytestmark = pytest.mark.django_db
NOTES = import_module("figures.migrations.0007_note_changes_for_the_start_page")


def start(place: Place) -> str:
    return reverse("portal:start", args=[place.municipality.ags])


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _consultation(place: Place) -> tuple[str, bool]:
    Consultation.objects.create(municipality=place.municipality, date=date(2018, 3, 9), kind="x")
    return "09.03.2018", True


def _minutes(place: Place) -> tuple[str, bool]:
    meeting = CouncilMeeting.objects.create(
        council=place.council, date=date(2025, 6, 1), topic="Schulweg", minutes="n.pdf"
    )
    return reverse("portal:meeting_minutes", args=[place.municipality.ags, meeting.pk]), True


def _request(place: Place) -> tuple[str, bool]:
    ServiceRequest.objects.filter(pk=place.request.pk).update(status=ServiceRequest.Status.DONE)
    return "angefragt", False  # the coaching request is done: no longer "requested"


def _document(place: Place) -> tuple[str, bool]:
    copy = AgreementDocument.objects.create(
        agreement=place.document.agreement, kind="entwurf", sha256="1" * 64, size=1
    )
    return reverse("agreements:coordinator_document", args=[place.municipality.ags, copy.pk]), True


def _task(place: Place) -> tuple[str, bool]:
    place.analysis.checklist.update(done_on=date(2025, 1, 1))
    return "Sicherheitsanalyse: ", False  # no open checklist task left among the next steps


def _draft(place: Place) -> tuple[str, bool]:
    type(place.draft).objects.filter(pk=place.draft.pk).update(title="Neuer Titel des Entwurfs")
    return "Neuer Titel des Entwurfs", True


def _council(place: Place) -> tuple[str, bool]:
    PreventionCouncil.objects.filter(pk=place.council.pk).update(constituted_on=date(2019, 2, 2))
    return "02.02.2019", True


CHANGES: dict[str, Callable[[Place], tuple[str, bool]]] = {
    "consultation": _consultation,
    "minutes": _minutes,
    "request": _request,
    "agreement document": _document,
    "checklist task": _task,
    "application": _draft,
    "council": _council,
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_kept_start_page_shows_a_change_at_once(
    coordinator_client: Client, place_a: Place, change: str
) -> None:
    cache.clear()
    summary.rebuild()
    url = start(place_a)
    first = queries(coordinator_client, url)
    assert queries(coordinator_client, url) < first  # the content is kept for this build
    before = coordinator_client.get(url).content.decode()

    text, appears = CHANGES[change](place_a)

    assert (text in before) is not appears
    assert FiguresChange.objects.exists(), "the change is noted"
    assert (text in coordinator_client.get(url).content.decode()) is appears  # at once, live
    summary.rebuild()
    assert (text in coordinator_client.get(url).content.decode()) is appears  # the new build
    assert queries(coordinator_client, url) < first


def test_the_kept_content_is_each_municipality_s_own(
    coordinator_client: Client, place_a: Place, place_b: Place
) -> None:
    cache.clear()
    summary.rebuild()
    other = Client()
    other.force_login(place_b.coordinator)
    for _round in range(2):  # rendered, then kept
        page_a = coordinator_client.get(start(place_a)).content.decode()
        page_b = other.get(start(place_b)).content.decode()
        assert place_a.draft.title in page_a
        assert place_a.draft.title not in page_b
        assert place_b.draft.title in page_b
        assert place_b.draft.title not in page_a
    assert other.get(start(place_a)).status_code == 404


def test_the_kept_content_is_that_of_the_day(
    coordinator_client: Client, place_a: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next steps depend on the date (the funding call): a new day renders anew."""
    cache.clear()
    summary.rebuild()
    url = start(place_a)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 7, 1))
    page = coordinator_client.get(url).content.decode()
    assert "Die nächste Antragsfrist" in page
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 9, 1))
    page = coordinator_client.get(url).content.decode()
    assert "Die nächste Antragsfrist" not in page
    assert "für 2027 läuft bis zum 15. Oktober 2026" in page


def test_the_start_page_reads_only_tables_whose_changes_are_noted(place_a: Place) -> None:
    """A provider reading a table without a trigger would let the kept start page go stale."""
    with CaptureQueriesContext(connection) as captured:
        collect(place_a.municipality)
    read = {
        table
        for query in captured.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }
    assert len(read) > 5, "the capture found the tables"
    assert read <= set(NOTES.NOTED)
    for table in NOTES.TABLES:
        before = FiguresChange.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{table}" SET id = id')  # noqa: S608
        assert FiguresChange.objects.count() > before, table


def test_the_coordinator_of_the_page_is_not_part_of_what_is_kept(
    coordinator_client: Client, place_a: Place, make_user: Any
) -> None:
    """Two coordinators of one municipality share its content; the frame is each one's own."""
    cache.clear()
    summary.rebuild()
    second = make_user(Role.COORDINATOR, first_name="Zweite", last_name="Koordinatorin")
    coordinator_assign(user=second, municipality=place_a.municipality)
    other = Client()
    other.force_login(second)
    coordinator_client.get(start(place_a))
    page = other.get(start(place_a)).content.decode()
    assert place_a.draft.title in page
    assert "Zweite" in page  # the frame (navigation) is rendered for the user who asks
