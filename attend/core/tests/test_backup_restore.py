"""Round trip: back up, change and delete data, restore: every row is back exactly (on the suite's database)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attend import audit
from attend.accounts.models import Membership, User
from attend.audit.models import AuditEvent
from attend.people.models import Enrolment, Pupil
from attend.schools.models import School

from .factories import make_pupil, make_school, make_user

MODELS = [School, Pupil, Enrolment, User, Membership, AuditEvent]


def snapshot() -> dict[str, list[dict]]:
    rows = {m._meta.label: list(m.objects.order_by("pk").values()) for m in MODELS}
    rows["audit.AuditEvent"] = [
        r for r in rows["audit.AuditEvent"] if not r["action"].startswith("core.database")
    ]
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_every_row(tmp_path):
    school = make_school()
    kept, deleted = make_pupil(school=school, surname="Kept"), make_pupil(school=school, surname="Deleted")
    officer = make_user("officer", role="school_officer", school=school)
    audit.record(
        "people.pupil.viewed", by=officer, obj=kept, data={"page": "record", "when": "before backup"}
    )
    before = snapshot()
    backup_file = tmp_path / "attend.backup"

    call_command("backup", str(backup_file), verbosity=0)
    assert backup_file.stat().st_size > 0
    assert backup_file.stat().st_mode & 0o077 == 0

    Pupil.objects.filter(pk=kept.pk).update(legal_surname="Changed")
    deleted.delete()
    make_pupil(school=school, surname="Added")
    audit.record("people.pupil.viewed", by=officer, obj=kept, data={"page": "record", "when": "after backup"})
    assert snapshot() != before

    call_command("restore", str(backup_file), interactive=False, verbosity=0)

    assert snapshot() == before
    # The restore itself is on the record, in the restored trail.
    assert AuditEvent.objects.filter(action="core.database.restored").count() == 1
    # The restored trail is still append-only.
    with pytest.raises(Exception, match="append-only"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    make_pupil(surname="Untouched")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database" * 10)
    with pytest.raises(CommandError, match="not"):
        call_command("restore", str(junk), interactive=False, verbosity=0)
    assert Pupil.objects.get().legal_surname == "Untouched"
