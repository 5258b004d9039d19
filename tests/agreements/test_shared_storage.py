"""Agreement documents work on a storage without local files (S3 in production).

Each test runs twice (``documents_elsewhere``): on Django's InMemoryStorage and on a bucket of an
S3 server (tests/support/s3.py). Code that reaches for a file on disk under MEDIA_ROOT (``.path``,
``os``/``open``) finds nothing there and fails.
"""

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import InMemoryStorage, default_storage
from django.test import Client
from django.urls import reverse
from storages.backends.s3 import S3Storage

from accounts.roles import Role
from agreements.services import agreement_sign
from municipalities.services import coordinator_assign

from .test_workflow import a_pdf

pytestmark = pytest.mark.django_db
KINDS = {"memory": InMemoryStorage, "s3": S3Storage}


@pytest.fixture(autouse=True)
def elsewhere(documents_elsewhere: str) -> str:
    assert isinstance(default_storage, KINDS[documents_elsewhere])
    return documents_elsewhere


def test_render_sign_and_download_without_a_filesystem(
    client: Client, make_draft, release, officer, make_user, elsewhere: str
) -> None:
    agreement = make_draft()
    job = release(agreement)
    assert (job.completed, job.failed) == (1, 0), list(job.items.values_list("error", flat=True))
    document = agreement.documents.get()

    # Stored in the storage, not under MEDIA_ROOT.
    assert isinstance(document.file.storage, KINDS[elsewhere])
    assert document.file.storage.exists(document.file.name)
    assert not (Path(settings.MEDIA_ROOT) / document.file.name).exists()
    with pytest.raises((FileNotFoundError, NotImplementedError)):  # code that reads by path
        Path(document.file.path).read_bytes()
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256

    client.force_login(officer)
    download = client.get(reverse("admin:agreements_document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored

    archive = client.get(reverse("admin:agreements_job_zip", args=[job.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as opened:
        [name] = opened.namelist()
        assert opened.read(name) == stored

    signed = agreement_sign(
        agreement=agreement, signed_on=date(2021, 11, 9), signed_copy=a_pdf(), user=officer
    )
    assert signed.file.storage.exists(signed.file.name)

    coordinator = make_user(Role.COORDINATOR)
    municipality = agreement.municipalities.get()
    coordinator_assign(user=coordinator, municipality=municipality)
    client.force_login(coordinator)
    portal = client.get(
        reverse("agreements:coordinator_document", args=[municipality.ags, signed.pk])
    )
    assert portal.status_code == 200
    assert b"".join(portal.streaming_content).startswith(b"%PDF-")
