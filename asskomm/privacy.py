"""Registry of personal data (GDPR Art. 15/17): which model fields hold data about a person.

Models declare ``PERSONAL_DATA_FIELDS``; export and erasure of a person's data (and the test that
nothing personal goes unmarked) are driven from here.
"""

from collections.abc import Iterator

from django.apps import apps
from django.db import models

# Field names that always point to data about a natural person, wherever they appear.
PERSONAL_FIELD_NAMES = frozenset(
    {"first_name", "last_name", "person_name", "email", "phone", "mobile"}
)


def personal_data_models() -> Iterator[tuple[type[models.Model], tuple[str, ...]]]:
    """Every installed model that declares personal data, with the fields that hold it."""
    for model in apps.get_models():
        fields = getattr(model, "PERSONAL_DATA_FIELDS", ())
        if fields:
            yield model, tuple(fields)
