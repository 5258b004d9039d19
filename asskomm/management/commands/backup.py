"""``manage.py backup --output DIR``: the database and the stored files, with a manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from asskomm.backup import BackupError, create_backup, manifest_fingerprint


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format on PostgreSQL, a file copy on SQLite) and "
        "MEDIA_ROOT into a new folder, with a manifest of SHA-256 fingerprints and row counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, required=True, help="new or empty folder for the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        with translation.override("de"):
            try:
                manifest = create_backup(output)
            except BackupError as error:
                raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Sicherung in {output}: {len(manifest['tables'])} Tabellen, {rows} Zeilen, "
            f"{len(manifest['media']['files'])} Datei(en)."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"SHA-256 des Manifests: {manifest_fingerprint(output)} "
                "(getrennt von der Sicherung aufbewahren)"
            )
        )
