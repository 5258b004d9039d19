"""Staff finish their login with a code before they see any page (``ASSKOMM_REQUIRE_2FA``)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import confirmed_device, two_factor_pending


class TwoFactorMiddleware:
    """Send a staff user whose login is not confirmed by a code to the code (or setup) page.

    Every page is closed to such a session, not only ``/admin/``: a staff-only page added later
    is covered without anybody remembering to protect it. Open are the two-factor pages, the
    login and logout, and the static files.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.ASSKOMM_REQUIRE_2FA and not self._open(request.path_info):
            user = request.user
            if two_factor_pending(user):
                view = "two_factor_verify" if confirmed_device(user) else "two_factor_setup"
                target = request.get_full_path() if request.method == "GET" else ""
                query = f"?{urlencode({'next': target})}" if target else ""
                return redirect(f"{reverse(view)}{query}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        names = ("two_factor_verify", "two_factor_setup", "login", "logout")
        return path.startswith(static) or path in {reverse(name) for name in names}
