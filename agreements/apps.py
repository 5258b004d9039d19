from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Cooperation agreements and coaching")

    def ready(self) -> None:
        from asskomm.portal import register_provider

        from .portal import contribution

        register_provider(contribution)
