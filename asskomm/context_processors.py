"""Values every page template may use."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from accounts.roles import Role
from municipalities.selectors import user_has_role


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's name and the roles of the user, for the navigation.

    The roles are asked for only by templates that use them (the portal's navigation, not the
    admin's pages): each is a callable, which the template language calls when it is used."""
    user = getattr(request, "user", None)

    def has(role: str) -> Callable[[], bool]:
        return lambda: user is not None and user_has_role(user, role)

    return {
        "portal_name": "ASSKomm-Portal",
        "is_coach": has(Role.COACH),
        "is_coordinator": has(Role.COORDINATOR),
    }
