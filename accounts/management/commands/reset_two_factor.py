"""Unlink the authenticator app of an account (lost phone), and lift its login lock."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import login_lock_lift, two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove the TOTP devices of the account with this e-mail address, so that the next login "
        "links an app again; also lifts a lock after wrong passwords."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {options['email']!r}.")
        devices = two_factor_reset(user=user)
        locks = login_lock_lift(user=user)
        self.stdout.write(
            f"{user.email}: {devices} device(s) removed, {locks} failed-login record(s) cleared."
        )
