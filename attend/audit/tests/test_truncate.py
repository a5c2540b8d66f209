"""PostgreSQL refuses TRUNCATE of the audit trail (migration audit/0003), except inside Django's own flush.

SQLite has no TRUNCATE statement (its DELETE is refused by audit/0002, see test_immutability.py).
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from attend import audit
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE exists only on PostgreSQL"
)


@pytest.fixture
def event(db):
    pupil = make_pupil(school=make_school(la=make_la()))
    return audit.record("people.pupil.viewed", by=make_user("alice"), obj=pupil, data={"page": "record"})


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE TABLE ONLY audit_auditevent RESTART IDENTITY",
        # Reaching the audit table through its foreign keys is refused too.
        "TRUNCATE people_pupil CASCADE",
        "TRUNCATE accounts_user CASCADE",
    ],
)
def test_the_database_refuses_truncate(event, sql):
    with pytest.raises(DatabaseError, match="append-only: truncate refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            # The test's own inserts leave deferred key checks queued, and TRUNCATE refuses to run past them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_permit_left_by_a_flush_does_not_linger(event):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_flush_permit")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_whole_database_flush_still_works_and_leaves_no_permit():
    audit.record("people.pupil.viewed", by=make_user("bob"))
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    audit.record("people.pupil.viewed", data={"page": "record"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_flush_permit")
        assert cursor.fetchone()[0] == 0
    with pytest.raises(DatabaseError, match="append-only: truncate refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1
