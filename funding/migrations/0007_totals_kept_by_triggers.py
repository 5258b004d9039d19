"""Totals of the applications (per funding year and status) and of the payments (per funding
year), kept by database triggers on every write: the ORM's, bulk and raw SQL alike.

PostgreSQL: row-level triggers calling an upsert; an update of an application touches the totals
only when its year, status or amounts change, and the two rows of a change of status are updated
in the order of their keys (two such updates never wait for each other crosswise). SQLite: the
same with INSERT OR IGNORE and UPDATE. Filled from the existing rows while the two tables are
locked against writes. TRUNCATE (``flush``) fires no row trigger, but it empties these tables
too. ``tests/funding/test_totals.py`` checks the totals after every kind of write.
"""

import django.db.models.deletion
from decimal import Decimal
from typing import Any

from django.db import migrations, models

APPLICATIONS = "funding_fundingapplication"
PAYMENTS = "funding_payment"
CHANGED = (
    "OLD.funding_year_id IS DISTINCT FROM NEW.funding_year_id "
    "OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.requested_amount IS DISTINCT FROM NEW.requested_amount "
    "OR OLD.approved_amount IS DISTINCT FROM NEW.approved_amount"
)

POSTGRESQL = [
    """CREATE FUNCTION funding_application_total_add(year bigint, state varchar, n bigint,
        requested numeric, approved numeric) RETURNS void LANGUAGE sql AS $$
      INSERT INTO funding_applicationtotal AS t
        (funding_year_id, status, applications, requested, approved)
      VALUES (year, state, n, requested, approved)
      ON CONFLICT (funding_year_id, status) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested = t.requested + EXCLUDED.requested,
        approved = t.approved + EXCLUDED.approved
    $$""",
    """CREATE FUNCTION funding_count_application() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM funding_application_total_add(NEW.funding_year_id, NEW.status, 1,
          COALESCE(NEW.requested_amount, 0), COALESCE(NEW.approved_amount, 0));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM funding_application_total_add(OLD.funding_year_id, OLD.status, -1,
          -COALESCE(OLD.requested_amount, 0), -COALESCE(OLD.approved_amount, 0));
      ELSIF (OLD.funding_year_id, OLD.status) = (NEW.funding_year_id, NEW.status) THEN
        PERFORM funding_application_total_add(NEW.funding_year_id, NEW.status, 0,
          COALESCE(NEW.requested_amount, 0) - COALESCE(OLD.requested_amount, 0),
          COALESCE(NEW.approved_amount, 0) - COALESCE(OLD.approved_amount, 0));
      ELSIF (OLD.funding_year_id, OLD.status) < (NEW.funding_year_id, NEW.status) THEN
        PERFORM funding_application_total_add(OLD.funding_year_id, OLD.status, -1,
          -COALESCE(OLD.requested_amount, 0), -COALESCE(OLD.approved_amount, 0));
        PERFORM funding_application_total_add(NEW.funding_year_id, NEW.status, 1,
          COALESCE(NEW.requested_amount, 0), COALESCE(NEW.approved_amount, 0));
      ELSE
        PERFORM funding_application_total_add(NEW.funding_year_id, NEW.status, 1,
          COALESCE(NEW.requested_amount, 0), COALESCE(NEW.approved_amount, 0));
        PERFORM funding_application_total_add(OLD.funding_year_id, OLD.status, -1,
          -COALESCE(OLD.requested_amount, 0), -COALESCE(OLD.approved_amount, 0));
      END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER funding_total_application AFTER INSERT OR DELETE ON {APPLICATIONS}
        FOR EACH ROW EXECUTE FUNCTION funding_count_application()""",
    f"""CREATE TRIGGER funding_total_application_update AFTER UPDATE ON {APPLICATIONS}
        FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION funding_count_application()""",
    """CREATE FUNCTION funding_payment_total_add(year bigint, n bigint, paid numeric)
        RETURNS void LANGUAGE sql AS $$
      INSERT INTO funding_paymenttotal AS t (funding_year_id, payments, amount)
      VALUES (year, n, paid)
      ON CONFLICT (funding_year_id) DO UPDATE SET
        payments = t.payments + EXCLUDED.payments, amount = t.amount + EXCLUDED.amount
    $$""",
    """CREATE FUNCTION funding_count_payment() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM funding_payment_total_add(OLD.funding_year_id, -1, -OLD.amount);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM funding_payment_total_add(NEW.funding_year_id, 1, NEW.amount);
      END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER funding_total_payment AFTER INSERT OR UPDATE OR DELETE ON {PAYMENTS}
        FOR EACH ROW EXECUTE FUNCTION funding_count_payment()""",
    f"LOCK TABLE {APPLICATIONS}, {PAYMENTS} IN SHARE MODE",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS funding_total_application ON {APPLICATIONS}",
    f"DROP TRIGGER IF EXISTS funding_total_application_update ON {APPLICATIONS}",
    f"DROP TRIGGER IF EXISTS funding_total_payment ON {PAYMENTS}",
    "DROP FUNCTION IF EXISTS funding_count_application()",
    "DROP FUNCTION IF EXISTS funding_count_payment()",
    "DROP FUNCTION IF EXISTS funding_application_total_add(bigint, varchar, bigint, numeric, numeric)",
    "DROP FUNCTION IF EXISTS funding_payment_total_add(bigint, bigint, numeric)",
]


def _add_application(row: str, sign: str) -> str:
    return (
        "INSERT OR IGNORE INTO funding_applicationtotal "
        "(funding_year_id, status, applications, requested, approved) "
        f"VALUES ({row}.funding_year_id, {row}.status, 0, 0, 0); "
        f"UPDATE funding_applicationtotal SET applications = applications {sign} 1, "
        f"requested = requested {sign} COALESCE({row}.requested_amount, 0), "
        f"approved = approved {sign} COALESCE({row}.approved_amount, 0) "
        f"WHERE funding_year_id = {row}.funding_year_id AND status = {row}.status;"
    )


def _add_payment(row: str, sign: str) -> str:
    return (
        "INSERT OR IGNORE INTO funding_paymenttotal (funding_year_id, payments, amount) "
        f"VALUES ({row}.funding_year_id, 0, 0); "
        f"UPDATE funding_paymenttotal SET payments = payments {sign} 1, "
        f"amount = amount {sign} {row}.amount WHERE funding_year_id = {row}.funding_year_id;"
    )


SQLITE = [
    f"CREATE TRIGGER funding_total_application_insert AFTER INSERT ON {APPLICATIONS} "
    f"BEGIN {_add_application('NEW', '+')} END",
    f"CREATE TRIGGER funding_total_application_delete AFTER DELETE ON {APPLICATIONS} "
    f"BEGIN {_add_application('OLD', '-')} END",
    f"CREATE TRIGGER funding_total_application_update AFTER UPDATE ON {APPLICATIONS} "
    f"FOR EACH ROW WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_add_application('OLD', '-')} {_add_application('NEW', '+')} END",
    f"CREATE TRIGGER funding_total_payment_insert AFTER INSERT ON {PAYMENTS} "
    f"BEGIN {_add_payment('NEW', '+')} END",
    f"CREATE TRIGGER funding_total_payment_delete AFTER DELETE ON {PAYMENTS} "
    f"BEGIN {_add_payment('OLD', '-')} END",
    f"CREATE TRIGGER funding_total_payment_update AFTER UPDATE ON {PAYMENTS} "
    f"BEGIN {_add_payment('OLD', '-')} {_add_payment('NEW', '+')} END",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS funding_total_{table}_{operation}"
    for table in ("application", "payment")
    for operation in ("insert", "delete", "update")
]
FILL = [
    "INSERT INTO funding_applicationtotal "
    "(funding_year_id, status, applications, requested, approved) "
    "SELECT funding_year_id, status, COUNT(*), COALESCE(SUM(requested_amount), 0), "
    f"COALESCE(SUM(approved_amount), 0) FROM {APPLICATIONS} GROUP BY funding_year_id, status",
    "INSERT INTO funding_paymenttotal (funding_year_id, payments, amount) "
    f"SELECT funding_year_id, COUNT(*), COALESCE(SUM(amount), 0) FROM {PAYMENTS} "
    "GROUP BY funding_year_id",
]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"funding totals: no triggers for {vendor}")
    for statement in [*statements, *FILL]:
        schema_editor.execute(statement, params=None)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0006_payment_funding_year'),
    ]

    operations = [
        migrations.CreateModel(
            name='PaymentTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('payments', models.BigIntegerField(default=0)),
                ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('funding_year', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='funding.fundingyear')),
            ],
        ),
        migrations.CreateModel(
            name='ApplicationTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('applications', models.BigIntegerField(default=0)),
                ('requested', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('approved', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('funding_year', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='funding.fundingyear')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('funding_year', 'status'), name='application_total_year_status')],
            },
        ),
        migrations.RunPython(create_triggers, remove_triggers),
    ]
