"""``manage.py restore DIR``: restore a backup after checking every fingerprint."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from asskomm.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`. Refuses a backup whose fingerprints do not "
        "match and a database that already holds tables (unless --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="folder of the backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that already holds tables and differing stored files",
        )
        parser.add_argument(
            "--target-database",
            help="restore into this database on the same PostgreSQL server (or this SQLite "
            "file) instead of the configured one, e.g. to inspect a backup first",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="restore the stored files here instead of MEDIA_ROOT",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            try:
                report = restore_backup(
                    options["source"],
                    force=options["force"],
                    target_database=options["target_database"],
                    media_root=options["media_root"],
                )
            except BackupError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wiederhergestellt: {report.tables} Tabellen (Zeilenzahlen wie im Manifest), "
                f"{report.files} Datei(en)."
            )
        )
        if report.extra_files:
            self.stdout.write(
                f"{len(report.extra_files)} Datei(en) im Zielordner gehören nicht zur Sicherung "
                "und wurden belassen."
            )
