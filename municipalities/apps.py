from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Register: municipalities and councils")

    def ready(self) -> None:
        from asskomm.portal import register_provider

        from .portal import contribution

        post_migrate.connect(
            _ensure_fixed_data, sender=self, dispatch_uid="municipalities.fixed_data"
        )
        register_provider(contribution)


def _ensure_fixed_data(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """After migrate (historical ``apps``) or flush (no ``apps``: the live registry)."""
    from django.apps import apps as live_apps

    from .fixed_data import ensure_fixed_data

    ensure_fixed_data(apps or live_apps)
