from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding (RL Kommunale Prävention)")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from asskomm.jobs import register_job_task
        from asskomm.portal import register_provider
        from asskomm.records import protect_records
        from asskomm.verification import register_lookup

        from .models import FundingDecision, Payment
        from .portal import contribution
        from .selectors import verify_decision_fingerprint

        register_provider(contribution)
        register_lookup(verify_decision_fingerprint)
        register_job_task("decision_letter", "funding.tasks.render_decision_letter")
        # Decisions and payments are never deleted, not even by a cascade.
        protect_records(FundingDecision, Payment)
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="funding.data")


def _ensure_reference_data(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """TV-L ceilings and the reminder job stay in place, also after ``flush``."""
    from django.apps import apps as live_apps

    from .fixed_data import ensure_reference_data

    ensure_reference_data(apps or live_apps)
