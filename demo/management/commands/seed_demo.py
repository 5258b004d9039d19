"""``manage.py seed_demo``: load the development demo (register, users, history). Dev only."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import translation

from demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo

MEMORY_MAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load demo data for development; idempotent. Refused outside development settings."

    def handle(self, *args: Any, **options: Any) -> None:
        # Mails the demo's services send (letters to coordinators, notices to the office) are
        # kept in memory: nobody is to receive them, and they would flood the console.
        with translation.override("de"), override_settings(EMAIL_BACKEND=MEMORY_MAIL):
            try:
                lines = seed_demo()
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from None
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<24} {user.email}")
