"""``manage.py figures``: the published figures for a cut-off date, as JSON, text or CSV."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from figures.exports import figures_csv, figures_json, figures_text


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"Ungültiges Datum „{value}“: erwartet wird JJJJ-MM-TT, z. B. 2022-06-30."
        ) from error


class Command(BaseCommand):
    help = (
        "The ASSKomm figures ('Zahlen, Daten, Fakten') as of a date: json (stable English keys, "
        "with by_directorate and by_district), text (the German press paragraph) or csv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default="", help="cut-off date YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=("json", "text", "csv"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        with translation.override("de"):
            if options["format"] == "json":
                self.stdout.write(figures_json(day))
            elif options["format"] == "csv":
                self.stdout.write(figures_csv(day).decode("utf-8-sig"), ending="")
            else:
                self.stdout.write(figures_text(day))
