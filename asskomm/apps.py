from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class AsskommConfig(AppConfig):
    name = "asskomm"
    verbose_name = _("ASSKomm portal")


class AsskommAdminConfig(AdminConfig):
    default_site = "asskomm.admin.AsskommAdminSite"
