"""Audit events are append-only: Python refuses, and so does the database (SQLite or PostgreSQL triggers)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from attend import audit
from attend.audit.models import AuditEvent, AuditEventImmutable
from attend.core.tests.factories import make_user


@pytest.fixture
def event(db):
    return audit.record("people.pupil.viewed", by=make_user("alice"), data={"page": "record"})


def test_it_refuses_saving_an_existing_event(event):
    event.action = "people.pupil.changed"
    with pytest.raises(AuditEventImmutable):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "people.pupil.viewed"


def test_it_refuses_deleting_an_event(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda qs: qs.update(action="x.y.z"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: qs.update_or_create(pk=qs[0].pk, defaults={"action": "x.y.z"}),
        lambda qs: qs._raw_delete(qs.db),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create", "raw_delete"],
)
def test_it_refuses_queryset_changes(event, attempt):
    with pytest.raises(AuditEventImmutable):
        attempt(AuditEvent.objects.all())
    assert AuditEvent.objects.get(pk=event.pk).action == "people.pupil.viewed"


def test_deleting_the_actor_is_refused_while_events_name_them(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.actor.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'tampered.with.this' WHERE id = %s",
        "UPDATE audit_auditevent SET data = '{}' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["update-action", "update-data", "delete"],
)
def test_the_database_refuses_raw_sql(event, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "people.pupil.viewed"


def test_the_database_still_accepts_new_events(event):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, ip, data) "
            "VALUES (%s, '', 'core.database.restored', '', '', '', '{}')",
            [event.at],
        )
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_whole_database_flush_still_works():
    # Test isolation (and `attend flush`) empty every table at once; only single events are protected.
    audit.record("people.pupil.viewed", by=make_user("bob"))
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    audit.record("people.pupil.viewed", data={"page": "record"})
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")


# Issue 14, finding 7: REPLACE deletes the old row without firing SQLite's DELETE trigger; UPSERT updates in place.
REWRITES = {
    "sqlite": {
        "insert-or-replace": "INSERT OR REPLACE INTO audit_auditevent "
        "(id, at, actor_username, action, object_type, object_id, ip, data) "
        "VALUES (%s, %s, '', 'tampered.with.this', '', '', '', '{}')",
        "replace-into": "REPLACE INTO audit_auditevent "
        "(id, at, actor_username, action, object_type, object_id, ip, data) "
        "VALUES (%s, %s, '', 'tampered.with.this', '', '', '', '{}')",
    },
    "any": {
        "upsert": "INSERT INTO audit_auditevent (id, at, actor_username, action, object_type, object_id, ip, data) "
        "VALUES (%s, %s, '', 'tampered.with.this', '', '', '', '{}') "
        "ON CONFLICT (id) DO UPDATE SET action = excluded.action",
    },
}


@pytest.mark.parametrize("name", ["insert-or-replace", "replace-into", "upsert"])
def test_the_database_refuses_rewriting_an_event_by_insert(event, name):
    sql = REWRITES["any"].get(name) or REWRITES.get(connection.vendor, {}).get(name)
    if sql is None:
        pytest.skip(f"{name} is SQLite syntax (PostgreSQL has no REPLACE)")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk, event.at])
    assert AuditEvent.objects.get(pk=event.pk).action == "people.pupil.viewed"
    assert AuditEvent.objects.count() == 1
