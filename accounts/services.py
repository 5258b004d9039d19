"""Writes for users: invitations with a one-time link to set the password."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
