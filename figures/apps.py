from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("Figures, data, facts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from asskomm.verification import register_lookup

        from .services import verify_yearly_report

        register_lookup(verify_yearly_report)
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="figures.schedule")


def _ensure_schedule(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """The yearly report's beat entry stays in place, also after ``flush``."""
    from django.apps import apps as live_apps

    from .schedules import ensure_yearly_report_schedule

    ensure_yearly_report_schedule(apps or live_apps)
