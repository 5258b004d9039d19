"""A coach sees and edits only their own coaching processes, in a simple web view."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from agreements.models import CoachingProcess, CoachingSession

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_client(client: Client, coach) -> Client:
    client.force_login(coach)
    return client


def test_coach_lists_own_processes_only(coach_client: Client, make_process) -> None:
    own = make_process(status=CoachingProcess.Status.RUNNING, started_on="2022-04-01")
    other_coach = UserFactory(roles=[Role.COACH])
    make_process(coach=other_coach)

    response = coach_client.get(reverse("agreements:coach_process_list"))

    assert list(response.context["processes"]) == [own]
    assert own.municipalities.get().name in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "agreements:coach_process_detail",
        "agreements:coach_process_edit",
        "agreements:coach_session_create",
    ],
)
def test_another_coachs_process_answers_404(
    coach_client: Client, make_process, url_name: str
) -> None:
    foreign = make_process(coach=UserFactory(roles=[Role.COACH]))

    assert coach_client.get(reverse(url_name, args=[foreign.pk])).status_code == 404
    assert (
        coach_client.post(reverse(url_name, args=[foreign.pk]), {"notes": "x"}).status_code == 404
    )


def test_another_coachs_session_answers_404(coach_client: Client, make_process) -> None:
    foreign = make_process(coach=UserFactory(roles=[Role.COACH]))
    session = CoachingSession.objects.create(
        process=foreign, date="2022-05-01", duration_minutes=60
    )

    assert (
        coach_client.get(reverse("agreements:coach_session_edit", args=[session.pk])).status_code
        == 404
    )


def test_only_coaches_use_the_coach_pages(client: Client, make_user) -> None:
    url = reverse("agreements:coach_process_list")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(make_user(Role.COORDINATOR))
    assert client.get(url).status_code == 403


def test_coach_records_a_session(coach_client: Client, make_process, coach) -> None:
    process = make_process(status=CoachingProcess.Status.RUNNING, started_on="2022-04-01")

    response = coach_client.post(
        reverse("agreements:coach_session_create", args=[process.pk]),
        {
            "date": "2022-05-10",
            "duration_minutes": "90",
            "participants": "Koordinierungsstelle",
            "notes": "Lenkungsgruppe vorbereitet",
        },
    )

    assert response.status_code == 302
    session = process.sessions.get()
    assert (session.duration_minutes, session.notes) == (90, "Lenkungsgruppe vorbereitet")
    assert session.history.first().history_user == coach


def test_a_session_before_the_request_is_refused_and_nothing_typed_is_lost(
    coach_client: Client, make_process
) -> None:
    process = make_process()

    response = coach_client.post(
        reverse("agreements:coach_session_create", args=[process.pk]),
        {"date": "2020-01-01", "duration_minutes": "90", "notes": "Mein langer Text"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "nicht vor der Anfrage" in page
    assert "Mein langer Text" in page
    assert not process.sessions.exists()


def test_invalid_duration_gets_a_german_message(coach_client: Client, make_process) -> None:
    process = make_process()

    response = coach_client.post(
        reverse("agreements:coach_session_create", args=[process.pk]),
        {"date": "2022-05-10", "duration_minutes": "0"},
    )

    assert "größer oder gleich 1" in response.content.decode()


def test_coach_updates_status_with_rules(coach_client: Client, make_process) -> None:
    process = make_process()
    url = reverse("agreements:coach_process_edit", args=[process.pk])

    refused = coach_client.post(url, {"status": "laufend", "topics": ["kpr_aufbau"]})
    assert "Anfangsdatum" in refused.content.decode()

    accepted = coach_client.post(
        url,
        {
            "status": "laufend",
            "started_on": "2022-04-01",
            "topics": ["kpr_aufbau", "projektsuche"],
            "goals": "KPR gründen",
        },
    )
    assert accepted.status_code == 302
    process.refresh_from_db()
    assert process.status == "laufend"
    assert process.topic_labels() == ["KPR-Aufbau", "Projektsuche"]


def test_the_list_costs_the_same_queries_for_many_processes(
    coach_client: Client, make_process, django_assert_max_num_queries
) -> None:
    make_process()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        coach_client.get(reverse("agreements:coach_process_list"))
    for _ in range(15):
        make_process()

    with django_assert_max_num_queries(len(few.captured_queries)):
        coach_client.get(reverse("agreements:coach_process_list"))
