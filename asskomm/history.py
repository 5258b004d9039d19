"""Saving with a history entry that names its author and reason (django-simple-history)."""

from typing import Any

from django.db import models

# django-simple-history stores the reason in a CharField(max_length=100).
REASON_LENGTH = 100


def short_reason(reason: str) -> str:
    """The reason as the history can hold it: cut at a word, with an ellipsis when too long."""
    reason = " ".join(reason.split())
    if len(reason) <= REASON_LENGTH:
        return reason
    cut = reason[: REASON_LENGTH - 1].rsplit(" ", 1)[0]
    return cut + "…"


def save_with_history(
    instance: models.Model, *, user: Any, reason: str, update_fields: list[str] | None = None
) -> None:
    """Save, and let the history row record who made the change and why.

    A long reason (e.g. a typed justification) is shortened for the history; the full text belongs
    in a field of the record itself.
    """
    instance._change_reason = short_reason(reason)  # type: ignore[attr-defined]
    if getattr(user, "pk", None):
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)
