"""The marks table's own index on enrolment_id goes: the unique (enrolment, date, session) index starts with that
column and serves every lookup by enrolment, and one index fewer to maintain is ~14% off a bulk insert.

Dropped by name on both engines (the name Django gave it in 0001): an AlterField would copy the whole marks table on
SQLite (tens of millions of rows) and is a no-op on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_contactsafety"),
        ("registers", "0004_arrivals_received_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="mark",
                    name="enrolment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="marks",
                        to="people.enrolment",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS registers_mark_enrolment_id_91bd1997",
                    reverse_sql="CREATE INDEX registers_mark_enrolment_id_91bd1997 ON registers_mark (enrolment_id)",
                ),
            ],
        ),
    ]
