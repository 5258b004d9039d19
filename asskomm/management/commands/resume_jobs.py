"""``manage.py resume_jobs``: send again the waiting items of background jobs that stalled."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from asskomm.jobs import jobs_resume


class Command(BaseCommand):
    help = (
        "Send the unfinished items of background jobs again whose messages were lost (the broker "
        "was down when they were started, or Redis lost its data). Celery beat does this every "
        "10 minutes; run it by hand after restoring Redis. Only jobs without progress for "
        "--idle-minutes, and only when the broker's queue is empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--idle-minutes",
            type=int,
            default=settings.ASSKOMM_JOB_RESUME_MINUTES,
            help="minutes without progress before a job counts as stalled "
            "(default: ASSKOMM_JOB_RESUME_MINUTES)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            sent = jobs_resume(idle_for=timedelta(minutes=options["idle_minutes"]))
        self.stdout.write(f"{sent} Auftragsteile erneut gesendet.")
