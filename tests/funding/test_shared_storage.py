"""Funding letters work on a storage without local files (S3 in production)."""

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import InMemoryStorage
from django.test import Client
from django.urls import reverse
from storages.backends.s3 import S3Storage

from funding.models import FundingApplication

pytestmark = pytest.mark.django_db


KINDS = {"memory": InMemoryStorage, "s3": S3Storage}


@pytest.fixture(autouse=True)
def elsewhere(documents_elsewhere: str) -> str:
    """Each test on InMemoryStorage and on a bucket of an S3 server (tests/conftest.py)."""
    return documents_elsewhere


def test_letter_rendered_mailed_and_downloaded_without_a_filesystem(
    client: Client,
    approved: Callable[..., FundingApplication],
    town: Any,
    coordinator: Any,
    officer: Any,
    elsewhere: str,
) -> None:
    application = approved()
    decision = application.decisions.get()

    assert isinstance(decision.letter.storage, KINDS[elsewhere])
    assert not (Path(settings.MEDIA_ROOT) / decision.letter.name).exists()
    with decision.letter.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == decision.letter_sha256
    # The letter went out by mail with the stored PDF attached.
    [attachment] = [a for message in mail.outbox for a in message.attachments]
    assert attachment[1] == stored

    client.force_login(coordinator)
    portal = client.get(reverse("funding:letter", args=[town.ags, decision.pk]))
    assert portal.status_code == 200
    assert b"".join(portal.streaming_content) == stored

    client.force_login(officer)
    admin = client.get(reverse("admin:funding_letter_download", args=[decision.pk]))
    assert admin.status_code == 200
    assert b"".join(admin.streaming_content) == stored
