import pytest

from attend import audit
from attend.core.tests.factories import make_school, make_user


@pytest.fixture
def system_admin(db):
    return make_user("sysadmin", role="system_admin")


def test_a_system_admin_uses_the_admin_without_the_staff_flag(system_admin, client):
    client.force_login(system_admin)
    page = client.get("/admin/").content.decode()
    assert "Memberships" in page and "Audit events" in page
    assert "Pupils" not in page  # pupil data is not theirs to manage


def test_the_audit_trail_is_read_only_in_the_admin(system_admin, client):
    event = audit.record("people.pupil.viewed", by=system_admin)
    client.force_login(system_admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    change = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x.y.z"}).status_code == 403


def test_other_roles_are_refused_the_admin(db, client):
    headteacher = make_user(role="headteacher", school=make_school())
    headteacher.is_staff = True  # the staff flag alone opens nothing: the role table decides
    headteacher.save()
    client.force_login(headteacher)
    assert client.get("/admin/").status_code == 403
