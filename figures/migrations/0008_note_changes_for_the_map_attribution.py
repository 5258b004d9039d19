"""Note changes to the imported boundaries: the map's credit line is kept per build.

``current_attribution`` (the attribution of the newest import that still draws a boundary) is
shown under every map; pages that know the current build of the stored figures keep it for that
build (``figures.services``), which is exact only while changes to these tables are noted too.
"""

from importlib import import_module
from typing import Any

from django.db import migrations

NOTES = import_module("figures.migrations.0005_note_changes_for_stored_figures")
BEFORE = import_module("figures.migrations.0007_note_changes_for_the_start_page")

TABLES = ("figures_boundaryimport", "figures_boundary")
# Every table whose changes are noted, after this migration.
NOTED = (*BEFORE.NOTED, *TABLES)


def add_triggers(apps: Any, schema_editor: Any) -> None:
    NOTES.create_triggers(schema_editor, TABLES)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    NOTES.remove_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("figures", "0007_note_changes_for_the_start_page")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
