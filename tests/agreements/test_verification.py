"""The public verification page: genuine or not, which agreement, status, nothing personal."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agreements.services import agreement_sign, agreement_terminate
from asskomm.pdf import short_fingerprint

from .test_workflow import a_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(make_draft, release):
    agreement = make_draft()
    release(agreement)
    return agreement


def test_the_qr_code_link_shows_a_genuine_agreement_and_its_parties(
    client: Client, released
) -> None:
    response = client.get(reverse("verify_fingerprint", args=[released.content_fingerprint]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Echtes Dokument des ASSKomm-Portals" in page
    assert "KV-2021-001" in page
    assert "Große Kreisstadt Dippoldiswalde" in page
    assert "Polizeidirektion Dresden" in page
    assert "Zur Unterzeichnung" in page
    for personal in ("Kerstin Körner", "Peter Langer", "Sven Forkert", "Kosuch", "0351"):
        assert personal not in page


def test_the_short_fingerprint_from_the_footer_works_with_spaces(client: Client, released) -> None:
    typed = short_fingerprint(released.content_fingerprint).lower()

    response = client.get(reverse("verify"), {"fingerprint": typed}, follow=True)

    assert response.status_code == 200
    assert "KV-2021-001" in response.content.decode()


def test_a_terminated_agreement_shows_as_such(client: Client, released, officer) -> None:
    agreement_sign(
        agreement=released, signed_on=date(2021, 11, 9), signed_copy=a_pdf(), user=officer
    )
    agreement_terminate(
        agreement=released, terminated_on=date(2024, 6, 30), reason="Gemeindefusion", user=officer
    )

    page = client.get(
        reverse("verify_fingerprint", args=[released.content_fingerprint])
    ).content.decode()

    assert "Beendet" in page
    assert "30. Juni 2024" in page
    assert "nicht mehr" in page
    assert "Gemeindefusion" not in page  # the reason is internal


def test_an_unknown_fingerprint_is_not_confirmed(client: Client, released) -> None:
    response = client.get(reverse("verify_fingerprint", args=["0123456789abcdef"]))

    assert response.status_code == 404
    assert "Kein bekanntes Dokument" in response.content.decode()


def test_uploading_the_stored_pdf_confirms_it_byte_for_byte(client: Client, released) -> None:
    document = released.documents.get()
    with document.file.open("rb") as handle:
        data = handle.read()

    response = client.post(reverse("verify"), {"document": SimpleUploadedFile("kv.pdf", data)})

    assert response.status_code == 200
    assert "bis aufs letzte Byte unverändert" in response.content.decode()


def test_an_uploaded_signed_copy_is_verifiable_the_same_way(
    client: Client, released, officer
) -> None:
    upload = a_pdf("Scan")
    data = upload.read()
    upload.seek(0)
    agreement_sign(
        agreement=released, signed_on=date(2021, 11, 9), signed_copy=upload, user=officer
    )

    response = client.post(reverse("verify"), {"document": SimpleUploadedFile("scan.pdf", data)})

    assert response.status_code == 200
    assert "Unterschriebene Ausfertigung" in response.content.decode()


def test_a_changed_pdf_is_not_confirmed(client: Client, released) -> None:
    document = released.documents.get()
    with document.file.open("rb") as handle:
        data = bytearray(handle.read())
    data[-20] ^= 0x01

    response = client.post(
        reverse("verify"), {"document": SimpleUploadedFile("kv.pdf", bytes(data))}
    )

    assert response.status_code == 404
    assert "Kein bekanntes Dokument" in response.content.decode()


def test_bad_input_gets_a_german_message_not_an_error(client: Client, settings) -> None:
    assert client.get(reverse("verify"), {"fingerprint": "xyz"}).status_code == 400
    assert (
        "mindestens die 16 Zeichen"
        in client.get(reverse("verify"), {"fingerprint": "12 34"}).content.decode()
    )
    assert client.post(reverse("verify"), {}).status_code == 400
    settings.ASSKOMM_MAX_UPLOAD_BYTES = 10
    too_big = client.post(
        reverse("verify"),
        {"document": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 100)},
    )
    assert too_big.status_code == 400
    assert "zu groß" in too_big.content.decode()
    assert client.get("/pruefen/nicht-hex/").status_code == 404


def test_a_draft_cannot_be_verified(client: Client, make_draft) -> None:
    draft = make_draft()

    assert draft.content_fingerprint == ""
    assert client.get(reverse("verify_fingerprint", args=["0" * 64])).status_code == 404
