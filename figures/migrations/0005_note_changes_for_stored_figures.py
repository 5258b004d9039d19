"""Triggers that note every change to the tables the figures are counted from.

``figures.summary`` stores the figures and uses them only while no change is noted since its last
rebuild; these triggers are what makes that safe for every write, the ORM's bulk operations and
raw SQL included. PostgreSQL: one statement-level trigger per table (a bulk update notes one
change); SQLite: row-level triggers (it has no other kind). TRUNCATE (``flush``) is not noted: it
also empties the stored figures. ``tests/figures/test_summary.py`` checks that every table the
live figures read is in ``TABLES``.
"""

from typing import Any

from django.db import migrations

TABLES = (
    "municipalities_policedirectorate",
    "municipalities_district",
    "municipalities_municipality",
    "municipalities_consultation",
    "municipalities_preventioncouncil",
    "municipalities_preventioncouncil_municipalities",
    "agreements_cooperationagreement",
    "agreements_cooperationagreement_municipalities",
    "agreements_coachingprocess",
    "agreements_coachingprocess_municipalities",
    "analyses_securityanalysis",
    "analyses_securityanalysis_municipalities",
    "funding_fundingyear",
    "funding_fundingapplication",
    "funding_fundingdecision",
    "figures_trainingcohort",
)
CHANGES = "figures_figureschange"
FUNCTION = "figures_note_change"
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def _name(table: str, operation: str = "") -> str:
    return f"figures_note_{table}{'_' + operation.lower() if operation else ''}"


def create_function(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {CHANGES} (changed_at) VALUES (now()); RETURN NULL; END; $$;",
            params=None,
        )


def create_triggers(schema_editor: Any, tables: tuple[str, ...]) -> None:
    """Note every change to ``tables`` (the function exists: ``create_function``)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {_name(table)} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
                params=None,
            )
    elif vendor == "sqlite":
        for table in tables:
            for operation in OPERATIONS:
                schema_editor.execute(
                    f"CREATE TRIGGER {_name(table, operation)} AFTER {operation} ON {table} "
                    f"BEGIN INSERT INTO {CHANGES} (changed_at) VALUES (CURRENT_TIMESTAMP); END",
                    params=None,
                )


def remove_triggers(schema_editor: Any, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}")
    elif vendor == "sqlite":
        for table in tables:
            for operation in OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table, operation)}")


def add_triggers(apps: Any, schema_editor: Any) -> None:
    create_function(schema_editor)
    create_triggers(schema_editor, TABLES)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    remove_triggers(schema_editor, TABLES)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0004_stored_figures"),
        ("municipalities", "0005_history_of_every_model"),
        ("agreements", "0004_records_are_never_deleted"),
        ("analyses", "0002_history_of_every_model"),
        ("funding", "0004_records_are_never_deleted"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
