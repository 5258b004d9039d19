from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class AsskommConfig(AppConfig):
    name = "asskomm"
    verbose_name = _("ASSKomm portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
        from .privacy_admin import install_personal_data_actions

        # The admin modules are loaded by now (the admin app comes first in INSTALLED_APPS).
        install_personal_data_actions()


class AsskommAdminConfig(AdminConfig):
    default_site = "asskomm.admin.AsskommAdminSite"
