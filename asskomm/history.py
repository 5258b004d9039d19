"""Saving with a history entry that names its author and reason (django-simple-history)."""

from typing import Any

from django.db import models


def save_with_history(
    instance: models.Model, *, user: Any, reason: str, update_fields: list[str] | None = None
) -> None:
    """Save, and let the history row record who made the change and why."""
    instance._change_reason = reason  # type: ignore[attr-defined]
    if getattr(user, "pk", None):
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)
