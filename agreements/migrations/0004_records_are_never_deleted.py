"""Refuse deleting an agreement that went to signature, in PostgreSQL.

The model and queryset refuse it already (``asskomm.records``); the trigger is the same rule in the
database, for anything that bypasses the ORM. Row-level triggers do not fire on TRUNCATE, so
``flush`` and test databases are unaffected. SQLite has no such guard.
"""

from typing import Any

from django.db import migrations

TABLE = "agreements_cooperationagreement"
FUNCTION = f"{TABLE}_refuse_delete"

FORWARD = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'entwurf' OR OLD.number IS NOT NULL THEN
        RAISE EXCEPTION 'an agreement that went to signature is never deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END;
$$;
DROP TRIGGER IF EXISTS {FUNCTION} ON {TABLE};
CREATE TRIGGER {FUNCTION} BEFORE DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""


def add_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def drop_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_history_of_every_model")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
