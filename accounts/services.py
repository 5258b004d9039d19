"""Writes for users: invitations with a one-time link to set the password, two-factor devices,
lifting a login lock."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Invitation, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, user: User, invited_by: Any = None) -> str:
    """A new one-time token for ``user``, valid ``ASSKOMM_INVITATION_DAYS``; older ones expire.

    Returns the token itself; only its hash is stored.
    """
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        expires_at=now + timedelta(days=settings.ASSKOMM_INVITATION_DAYS),
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
    )
    return token


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation of a token, or None."""
    return (
        Invitation.objects.select_related("user")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password; the link cannot be used a second time."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(token))
        .first()
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= timezone.now()
    ):
        raise ValidationError(_("This invitation link is no longer valid."))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user._change_reason = _("Password set through the invitation")  # type: ignore[attr-defined]
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def invitation_send(*, user: User, token: str, context: dict[str, Any] | None = None) -> None:
    """The invitation mail, in German, with the link to set the password."""
    with translation.override("de"):
        values = {
            "user": user,
            "link": settings.SITE_URL + reverse("invitation_accept", args=[token]),
            "days": settings.ASSKOMM_INVITATION_DAYS,
            **(context or {}),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", values).strip()
        body = render_to_string("accounts/email/invitation_body.txt", values)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def two_factor_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device that the setup page shows; the same one on every reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def two_factor_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with a code it produced; other unconfirmed devices are dropped."""
    if device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    return True


@transaction.atomic
def two_factor_reset(*, user: User) -> int:
    """Remove every TOTP device of ``user`` (lost phone): the next login sets up a new one."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def login_lock_lift(*, user: User) -> int:
    """Lift a lockout after wrong passwords for ``user``'s e-mail address, from every address."""
    return int(axes_reset(username=user.email.strip().lower()))
