"""Backups of the database and the stored files, fingerprinted so that a restore can trust them.

A backup is a directory::

    manifest.json          what is in it: SHA-256 of every file, row counts per table, migrations
    manifest.json.sha256   the manifest's own fingerprint (print it, keep it apart from the backup)
    database.dump          PostgreSQL: ``pg_dump --format=custom``
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    media/…                every file under ``MEDIA_ROOT`` (agreement PDFs, letters, uploads)

The database is dumped first, then the files are copied: stored documents are only ever added,
so a file written in between is at worst one the dump does not yet point to.

A restore checks every fingerprint before it writes anything, refuses a database that already
holds tables unless forced, and compares the restored row counts with the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "asskomm-backup/1"
MANIFEST = "manifest.json"
MANIFEST_FINGERPRINT = "manifest.json.sha256"
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in German."""


@dataclass
class RestoreReport:
    tables: int = 0
    files: int = 0
    # Files under the target media folder that the backup does not contain (left in place).
    extra_files: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            yield Path(directory) / name


def _vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def row_counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _pg_environment(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client programs; the password goes in the env."""
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            _("The program %(program)s is not installed (Debian package postgresql-client).")
            % {"program": command[0]}
        )
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [program, *command[1:]], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _dump_database(target: Path) -> dict[str, int]:
    """Dump the database into ``target``; the row counts of exactly what was dumped."""
    if connection.vendor == "postgresql":
        import psycopg

        settings_dict = connection.settings_dict
        arguments, environment = _pg_environment(settings_dict)
        # pg_dump works in a snapshot exported by this transaction, and the rows are counted in
        # the same snapshot: writes while the dump runs change neither.
        with psycopg.connect(**_psycopg_arguments(settings_dict)) as snapshot_connection:
            snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            snapshot_connection.read_only = True
            with snapshot_connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]  # type: ignore[index]
                _run(
                    [
                        "pg_dump",
                        *arguments,
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(target),
                        str(settings_dict["NAME"]),
                    ],
                    environment,
                )
                return _pg_row_counts(cursor)
    if connection.in_atomic_block:
        # SQLite's backup waits for the source's write transaction to end: it would never start.
        raise BackupError(_("A backup cannot be made inside a database transaction."))
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return _sqlite_tables(target)


def _refuse_object_storage() -> None:
    """Documents in an object store (``ASSKOMM_STORAGE=s3``) are not under ``MEDIA_ROOT``.

    A backup of the database alone would look complete and is not; the bucket is backed up by
    its own versioning, the database with ``pg_dump`` (README, Betrieb).
    """
    from django.core.files.storage import FileSystemStorage, storages

    if not isinstance(storages["default"], FileSystemStorage):
        raise BackupError(
            _(
                "The documents are stored in an object store (ASSKOMM_STORAGE=s3), not under "
                "MEDIA_ROOT; backup and restore copy only MEDIA_ROOT. Back up the database with "
                "pg_dump and the bucket with its own versioning."
            )
        )


def create_backup(output: Path) -> dict[str, Any]:
    """Write a backup of the database and of ``MEDIA_ROOT`` into ``output`` (new or empty)."""
    _refuse_object_storage()
    vendor = _vendor()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(
            _("The folder %(path)s is not empty; a backup goes into a new folder.")
            % {"path": output}
        )
    output.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().astimezone(ZoneInfo("Europe/Berlin"))

    dump = output / DUMP_NAMES[vendor]
    counts = _dump_database(dump)

    media_root = Path(settings.MEDIA_ROOT)
    files = {}
    for source in _files_under(media_root):
        relative = source.relative_to(media_root).as_posix()
        copy = output / MEDIA_DIR / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        files[relative] = {"sha256": sha256_of(copy), "size": copy.stat().st_size}

    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(timespec="seconds"),
        "database": {
            "vendor": vendor,
            "name": str(connection.settings_dict["NAME"]),
            "file": dump.name,
            "sha256": sha256_of(dump),
            "size": dump.stat().st_size,
        },
        "tables": counts,
        "media": {"root": str(media_root), "files": files},
        "django": {"version": django.get_version(), "migrations": _applied_migrations()},
        "python": sys.version.split()[0],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    (output / MANIFEST).write_text(text, encoding="utf-8")
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (output / MANIFEST_FINGERPRINT).write_text(f"{fingerprint}  {MANIFEST}\n", encoding="utf-8")
    return manifest


def manifest_fingerprint(source: Path) -> str:
    return sha256_of(source / MANIFEST)


def verify_backup(source: Path) -> dict[str, Any]:
    """The manifest of a backup whose every fingerprint matches; BackupError otherwise."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            _("%(path)s is not a backup of the portal: manifest.json is missing.")
            % {"path": source}
        )
    expected_fingerprint = ""
    if (source / MANIFEST_FINGERPRINT).is_file():
        words = (source / MANIFEST_FINGERPRINT).read_text().split()
        expected_fingerprint = words[0] if words else ""
    if expected_fingerprint != sha256_of(manifest_path):
        raise BackupError(
            _(
                "The manifest of the backup has been changed or damaged "
                "(its SHA-256 does not match)."
            )
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(_("The manifest cannot be read: %(error)s") % {"error": error}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Unknown backup format %(format)s.") % {"format": manifest.get("format")}
        )

    problems = []
    database = manifest["database"]
    dump = source / database["file"]
    if not dump.is_file():
        problems.append(_("missing: %(file)s") % {"file": database["file"]})
    elif sha256_of(dump) != database["sha256"]:
        problems.append(_("changed or damaged: %(file)s") % {"file": database["file"]})
    listed = manifest["media"]["files"]
    present = {
        path.relative_to(source / MEDIA_DIR).as_posix() for path in _files_under(source / MEDIA_DIR)
    }
    for relative, expected in sorted(listed.items()):
        copy = source / MEDIA_DIR / relative
        if relative not in present:
            problems.append(_("missing: %(file)s") % {"file": f"{MEDIA_DIR}/{relative}"})
        elif sha256_of(copy) != expected["sha256"]:
            problems.append(_("changed or damaged: %(file)s") % {"file": f"{MEDIA_DIR}/{relative}"})
    for relative in sorted(present - set(listed)):
        problems.append(_("not in the manifest: %(file)s") % {"file": f"{MEDIA_DIR}/{relative}"})
    if problems:
        raise BackupError(
            _("The backup does not match its manifest and is not restored: %(problems)s")
            % {"problems": "; ".join(problems)}
        )
    return manifest


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_row_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    tables = [row[0] for row in cursor.fetchall()]
    return row_counts(cursor, tables, _quote)


def _pg_tables(settings_dict: dict[str, Any]) -> dict[str, int]:
    import psycopg

    with (
        psycopg.connect(**_psycopg_arguments(settings_dict), autocommit=True) as pg,
        pg.cursor() as cursor,
    ):
        return _pg_row_counts(cursor)


def _psycopg_arguments(settings_dict: dict[str, Any]) -> dict[str, Any]:
    arguments = {"dbname": settings_dict["NAME"]}
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if settings_dict.get(key):
            arguments[name] = settings_dict[key]
    return arguments


def _sqlite_tables(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        ]
        return row_counts(database.cursor(), names, _quote)
    finally:
        database.close()


def restore_backup(
    source: Path,
    *,
    force: bool = False,
    target_database: str | None = None,
    media_root: Path | None = None,
) -> RestoreReport:
    """Restore a verified backup into the configured database (or ``target_database``).

    ``target_database`` names another database on the same PostgreSQL server, or another
    SQLite file, e.g. to inspect a backup before switching over. Nothing is written before
    every fingerprint has been checked.
    """
    if media_root is None:
        _refuse_object_storage()
    manifest = verify_backup(source)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _(
                "This is a backup of a %(backup)s database; "
                "the portal is configured for %(current)s."
            )
            % {"backup": manifest["database"]["vendor"], "current": vendor}
        )
    media_root = Path(media_root or settings.MEDIA_ROOT)
    dump = source / manifest["database"]["file"]

    if vendor == "postgresql":
        settings_dict = dict(connection.settings_dict)
        if target_database:
            settings_dict["NAME"] = target_database
        existing = _pg_tables(settings_dict)
    else:
        sqlite_target = Path(target_database or str(connection.settings_dict["NAME"]))
        in_memory = connection.is_in_memory_db()  # type: ignore[attr-defined]
        if not target_database and in_memory:
            raise BackupError(_("An in-memory database cannot be restored into; name a file."))
        existing = _sqlite_tables(sqlite_target) if sqlite_target.exists() else {}
    if existing and not force:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)d tables, %(rows)d rows); it is "
                "not overwritten. Restore into a new, empty database or pass --force."
            )
            % {
                "name": settings_dict["NAME"] if vendor == "postgresql" else sqlite_target,
                "count": len(existing),
                "rows": sum(existing.values()),
            }
        )
    conflicts = [
        relative
        for relative, expected in manifest["media"]["files"].items()
        if (media_root / relative).is_file()
        and sha256_of(media_root / relative) != expected["sha256"]
    ]
    if conflicts and not force:
        raise BackupError(
            _(
                "%(count)d files under %(root)s differ from the backup (e.g. %(example)s); "
                "they are not overwritten without --force."
            )
            % {"count": len(conflicts), "root": media_root, "example": sorted(conflicts)[0]}
        )

    if vendor == "postgresql":
        arguments, environment = _pg_environment(settings_dict)
        connection.close()
        command = ["pg_restore", *arguments, "--no-owner", "--no-privileges", "--exit-on-error"]
        if existing:
            command += ["--clean", "--if-exists"]
        _run(
            [*command, "--single-transaction", "--dbname", settings_dict["NAME"], str(dump)],
            environment,
        )
        restored = _pg_tables(settings_dict)
    else:
        if sqlite_target == Path(str(connection.settings_dict["NAME"])):
            connection.close()
        backup_copy = sqlite3.connect(dump)
        target = sqlite3.connect(sqlite_target)
        try:
            backup_copy.backup(target)
        finally:
            target.close()
            backup_copy.close()
        restored = _sqlite_tables(sqlite_target)

    expected_counts = manifest["tables"]
    if {name: restored.get(name) for name in expected_counts} != expected_counts:
        differing = sorted(
            name for name, count in expected_counts.items() if restored.get(name) != count
        )
        raise BackupError(
            _("The restored database differs from the manifest in these tables: %(tables)s")
            % {"tables": ", ".join(differing)}
        )

    report = RestoreReport(tables=len(expected_counts))
    media_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root, prefix=".restore-") as staging:
        for relative in sorted(manifest["media"]["files"]):
            target_file = media_root / relative
            staged = Path(staging) / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / MEDIA_DIR / relative, staged)
            target_file.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target_file)
            report.files += 1
    listed = set(manifest["media"]["files"])
    report.extra_files = [
        path.relative_to(media_root).as_posix()
        for path in _files_under(media_root)
        if path.relative_to(media_root).as_posix() not in listed
    ]
    return report
