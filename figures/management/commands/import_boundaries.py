"""``manage.py import_boundaries FILE``: load municipality boundaries (GeoJSON) for the maps."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from figures.services import BoundaryFileError, boundaries_import


class Command(BaseCommand):
    help = (
        "Import municipality boundaries from a GeoJSON FeatureCollection (lon/lat, property "
        "'ags'), e.g. BKG VG5000. Replaces the boundaries of the municipalities in the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--attribution",
            default="",
            help="attribution to print under maps (default: the file's 'attribution' member)",
        )
        parser.add_argument("--land", help="import only keys of this Land (14 = Sachsen)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        with translation.override("de"):
            if not path.is_file():
                raise CommandError(_("File not found: %(path)s") % {"path": path})
            try:
                result = boundaries_import(
                    path, attribution=options["attribution"], land=options["land"]
                )
            except BoundaryFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                _("%(matched)s boundaries imported from %(file)s (%(features)s features).")
                % {
                    "matched": result.matched,
                    "file": path.name,
                    "features": result.source.features,
                }
            )
            if result.unknown:
                self.stdout.write(
                    _("Not in the register, skipped: %(keys)s")
                    % {"keys": ", ".join(result.unknown[:20])}
                )
            if result.missing:
                self.stdout.write(
                    _("Municipalities without a boundary: %(keys)s")
                    % {"keys": ", ".join(result.missing[:20])}
                )
            self.stdout.write(_("Attribution: %(text)s") % {"text": result.source.attribution})
