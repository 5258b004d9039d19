from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from .roles import sync_role_permissions

        # Permissions of every app exist only after all migrations ran; the roles are synced then.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
