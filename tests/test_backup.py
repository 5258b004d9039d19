"""Backups: a restore reproduces every table and every stored file, and refuses what is not intact.

On SQLite the tests commit their rows (``transactional_db``): SQLite's backup cannot start while
the test's own transaction is open. pg_dump runs in another process and sees only committed rows:
the PostgreSQL round trip commits, the other tests need not (their rows are not restored).
"""

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from asskomm.backup import MANIFEST, sha256_of

from .factories import ContactFactory, CouncilMemberFactory, MunicipalityFactory, UserFactory

FILES = {
    "agreements/7/kv-2023-050.pdf": b"%PDF-1.7 Kooperationsvereinbarung \x00\xff" * 50,
    "funding/3/bescheide/bescheid-1.pdf": b"%PDF-1.7 Zuwendungsbescheid " * 80,
    "councils/2/minutes/2024-05-06-9.pdf": "%PDF Protokoll Präventionsrat".encode(),
}


def _some_data() -> None:
    municipality = MunicipalityFactory(name="Großenhain")
    ContactFactory(municipality=municipality, last_name="Weißbach", email="jw@grossenhain.example")
    CouncilMemberFactory(person_name="Jörg Weißbach")
    UserFactory(email="referentin@lpr.example", first_name="Anja", last_name="Groß")
    for name, data in FILES.items():
        default_storage.save(name, ContentFile(data))


def _media_fingerprints(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _sqlite_checksums(database: Any) -> dict[str, tuple[int, str]]:
    """Row count and an MD5 of the sorted rows of every table."""
    tables = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    result = {}
    for table in sorted(tables):
        query = f'SELECT * FROM "{table}"'  # noqa: S608 - names from sqlite_master
        rows = sorted(repr(row) for row in database.execute(query).fetchall())
        result[table] = (len(rows), hashlib.md5("\n".join(rows).encode()).hexdigest())  # noqa: S324
    return result


def _pg_checksums(cursor: Any) -> dict[str, tuple[int, str]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    result = {}
    for (table,) in cursor.fetchall():
        digest = "md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"
        query = f'SELECT count(*), {digest} FROM "{table}" t'  # noqa: S608 - from pg_tables
        cursor.execute(query)
        count, digest = cursor.fetchone()
        result[table] = (count, digest)
    return result


SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# Committed rows on SQLite; on PostgreSQL the test's transaction (much faster to undo).
backup_db = pytest.mark.django_db(transaction=SQLITE)


@pytest.fixture
def fresh_media(tmp_path: Path) -> Path:
    return tmp_path / "restored-media"


@backup_db
def test_backup_writes_a_manifest_of_fingerprints(tmp_path: Path) -> None:
    _some_data()
    call_command("backup", output=tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    dump = tmp_path / "backup" / manifest["database"]["file"]
    assert manifest["database"]["sha256"] == sha256_of(dump)
    assert manifest["database"]["vendor"] == connection.vendor
    assert set(manifest["media"]["files"]) == set(FILES)
    for name, data in FILES.items():
        assert manifest["media"]["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    # The counts are those of the dump: pg_dump does not see this test's uncommitted rows.
    committed = 1 if connection.vendor == "sqlite" else 0
    assert manifest["tables"]["accounts_user"] == committed
    assert manifest["tables"]["municipalities_contact"] == committed
    assert manifest["tables"]["auth_group"] == 5  # the roles, from a data migration
    assert "0001_initial" in manifest["django"]["migrations"]["asskomm"]
    assert manifest["created_at"].endswith(("+01:00", "+02:00"))  # Europe/Berlin
    fingerprint = (tmp_path / "backup" / "manifest.json.sha256").read_text().split()[0]
    assert fingerprint == sha256_of(tmp_path / "backup" / MANIFEST)


@backup_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="nicht leer"):
        call_command("backup", output=tmp_path)


@pytest.mark.skipif(not SQLITE, reason="SQLite")
def test_sqlite_round_trip_restores_every_table_and_file(
    transactional_db: None, tmp_path: Path, fresh_media: Path
) -> None:
    _some_data()
    call_command("backup", output=tmp_path / "backup")
    target = tmp_path / "restored.sqlite3"

    call_command(
        "restore", tmp_path / "backup", target_database=str(target), media_root=fresh_media
    )

    # Plain connections on both sides: Django's converts dates and decimals when reading.
    name = str(connection.settings_dict["NAME"])
    restored, source = sqlite3.connect(target), sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        assert _sqlite_checksums(restored) == _sqlite_checksums(source)
    finally:
        restored.close()
        source.close()
    assert _media_fingerprints(fresh_media) == _media_fingerprints(Path(settings.MEDIA_ROOT))
    assert len(_media_fingerprints(fresh_media)) == len(FILES)

    # A second restore into the same file would overwrite it: refused unless forced.
    with pytest.raises(CommandError, match="nicht leer"):
        call_command(
            "restore", tmp_path / "backup", target_database=str(target), media_root=fresh_media
        )
    call_command(
        "restore",
        tmp_path / "backup",
        target_database=str(target),
        media_root=fresh_media,
        force=True,
    )


@pytest.mark.parametrize(
    "damage",
    ["media file changed", "dump changed", "manifest changed", "file added", "file missing"],
)
@backup_db
def test_a_tampered_backup_is_refused_and_nothing_is_written(
    tmp_path: Path, fresh_media: Path, damage: str
) -> None:
    _some_data()
    backup = tmp_path / "backup"
    call_command("backup", output=backup)
    manifest = json.loads((backup / MANIFEST).read_text())
    pdf = backup / "media" / "agreements/7/kv-2023-050.pdf"
    if damage == "media file changed":
        pdf.write_bytes(pdf.read_bytes().replace(b"Kooperation", b"Kooperaxion", 1))
        expected = "verändert oder beschädigt: media/agreements/7/kv-2023-050.pdf"
    elif damage == "dump changed":
        dump = backup / manifest["database"]["file"]
        with dump.open("ab") as handle:
            handle.write(b"\0")
        expected = f"verändert oder beschädigt: {manifest['database']['file']}"
    elif damage == "manifest changed":
        text = (backup / MANIFEST).read_text()
        forged = manifest["media"]["files"]["agreements/7/kv-2023-050.pdf"]["sha256"]
        (backup / MANIFEST).write_text(text.replace(forged, "0" * 64))
        expected = "Manifest der Sicherung wurde verändert"
    elif damage == "file added":
        (backup / "media" / "agreements/7/fremd.pdf").write_bytes(b"%PDF")
        expected = "nicht im Manifest: media/agreements/7/fremd.pdf"
    else:
        pdf.unlink()
        expected = "fehlt: media/agreements/7/kv-2023-050.pdf"
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError, match=expected):
        call_command(
            "restore", backup, target_database=str(target), media_root=fresh_media, force=True
        )

    assert not target.exists()
    assert not fresh_media.exists()


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A new, empty PostgreSQL database next to the test database, dropped afterwards."""
    import psycopg

    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    options = {
        key: value
        for key, value in {
            "host": connection.settings_dict.get("HOST"),
            "port": connection.settings_dict.get("PORT"),
            "user": connection.settings_dict.get("USER"),
            "password": connection.settings_dict.get("PASSWORD"),
        }.items()
        if value
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trip_restores_every_table_and_file(
    tmp_path: Path, fresh_media: Path, scratch_database: str
) -> None:
    """pg_dump sees only committed rows: this test commits (transaction=True)."""
    import psycopg

    _some_data()
    backup = tmp_path / "backup"
    call_command("backup", output=backup)
    with connection.cursor() as cursor:
        source = _pg_checksums(cursor)

    call_command("restore", backup, target_database=scratch_database, media_root=fresh_media)

    arguments = {"dbname": scratch_database}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if connection.settings_dict.get(key):
            arguments[name] = connection.settings_dict[key]
    with psycopg.connect(**arguments) as restored, restored.cursor() as cursor:
        assert _pg_checksums(cursor) == source
    assert source["accounts_user"][0] == 1
    assert source["municipalities_contact"][0] == 1
    assert _media_fingerprints(fresh_media) == _media_fingerprints(Path(settings.MEDIA_ROOT))

    with pytest.raises(CommandError, match="nicht leer"):
        call_command("restore", backup, target_database=scratch_database, media_root=fresh_media)
    call_command(
        "restore", backup, target_database=scratch_database, media_root=fresh_media, force=True
    )
    with psycopg.connect(**arguments) as restored, restored.cursor() as cursor:
        assert _pg_checksums(cursor) == source


@pytest.mark.postgres
@pytest.mark.django_db
def test_restore_refuses_the_configured_database_when_it_holds_data(tmp_path: Path) -> None:
    call_command("backup", output=tmp_path / "backup")

    with pytest.raises(CommandError, match="nicht leer"):
        call_command("restore", tmp_path / "backup")
