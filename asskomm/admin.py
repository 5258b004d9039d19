"""The staff admin as the LPR office's own tool: German titles and an index in working order."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import two_factor_pending

# Apps in the order the office works through them; apps not named here follow alphabetically.
APP_ORDER = (
    "municipalities",
    "agreements",
    "funding",
    "analyses",
    "accounts",
    "auth",
    "django_celery_beat",
)


class AsskommAdminSite(admin.AdminSite):
    site_header = _("ASSKomm portal · administration")
    site_title = _("ASSKomm portal")
    index_title = _("Register and programme")
    # Lists of the register are wide (name, Kreis, Polizeidirektion, figures): give them the room.
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        app_list = super().get_app_list(request, app_label)
        rank = {label: position for position, label in enumerate(APP_ORDER)}
        app_list.sort(key=lambda app: (rank.get(app["app_label"], len(rank)), app["name"]))
        for app in app_list:
            # A ModelAdmin may set ``menu_order`` to place its model within the app.
            app["models"].sort(
                key=lambda entry: (
                    getattr(self._registry.get(entry["model"]), "menu_order", 100),
                    entry["name"],
                )
            )
        return app_list

    def has_permission(self, request: HttpRequest) -> bool:
        """No admin page for staff whose login still waits for the code (ASSKOMM_REQUIRE_2FA)."""
        return super().has_permission(request) and not two_factor_pending(request.user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One login page for everybody, in the site's look."""
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
