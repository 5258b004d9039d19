"""With documents in an object store, backup and restore refuse instead of a partial backup."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def object_storage(settings: Any) -> None:
    # Stands in for S3: a storage that is not a folder under MEDIA_ROOT.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def test_backup_refuses_and_says_how_to_back_up_instead(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(tmp_path / "sicherung"))

    message = str(refused.value)
    assert "Objektspeicher (ASSKOMM_STORAGE=s3)" in message
    assert "Versionierung" in message
    assert not (tmp_path / "sicherung").exists()  # nothing half-written


def test_restore_into_the_object_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "sicherung"))

    assert "Objektspeicher" in str(refused.value)
