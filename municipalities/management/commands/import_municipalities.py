"""``manage.py import_municipalities FILE``: import an edition of the official register."""

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from municipalities.register_files import RegisterFileError, parse_register
from municipalities.services import register_import


def _land(value: str) -> str:
    if len(value) != 2 or not value.isdigit():
        raise ValueError(value)
    return value


class Command(BaseCommand):
    help = (
        "Import the Destatis municipality register (GV100AD fixed width, or its flattened CSV). "
        "Idempotent; a malformed file is rejected with its line number and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="GV100AD file (e.g. GV100AD_30112025.txt) or CSV"
        )
        parser.add_argument(
            "--land",
            type=_land,
            help="reject the file if a key lies outside this Land (14 = Sachsen)",
        )
        parser.add_argument(
            "--only-land",
            type=_land,
            help="read only this Land's records from a file covering all of Germany",
        )
        parser.add_argument(
            "--population-date",
            type=date.fromisoformat,
            help="reference date of the population figures (default: derived from the edition)",
        )
        parser.add_argument(
            "--dissolved-on",
            type=date.fromisoformat,
            help="legal date of dissolution for municipalities missing from the file "
            "(default: the file's territorial status)",
        )
        parser.add_argument(
            "--successor",
            action="append",
            default=[],
            metavar="OLD_AGS=NEW_AGS",
            help="successor of a dissolved municipality (repeatable)",
        )
        parser.add_argument(
            "--allow-older",
            action="store_true",
            help="import an edition older than the one already imported",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        successors = {}
        for pair in options["successor"]:
            old, _sep, new = pair.partition("=")
            if not (len(old) == len(new) == 8 and old.isdigit() and new.isdigit()):
                raise CommandError(
                    _("--successor expects OLD_AGS=NEW_AGS, got “%(value)s”.") % {"value": pair}
                )
            successors[old] = new
        try:
            edition = parse_register(
                data,
                land=options["land"],
                only_land=options["only_land"],
                population_date=options["population_date"],
            )
            summary = register_import(
                edition=edition,
                file_name=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                dissolved_on=options["dissolved_on"],
                successors=successors,
                allow_older=options["allow_older"],
            )
        except RegisterFileError as error:
            raise CommandError(
                _("%(file)s rejected, nothing was imported. %(error)s")
                % {"file": path.name, "error": error}
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if edition.skipped_lines:
            self.stdout.write(
                _("%(count)d records of other Länder skipped.") % {"count": edition.skipped_lines}
            )
        for municipality, successor in summary.dissolved:
            if successor:
                self.stdout.write(
                    _("Dissolved: %(ags)s %(name)s → successor %(new_ags)s %(new)s")
                    % {
                        "ags": municipality.ags,
                        "name": municipality.name,
                        "new_ags": successor.ags,
                        "new": successor.name,
                    }
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        _("Dissolved: %(ags)s %(name)s, successor unknown (enter it in the admin).")
                        % {"ags": municipality.ags, "name": municipality.name}
                    )
                )
        for label, counts in (
            (_("Districts"), summary.districts),
            (_("Associations"), summary.associations),
        ):
            self.stdout.write(
                _(
                    "%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(dissolved)d dissolved"
                )
                % {"label": label, **counts.__dict__}
            )
        counts = summary.municipalities
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Municipalities (territorial status %(date)s): %(created)d created, "
                    "%(updated)d updated, %(unchanged)d unchanged, %(dissolved)d dissolved"
                )
                % {"date": edition.territorial_date.strftime("%d.%m.%Y"), **counts.__dict__}
            )
        )
