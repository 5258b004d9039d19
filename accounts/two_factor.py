"""Two-factor login for staff (django-otp, TOTP): who needs it and what the setup page shows.

Staff are the LPR roles, anyone with ``is_staff`` and superusers. With ``ASSKOMM_REQUIRE_2FA`` on
(production) they confirm every login with a six-digit code from an authenticator app before any
page but the two-factor pages and logging out; coordinators, coaches and the police are not asked.
"""

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role


def two_factor_applies(user: Any) -> bool:
    """Whether ``user`` is staff in the sense of the two-factor rule (whatever the setting)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.role_names & set(Role.STAFF))


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must confirm the login with a code before working (setting is on)."""
    return bool(settings.ASSKOMM_REQUIRE_2FA) and two_factor_applies(user)


def is_verified(user: Any) -> bool:
    """Whether this login was confirmed with a code (django-otp's OTPMiddleware sets it)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def two_factor_pending(user: Any) -> bool:
    """A staff user who logged in with the password but has not entered a code yet."""
    return two_factor_required(user) and not is_verified(user)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (no inline styles, no data: URI)."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(
        scale=5,
        light="#fff",
        title=_("QR code for the authenticator app"),
        svgclass="asskomm-qr",
    )
    return format_html("{}", SafeString(svg))  # segno escapes the title it writes


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in Base32, in groups of four, for apps that cannot scan."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
