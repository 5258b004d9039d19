"""Note changes to the further tables the coordinator's start page reads.

The start page's content (path, next steps, documents) is kept per build of the stored figures
like the figures' page parts (``asskomm.stored``); besides the figures' tables it reads the
service requests, council meetings (minutes), agreement documents and the analyses' checklists.
``tests/test_portal_start.py`` checks that every table the start page reads is noted.
"""

from importlib import import_module
from typing import Any

from django.db import migrations

NOTES = import_module("figures.migrations.0005_note_changes_for_stored_figures")

TABLES = (
    "municipalities_servicerequest",
    "municipalities_councilmeeting",
    "agreements_agreementdocument",
    "analyses_checklisttask",
)
# Every table whose changes are noted, after this migration.
NOTED = (*NOTES.TABLES, *TABLES)


def add_triggers(apps: Any, schema_editor: Any) -> None:
    NOTES.create_triggers(schema_editor, TABLES)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    NOTES.remove_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("figures", "0006_build_token")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
