"""Login throttling with django-axes: who is counted, and the page a locked-out person sees.

A failure is counted per e-mail address *and* IP address, so that somebody guessing passwords
locks out only themselves, not the person whose address they typed in from elsewhere.
"""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the nearest trusted proxy saw.

    With ``ASSKOMM_TRUSTED_PROXIES = n`` the n-th address from the right of X-Forwarded-For is
    taken: each trusted proxy appends what it saw, anything further left the client may have
    written itself.
    """
    proxies = settings.ASSKOMM_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address as typed, in lower case: "A@x.de" and "a@x.de" count together."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = (credentials or {}).get(field)
    if value is None:
        value = request.POST.get(field, "")
    return str(value).strip().lower()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The German lockout page (status 429), with the time from which logging in works again."""
    cool_off = get_cool_off(request)
    retry_at = timezone.localtime() + cool_off if cool_off else None
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "retry_at": retry_at,
            "minutes": minutes,
        },
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
