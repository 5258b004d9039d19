"""``manage.py rebuild_figures``: store the figures anew (Celery beat does it every minute)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.formats import number_format

from figures import summary


class Command(BaseCommand):
    help = (
        "Store the figures anew from the records, if a record changed since the last time "
        "(--force: in any case). Until then the figures are counted from the records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")

    def handle(self, *args: Any, **options: Any) -> None:
        build = summary.rebuild(force=options["force"])
        if build is None:
            self.stdout.write("Gespeicherte Zahlen sind aktuell; nichts zu tun.")
            return
        steps = number_format(build.steps, force_grouping=True)
        seconds = number_format(build.seconds, decimal_pos=1)
        self.stdout.write(self.style.SUCCESS(f"Zahlen gespeichert: {steps} Stufen in {seconds} s."))
