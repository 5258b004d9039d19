from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding (RL Kommunale Prävention)")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from asskomm.portal import register_provider
        from asskomm.verification import register_lookup

        from .portal import contribution
        from .selectors import verify_decision_fingerprint

        register_provider(contribution)
        register_lookup(verify_decision_fingerprint)
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="funding.schedule")


def _ensure_schedule(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """The reminder job stays registered, also after ``flush``."""
    from django.apps import apps as live_apps

    from .schedules import ensure_reminder_schedule

    ensure_reminder_schedule(apps or live_apps)
