"""Link existing amendment decisions to the decision they amend; refuse deletions in PostgreSQL.

The model and queryset refuse deleting decisions and payments (``asskomm.records``); the triggers
are the same rule in the database, for anything that bypasses the ORM. Row-level triggers do not
fire on TRUNCATE, so ``flush`` and test databases are unaffected. SQLite has no such guard.
"""

from typing import Any

from django.db import migrations

TABLES = ("funding_fundingdecision", "funding_payment")


def trigger_sql(table: str, condition: str) -> str:
    function = f"{table}_refuse_delete"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION 'rows of {table} are legal records and are never deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END;
$$;
DROP TRIGGER IF EXISTS {function} ON {table};
CREATE TRIGGER {function} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();
"""


def link_amendments(apps: Any, schema_editor: Any) -> None:
    FundingDecision = apps.get_model("funding", "FundingDecision")
    for decision in FundingDecision.objects.filter(number__gt=1, amends__isnull=True):
        decision.amends = FundingDecision.objects.filter(
            application_id=decision.application_id, number=decision.number - 1
        ).first()
        decision.save(update_fields=["amends"])


def add_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(trigger_sql(table, "TRUE"), params=None)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        function = f"{table}_refuse_delete"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_decision_amends_and_history")]

    operations = [
        migrations.RunPython(link_amendments, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
