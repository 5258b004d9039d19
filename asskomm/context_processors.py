"""Values every page template may use."""

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    return {"portal_name": "ASSKomm-Portal"}
