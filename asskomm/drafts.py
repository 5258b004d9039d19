"""Drafts of long forms: what was typed is kept, unvalidated, until the form is submitted."""

from typing import Any

from django.http import QueryDict

from .models import FormDraft

# Never kept in a draft.
EXCLUDED = {"csrfmiddlewaretoken", "save_draft", "discard_draft", "save"}


def draft_save(*, user: Any, key: str, data: QueryDict) -> FormDraft:
    values = {name: data.getlist(name) for name in data if name not in EXCLUDED}
    draft, _created = FormDraft.objects.update_or_create(
        user=user, key=key, defaults={"data": values}
    )
    return draft


def draft_load(*, user: Any, key: str) -> tuple[QueryDict | None, FormDraft | None]:
    """The saved entries as form data, and the draft itself (for its date)."""
    draft = FormDraft.objects.filter(user=user, key=key).first()
    if draft is None:
        return None, None
    data = QueryDict(mutable=True)
    for name, values in draft.data.items():
        data.setlist(name, [str(value) for value in values])
    return data, draft


def draft_delete(*, user: Any, key: str) -> None:
    FormDraft.objects.filter(user=user, key=key).delete()
