"""The staff admin as the LPR office's own tool: German titles and an index in working order."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import two_factor_pending

from .memo import Kept

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

    # What a user may see of the admin changes only with their permissions: the app list (which
    # Django builds on every admin page, ~100 permission checks and URL reversals, a quarter of
    # a short page's time) is kept per process under the permissions that decide it.
    _app_lists: Kept[list[Any]]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """The apps and models ``request.user`` may see, in the office's order (shared: do not
        change the list returned)."""
        user = request.user
        if user.is_superuser:
            rights: Any = "all"
        else:
            rights = frozenset(user.get_all_permissions())
        key = (user.is_active, user.is_staff, rights, get_language(), app_label)
        kept = self.__dict__.setdefault("_app_lists", Kept(64))
        return kept.get(key, lambda: self._ordered_app_list(request, app_label))

    def _ordered_app_list(self, request: HttpRequest, app_label: str | None) -> list[Any]:
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
