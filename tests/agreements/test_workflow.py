"""The agreement's path: Entwurf → Zur Unterzeichnung → Unterzeichnet → Beendet, with its rules."""

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from agreements.models import AgreementDocument, CooperationAgreement, Signatory
from agreements.services import (
    agreement_new_version,
    agreement_render_document,
    agreement_sign,
    agreement_take_over,
    agreement_terminate,
    content_fingerprint,
)
from asskomm.models import Job

from ..factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def a_pdf(text: str = "unterschrieben") -> SimpleUploadedFile:
    """A small, valid PDF (rendered by the portal's own renderer)."""
    from asskomm.pdf import render_pdf

    data = render_pdf(
        "demo/signed_copy.html", {"label": text, "parties": text, "signatories": []}
    ).data
    return SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")


def test_release_freezes_the_text_numbers_it_and_renders_the_pdf(
    make_draft, officer, release
) -> None:
    agreement = make_draft()

    job = release(agreement)

    agreement.refresh_from_db()
    job.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.FOR_SIGNATURE
    assert agreement.label == "KV-2021-001"
    assert agreement.frozen_content["partners"] == ["Große Kreisstadt Dippoldiswalde"]
    assert agreement.content_fingerprint == content_fingerprint(agreement.frozen_content)
    assert job.status == Job.Status.DONE
    assert job.completed == 1
    document = agreement.documents.get()
    assert document.kind == AgreementDocument.Kind.SIGNATURE_READY
    assert document.pages >= 2
    latest = agreement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        officer,
        "Zur Unterzeichnung freigegeben",
    )


def test_numbers_run_over_the_whole_programme(make_draft, officer, release) -> None:
    first, second = make_draft(), make_draft(planned_on="2023-04-25")

    release(first)
    release(second)

    second.refresh_from_db()
    assert second.label == "KV-2023-002"


def test_numbering_continues_after_agreements_taken_over(make_draft, officer, release) -> None:
    agreement_take_over(
        number=49,
        signed_on=date(2023, 3, 1),
        municipalities=[MunicipalityFactory(name="Bannewitz", kind="gemeinde")],
        signatories=[
            ("kommune", "N. N.", "Bürgermeister"),
            ("polizeidirektion", "N. N.", "PD"),
            ("lpr", "N. N.", "LPR"),
        ],
        user=officer,
    )
    meerane = make_draft(planned_on="2023-04-25")

    release(meerane)

    meerane.refresh_from_db()
    assert meerane.label == "KV-2023-050"


def test_no_release_without_every_signatory(make_draft, officer, release) -> None:
    agreement = make_draft()
    agreement.signatories.filter(party=Signatory.Party.POLICE).delete()

    with pytest.raises(ValidationError) as caught:
        release(agreement)

    assert "Polizeidirektion" in " ".join(caught.value.messages)
    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.DRAFT
    assert agreement.number is None


def test_in_a_verbund_every_municipality_signs(make_draft, officer, release) -> None:
    towns = [
        MunicipalityFactory(name=name) for name in ("Auerbach/Vogtl.", "Lengenfeld", "Rodewisch")
    ]
    agreement = make_draft(municipalities=towns)
    agreement.signatories.filter(municipality=towns[1]).delete()

    with pytest.raises(ValidationError, match="Lengenfeld"):
        release(agreement)


def test_a_verbund_agreement_names_all_partners(make_draft, officer, release) -> None:
    towns = [
        MunicipalityFactory(name=name) for name in ("Rodewisch", "Auerbach/Vogtl.", "Lengenfeld")
    ]
    agreement = make_draft(municipalities=towns)

    release(agreement)

    agreement.refresh_from_db()
    assert (
        agreement.frozen_content["title_parties"]
        == "Stadt Auerbach/Vogtl., Stadt Lengenfeld und Stadt Rodewisch"
    )
    assert len(agreement.frozen_content["signatories"]) == 5


def test_police_directorate_comes_from_the_kreis(make_draft, officer, release) -> None:
    agreement = make_draft()

    release(agreement)

    agreement.refresh_from_db()
    assert agreement.police_directorate.code == "dresden"
    assert agreement.frozen_content["police_directorate"] == "Polizeidirektion Dresden"


def test_a_frozen_text_is_not_released_again(make_draft, officer, release) -> None:
    agreement = make_draft()
    release(agreement)

    with pytest.raises(ValidationError):
        release(agreement)


def test_signing_records_date_and_fingerprinted_copy(make_draft, officer, release) -> None:
    agreement = make_draft()
    release(agreement)

    document = agreement_sign(
        agreement=agreement, signed_on=date(2021, 11, 9), signed_copy=a_pdf(), user=officer
    )

    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.SIGNED
    assert agreement.signed_on == date(2021, 11, 9)
    assert document.kind == AgreementDocument.Kind.SIGNED_COPY
    assert len(document.sha256) == 64
    assert agreement.history.first().history_change_reason == "Unterzeichnet am 09.11.2021"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"), "kein PDF"),
        (
            SimpleUploadedFile(
                "scan.pdf", b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF"
            ),
            "Skripte",
        ),
    ],
)
def test_signing_refuses_a_file_that_is_not_a_clean_pdf(
    make_draft, officer, upload, message, release
) -> None:
    agreement = make_draft()
    release(agreement)

    with pytest.raises(ValidationError, match=message):
        agreement_sign(
            agreement=agreement, signed_on=date(2021, 11, 9), signed_copy=upload, user=officer
        )

    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.FOR_SIGNATURE
    assert agreement.documents.count() == 1


def test_signing_refuses_a_future_date_and_a_draft(make_draft, officer, release) -> None:
    draft = make_draft()
    with pytest.raises(ValidationError):
        agreement_sign(
            agreement=draft, signed_on=date(2021, 11, 9), signed_copy=a_pdf(), user=officer
        )
    release(draft)

    with pytest.raises(ValidationError, match="Zukunft"):
        agreement_sign(
            agreement=draft,
            signed_on=timezone.localdate() + timedelta(days=1),
            signed_copy=a_pdf(),
            user=officer,
        )


def test_termination_needs_a_signed_agreement_a_reason_and_a_sane_date(
    make_draft, officer, release
) -> None:
    agreement = make_draft()
    release(agreement)
    with pytest.raises(ValidationError):
        agreement_terminate(
            agreement=agreement, terminated_on=date(2024, 1, 1), reason="x", user=officer
        )
    agreement_sign(
        agreement=agreement, signed_on=date(2021, 11, 9), signed_copy=a_pdf(), user=officer
    )
    with pytest.raises(ValidationError, match="Grund"):
        agreement_terminate(
            agreement=agreement, terminated_on=date(2024, 1, 1), reason="  ", user=officer
        )
    with pytest.raises(ValidationError, match="vor ihrer Unterzeichnung"):
        agreement_terminate(
            agreement=agreement, terminated_on=date(2020, 1, 1), reason="Fusion", user=officer
        )

    agreement_terminate(
        agreement=agreement, terminated_on=date(2024, 1, 1), reason="Gemeindefusion", user=officer
    )

    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.TERMINATED
    assert agreement.documents.count() == 2  # nothing is lost


def test_a_new_version_keeps_the_number_and_replaces_the_old_text_on_release(
    make_draft, officer, release
) -> None:
    agreement = make_draft()
    release(agreement)
    agreement.refresh_from_db()

    successor = agreement_new_version(agreement=agreement, user=officer)
    successor.goals = "Neues Ziel"
    successor.save()
    agreement.refresh_from_db()
    assert (
        agreement.status == CooperationAgreement.Status.FOR_SIGNATURE
    )  # until the new one is released
    release(successor)

    agreement.refresh_from_db()
    successor.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.SUPERSEDED
    assert successor.label == "KV-2021-001 (Fassung 2)"
    assert successor.frozen_content["goals"] == ["Neues Ziel"]
    assert successor.content_fingerprint != agreement.content_fingerprint
    assert (
        agreement.frozen_content["goals"][0]
        == "quantitative und qualitative Reduzierung von Kriminalität"
    )
    assert successor.signatories.count() == agreement.signatories.count()


def test_a_signed_agreement_stays_in_force_until_its_new_version_is_signed(
    make_draft, officer, release
) -> None:
    agreement = make_draft()
    release(agreement)
    agreement_sign(
        agreement=agreement, signed_on=date(2021, 11, 9), signed_copy=a_pdf("eins"), user=officer
    )
    successor = agreement_new_version(agreement=agreement, user=officer)
    release(successor)
    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.SIGNED

    agreement_sign(
        agreement=successor, signed_on=date(2023, 5, 2), signed_copy=a_pdf("zwei"), user=officer
    )

    agreement.refresh_from_db()
    assert agreement.status == CooperationAgreement.Status.SUPERSEDED


def test_rendering_twice_gives_one_document_and_one_file(make_draft, officer, release) -> None:
    agreement = make_draft()
    release(agreement)
    first = agreement.documents.get()

    again = agreement_render_document(agreement_id=agreement.pk)

    assert again == first
    files = list((Path(settings.MEDIA_ROOT) / "agreements" / str(agreement.pk)).iterdir())
    assert [f.name for f in files] == [Path(first.file.name).name]


def test_a_draft_has_no_document(make_draft) -> None:
    with pytest.raises(ValidationError):
        agreement_render_document(agreement_id=make_draft().pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_running_numbers_never_repeat_under_concurrency() -> None:
    """Eight requests take numbers at the same moment: each gets its own, none is skipped."""
    from asskomm.counters import counter_next

    taken: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                taken.append(counter_next("test-counter"))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(taken) == list(range(1, 41))


def test_a_failing_render_is_retried_then_given_up_leaving_the_agreement_consistent(
    make_draft, release, monkeypatch
) -> None:
    from agreements import services

    def broken(agreement: CooperationAgreement) -> tuple[bytes, int]:
        raise OSError("Schriftart nicht lesbar")

    monkeypatch.setattr(services, "build_agreement_pdf", broken)
    agreement = make_draft()

    job = release(agreement)

    item = job.items.get()
    assert job.status == Job.Status.FAILED
    assert (job.completed, job.failed) == (0, 1)
    assert item.attempts == 4
    assert "Schriftart nicht lesbar" in item.error
    assert agreement.status == CooperationAgreement.Status.FOR_SIGNATURE  # still released
    assert not agreement.documents.exists()


def test_a_render_that_fails_once_succeeds_on_retry(make_draft, release, monkeypatch) -> None:
    from agreements import services

    real = services.build_agreement_pdf
    calls: list[int] = []

    def flaky(agreement: CooperationAgreement) -> tuple[bytes, int]:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("vorübergehend")
        return real(agreement)

    monkeypatch.setattr(services, "build_agreement_pdf", flaky)
    agreement = make_draft()

    job = release(agreement)

    assert job.status == Job.Status.DONE
    assert job.items.get().attempts == 2
    assert agreement.documents.count() == 1
