"""The agreement admin: transitions as buttons, a frozen text stays frozen, jobs and ZIPs."""

import io
import zipfile
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import CooperationAgreement
from agreements.services import agreement_take_over
from asskomm.models import Job

from ..factories import MunicipalityFactory
from .test_workflow import a_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, officer) -> Client:
    client.force_login(officer)
    return client


def change_url(agreement: CooperationAgreement) -> str:
    return reverse("admin:agreements_cooperationagreement_change", args=[agreement.pk])


def test_release_button_freezes_and_shows_the_job(
    staff: Client, make_draft, django_capture_on_commit_callbacks
) -> None:
    agreement = make_draft()
    page = staff.get(change_url(agreement)).content.decode()
    assert "Zur Unterzeichnung freigeben" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:agreements_submit", args=[agreement.pk]), follow=True)

    agreement.refresh_from_db()
    assert agreement.status == "zur_unterzeichnung"
    assert "das PDF wird erzeugt" in response.content.decode()
    job = Job.objects.get()
    progress = staff.get(reverse("admin:agreements_job_progress", args=[job.pk])).content.decode()
    assert "1 von 1 erledigt" in progress
    assert "hx-trigger" not in progress  # finished: the page stops polling


def test_release_button_explains_what_is_missing(staff: Client, make_draft) -> None:
    agreement = make_draft()
    agreement.signatories.filter(party="lpr").delete()

    page = staff.get(change_url(agreement)).content.decode()
    assert "Es fehlt eine unterzeichnende Person für die Partei „Landespräventionsrat“" in page
    response = staff.post(reverse("admin:agreements_submit", args=[agreement.pk]), follow=True)

    assert "Landespräventionsrat" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "entwurf"


def test_a_frozen_text_cannot_be_edited_in_the_admin(staff: Client, make_draft, release) -> None:
    agreement = make_draft()
    release(agreement)
    frozen_goals = agreement.goals

    page = staff.get(change_url(agreement))
    form = page.context["adminform"].form
    assert "goals" not in form.fields
    assert set(form.fields) == {"notes"}
    data = {"goals": "Geändert", "notes": "Notiz", "_save": "1"}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
    response = staff.post(change_url(agreement), data)
    assert response.status_code == 302

    agreement.refresh_from_db()
    assert agreement.goals == frozen_goals
    assert agreement.notes == "Notiz"  # internal notes stay editable


def test_sign_and_terminate_buttons(staff: Client, make_draft, release) -> None:
    agreement = make_draft()
    release(agreement)

    staff.post(
        reverse("admin:agreements_sign", args=[agreement.pk]),
        {"signed_on": "2021-11-09", "signed_copy": a_pdf()},
    )
    agreement.refresh_from_db()
    assert agreement.status == "unterzeichnet"
    staff.post(
        reverse("admin:agreements_terminate", args=[agreement.pk]),
        {"terminated_on": "2024-06-30", "reason": "Fusion"},
    )

    agreement.refresh_from_db()
    assert agreement.status == "beendet"
    assert agreement.terminated_on == date(2024, 6, 30)


def test_sign_button_with_a_bad_file_says_why(staff: Client, make_draft, release) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    agreement = make_draft()
    release(agreement)

    response = staff.post(
        reverse("admin:agreements_sign", args=[agreement.pk]),
        {"signed_on": "2021-11-09", "signed_copy": SimpleUploadedFile("x.pdf", b"GIF89a")},
        follow=True,
    )

    assert "kein PDF-Dokument" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "zur_unterzeichnung"


def test_new_version_button_opens_the_new_draft(staff: Client, make_draft, release) -> None:
    agreement = make_draft()
    release(agreement)

    response = staff.post(reverse("admin:agreements_new_version", args=[agreement.pk]))

    successor = CooperationAgreement.objects.get(predecessor=agreement)
    assert response["Location"] == change_url(successor)
    assert successor.status == "entwurf"


def test_frozen_agreements_cannot_be_deleted(
    client: Client, administrator, make_draft, release
) -> None:
    agreement = make_draft()
    release(agreement)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:agreements_cooperationagreement_delete", args=[agreement.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert CooperationAgreement.objects.filter(pk=agreement.pk).exists()


def test_batch_render_action_and_zip(
    staff: Client, make_draft, release, django_capture_on_commit_callbacks
) -> None:
    agreements = [make_draft() for _ in range(3)]
    for agreement in agreements:
        release(agreement)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:agreements_cooperationagreement_changelist"),
            {"action": "render_documents", "_selected_action": [a.pk for a in agreements]},
        )

    job = Job.objects.order_by("-pk").first()
    assert response["Location"] == reverse("admin:agreements_job", args=[job.pk])
    assert job.total == 3
    job.refresh_from_db()
    assert job.status == "done"
    archive = zipfile.ZipFile(
        io.BytesIO(
            b"".join(
                staff.get(reverse("admin:agreements_job_zip", args=[job.pk])).streaming_content
            )
        )
    )
    assert sorted(archive.namelist()) == ["KV-2021-001.pdf", "KV-2021-002.pdf", "KV-2021-003.pdf"]
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
    page = staff.get(reverse("admin:agreements_job", args=[job.pk])).content.decode()
    assert "aktualisiert sich selbst" in page


def test_documents_are_only_for_staff(client: Client, make_draft, release, make_user) -> None:
    agreement = make_draft()
    release(agreement)
    url = reverse("admin:agreements_document_download", args=[agreement.documents.get().pk])

    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 302


def test_staff_download_the_pdf(staff: Client, make_draft, release) -> None:
    agreement = make_draft()
    release(agreement)

    response = staff.get(
        reverse("admin:agreements_document_download", args=[agreement.documents.get().pk])
    )

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_agreement_list_costs_the_same_queries_for_5_and_40(staff: Client, officer) -> None:
    def take_over(count: int, start: int) -> None:
        for number in range(start, start + count):
            agreement_take_over(
                number=number,
                signed_on=date(2022, 1, 1),
                municipalities=[MunicipalityFactory()],
                signatories=[
                    ("kommune", "N. N.", "BM"),
                    ("polizeidirektion", "N. N.", "PD"),
                    ("lpr", "N. N.", "LPR"),
                ],
                user=officer,
            )

    url = reverse("admin:agreements_cooperationagreement_changelist")
    take_over(5, 1)
    with CaptureQueriesContext(connection) as few:
        assert staff.get(url).status_code == 200
    take_over(35, 6)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url + "?status__exact=unterzeichnet&year=2022")

    assert len(response.context["cl"].result_list) == 40
    assert len(many.captured_queries) <= len(few.captured_queries)
