"""What coordinators do in the portal, and what it costs in queries."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asskomm.models import FormDraft
from municipalities.models import (
    Consultation,
    Contact,
    CouncilMeeting,
    CouncilMember,
    PreventionCouncil,
    ServiceRequest,
    WorkingGroup,
)

from ..agreements.test_workflow import a_pdf
from .conftest import Place

pytestmark = pytest.mark.django_db


def url(name: str, place: Place, *args: object) -> str:
    return reverse(f"portal:{name}", args=[place.municipality.ags, *args])


def test_start_page_shows_the_path_with_dates_todos_and_documents(
    coordinator_client: Client, place_a: Place
) -> None:
    Consultation.objects.create(
        municipality=place_a.municipality, date=date(2019, 9, 17), kind="erstkontakt"
    )

    page = coordinator_client.get(url("start", place_a)).content.decode()

    for step in (
        "Beraten",
        "Kooperationsvereinbarung",
        "Präventionsrat",
        "Coaching",
        "Sicherheitsanalyse",
        "Geförderte Projekte",
    ):
        assert step in page
    assert "17.09.2019" in page  # first consultation
    assert "02.05.2022" in page  # agreement signed
    assert "04.05.2020" in page  # council constituted
    assert "angefragt" in page  # the coaching request
    assert "RL Kommunale Prävention" in page
    assert (
        reverse(
            "agreements:coordinator_document", args=[place_a.municipality.ags, place_a.document.pk]
        )
        in page
    )
    assert (
        reverse("portal:meeting_minutes", args=[place_a.municipality.ags, place_a.meeting.pk])
        in page
    )


def test_start_page_costs_the_same_queries_however_much_there_is(
    coordinator_client: Client, place_a: Place, officer
) -> None:
    start = url("start", place_a)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(start)
    for day in range(1, 21):
        Consultation.objects.create(
            municipality=place_a.municipality, date=date(2020, 1, day), kind="beratung"
        )
        CouncilMeeting.objects.create(
            council=place_a.council, date=date(2021, 1, day), minutes=f"m{day}.pdf"
        )
        ServiceRequest.objects.create(
            municipality=place_a.municipality,
            kind="beratung",
            message="x",
            requested_by=place_a.coordinator,
        )

    with CaptureQueriesContext(connection) as many:
        coordinator_client.get(start)

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("page", ["council", "requests", "documents", "municipality_data"])
def test_list_pages_cost_the_same_queries_however_many_rows(
    coordinator_client: Client, place_a: Place, page: str
) -> None:
    target = url(page, place_a)
    with CaptureQueriesContext(connection) as few:
        assert coordinator_client.get(target).status_code == 200
    group = WorkingGroup.objects.get(council=place_a.council)
    for number in range(25):
        CouncilMember.objects.create(
            council=place_a.council,
            organisation=f"Verein {number}",
            role="arbeitsgruppe",
            working_group=group,
        )
        CouncilMeeting.objects.create(
            council=place_a.council, date=date(2022, 1, 1 + number), minutes=f"m{number}.pdf"
        )
        ServiceRequest.objects.create(
            municipality=place_a.municipality,
            kind="beratung",
            message="x",
            requested_by=place_a.coordinator,
        )
        WorkingGroup.objects.create(council=place_a.council, name=f"AG {number}")

    with CaptureQueriesContext(connection) as many:
        coordinator_client.get(target)

    assert len(many.captured_queries) <= len(few.captured_queries)


def test_contact_data_changes_are_recorded_with_author_and_time(
    coordinator_client: Client, place_a: Place
) -> None:
    data = {
        "mayor-first_name": "Kerstin",
        "mayor-last_name": "Körner",
        "mayor-function": "Oberbürgermeisterin",
        "mayor-email": "ob@stadt.example",
        "office-last_name": "Schubert",
        "office-first_name": "Michael",
        "office-function": "Koordinierungsstelle",
        "office-phone": "03504 123",
        "office-email": "praevention@stadt.example",
    }

    response = coordinator_client.post(url("municipality_data", place_a), data)

    assert response.status_code == 302
    mayor = Contact.objects.get(municipality=place_a.municipality, role=Contact.Role.MAYOR)
    assert mayor.last_name == "Körner"
    latest = mayor.history.first()
    assert latest.history_user == place_a.coordinator
    assert latest.history_change_reason == "Im Portal der Koordinierungsstelle geändert"


def test_contact_data_errors_keep_what_was_typed(
    coordinator_client: Client, place_a: Place
) -> None:
    response = coordinator_client.post(
        url("municipality_data", place_a),
        {
            "mayor-last_name": "Körner",
            "mayor-email": "kein-mail",
            "office-last_name": "Schubert",
            "office-phone": "0351 99",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte gültige E-Mail-Adresse eingeben" in page
    assert 'value="Körner"' in page
    assert 'value="0351 99"' in page
    assert not Contact.objects.filter(municipality=place_a.municipality).exists()


def council_data(place: Place, **changes: object) -> dict[str, object]:
    council = place.council
    member = council.members.get()
    group = council.working_groups.get()
    data: dict[str, object] = {
        "name": council.name,
        "status": "aktiv",
        "constituted_on": "2020-05-04",
        "groups-TOTAL_FORMS": "2",
        "groups-INITIAL_FORMS": "1",
        "groups-MIN_NUM_FORMS": "0",
        "groups-MAX_NUM_FORMS": "1000",
        "groups-0-id": group.pk,
        "groups-0-name": group.name,
        "groups-0-is_standing": "on",
        "groups-0-council": council.pk,
        "groups-1-name": "Ordnung und Sauberkeit",
        "groups-1-is_standing": "on",
        "groups-1-council": council.pk,
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": member.pk,
        "members-0-organisation": "Polizeirevier",
        "members-0-role": "arbeitsgruppe",
        "members-0-working_group": group.pk,
        "members-0-council": council.pk,
        "members-1-organisation": "Stadtverwaltung, Ordnungsamt",
        "members-1-person_name": "Jana Weber",
        "members-1-role": "lenkungsgruppe",
        "members-1-joined_on": "2024-01-01",
        "members-1-council": council.pk,
    }
    data.update(changes)
    return data


def test_coordinator_updates_council_groups_and_members(
    coordinator_client: Client, place_a: Place
) -> None:
    response = coordinator_client.post(
        url("council_edit", place_a, place_a.council.pk),
        council_data(place_a, resolution_reference="172/2020"),
    )

    assert response.status_code == 302
    council = PreventionCouncil.objects.get(pk=place_a.council.pk)
    assert council.resolution_reference == "172/2020"
    assert set(council.working_groups.values_list("name", flat=True)) == {
        "Sicherheitsabsprache",
        "Ordnung und Sauberkeit",
    }
    newcomer = council.members.get(person_name="Jana Weber")
    assert newcomer.history.first().history_user == place_a.coordinator


def test_council_rules_are_explained_next_to_the_fields_and_nothing_is_lost(
    coordinator_client: Client, place_a: Place
) -> None:
    data = council_data(place_a, reactivated_on="2019-01-01", **{"members-1-left_on": "2023-01-01"})

    response = coordinator_client.post(url("council_edit", place_a, place_a.council.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Die Reaktivierung muss nach der Konstituierung liegen." in page
    assert "Ein Mitglied kann nicht vor seinem Eintritt ausscheiden." in page
    assert 'value="Jana Weber"' in page
    assert not CouncilMember.objects.filter(person_name="Jana Weber").exists()


def test_the_council_form_can_be_saved_as_a_draft_and_restored(
    coordinator_client: Client, place_a: Place
) -> None:
    edit = url("council_edit", place_a, place_a.council.pk)
    data = council_data(place_a, **{"members-1-organisation": "", "save_draft": "1"})

    saved = coordinator_client.post(edit, data)
    assert saved.status_code == 302
    assert not CouncilMember.objects.filter(
        person_name="Jana Weber"
    ).exists()  # nothing changed yet

    restored = coordinator_client.get(edit).content.decode()
    assert "Dies ist Ihr Entwurf" in restored
    assert 'value="Jana Weber"' in restored
    assert "zwingend erforderlich" not in restored  # a draft is not judged yet

    coordinator_client.post(edit, council_data(place_a))
    assert not FormDraft.objects.exists()  # submitting uses the draft up


def test_a_draft_can_be_discarded(coordinator_client: Client, place_a: Place) -> None:
    edit = url("council_edit", place_a, place_a.council.pk)
    coordinator_client.post(edit, council_data(place_a, save_draft="1"))

    coordinator_client.post(edit, {"discard_draft": "1"})

    assert not FormDraft.objects.exists()
    assert "Dies ist Ihr Entwurf" not in coordinator_client.get(edit).content.decode()


def test_a_municipality_without_council_records_one(
    coordinator_client: Client, place_a: Place
) -> None:
    place_a.council.municipalities.clear()

    response = coordinator_client.post(
        url("council_new", place_a), {"name": "Sicherheitsbeirat Annaberg"}
    )

    council = PreventionCouncil.objects.get(name="Sicherheitsbeirat Annaberg")
    assert response["Location"] == url("council_edit", place_a, council.pk)
    assert list(council.municipalities.all()) == [place_a.municipality]


def test_minutes_are_uploaded_as_pdf_and_downloaded_again(
    coordinator_client: Client, place_a: Place
) -> None:
    upload = a_pdf("Niederschrift")
    data = upload.read()
    upload.seek(0)

    response = coordinator_client.post(
        url("meeting_new", place_a, place_a.council.pk),
        {
            "date": "2025-06-03",
            "body": "lenkungsgruppe",
            "topic": "Stadtfest",
            "minutes_upload": upload,
        },
    )

    assert response.status_code == 302
    meeting = CouncilMeeting.objects.get(topic="Stadtfest", date="2025-06-03")
    download = coordinator_client.get(url("meeting_minutes", place_a, meeting.pk))
    assert b"".join(download.streaming_content) == data
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("niederschrift.pdf", b"MZ\x90\x00\x03 ein Programm"),
            "kein PDF-Dokument",
        ),
        (
            SimpleUploadedFile("niederschrift.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))"),
            "Skripte",
        ),
    ],
)
def test_a_bad_minutes_file_gets_a_german_message_and_nothing_is_lost(
    coordinator_client: Client, place_a: Place, upload, message
) -> None:
    response = coordinator_client.post(
        url("meeting_new", place_a, place_a.council.pk),
        {"date": "2025-06-03", "body": "plenum", "topic": "Bilanz 2025", "minutes_upload": upload},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Bilanz 2025"' in page
    assert not CouncilMeeting.objects.filter(topic="Bilanz 2025").exists()


def test_a_too_large_minutes_file_is_refused(
    coordinator_client: Client, place_a: Place, settings
) -> None:
    settings.ASSKOMM_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("niederschrift.pdf", b"%PDF-1.4\n" + b"0" * 5000)

    response = coordinator_client.post(
        url("meeting_new", place_a, place_a.council.pk),
        {"date": "2025-06-03", "body": "plenum", "minutes_upload": upload},
    )

    assert "zu groß" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("coaching", "ASSKomm-Coaching"),
        ("sicherheitsanalyse", "Sicherheitsanalyse"),
        ("beratung", "Beratung"),
    ],
)
def test_requests_reach_the_lpr_office_by_mail(
    coordinator_client: Client,
    place_a: Place,
    kind: str,
    label: str,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.ASSKOMM_OFFICE_EMAIL = "lpr@smi.example"

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url("request_new", place_a, kind),
            {"message": "Graffiti am Bahnhof", "preferred_dates": "ab März"},
        )

    assert response.status_code == 302
    request = ServiceRequest.objects.get(message="Graffiti am Bahnhof")
    assert (request.kind, request.requested_by) == (kind, place_a.coordinator)
    message = mail.outbox[-1]
    assert message.to == ["lpr@smi.example"]
    assert label in message.subject
    assert "Annaberg" in message.subject
    assert "Graffiti am Bahnhof" in message.body
    assert f"/admin/municipalities/servicerequest/{request.pk}/change/" in message.body


def test_an_empty_request_is_refused(coordinator_client: Client, place_a: Place) -> None:
    response = coordinator_client.post(url("request_new", place_a, "coaching"), {"message": ""})

    assert "Dieses Feld ist zwingend erforderlich" in response.content.decode()
    assert mail.outbox == []


def test_an_unknown_request_kind_is_404(coordinator_client: Client, place_a: Place) -> None:
    assert coordinator_client.get(url("request_new", place_a, "foerdergeld")).status_code == 404


def test_staff_see_the_requests_in_the_admin(client: Client, place_a: Place, officer) -> None:
    client.force_login(officer)

    page = client.get(reverse("admin:municipalities_servicerequest_changelist")).content.decode()

    assert "Annaberg" in page
    assert "ASSKomm-Coaching" in page
