"""Values every page template may use."""

from typing import Any

from django.http import HttpRequest

from accounts.roles import Role


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's name and the roles of the user, for the navigation."""
    user = getattr(request, "user", None)
    roles: frozenset[str] = frozenset()
    if user is not None and user.is_authenticated:
        roles = user.role_names
    return {
        "portal_name": "ASSKomm-Portal",
        "is_coach": Role.COACH in roles,
        "is_coordinator": Role.COORDINATOR in roles,
    }
