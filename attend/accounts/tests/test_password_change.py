"""Issue 14, finding 11: every user changes their own password on a page of their own (audited)."""

import pytest

from attend.audit.models import AuditEvent
from attend.core.tests.factories import PASSWORD, make_school, make_user

NEW = "blue kettle under the stairs"


@pytest.mark.parametrize("role", ["social_worker", "school_officer", "system_admin"])
def test_a_user_changes_their_own_password_and_stays_signed_in(db, client, role):
    user = make_user(
        "nia", role=role, password=PASSWORD, school=make_school() if role != "system_admin" else None
    )
    client.force_login(user)
    page = client.get("/account/password/").content.decode()
    assert "Change your password" in page and 'autocomplete="current-password"' in page
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert "Password changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/account/password/").status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="accounts.password.changed")
    assert (event.actor, event.object_id) == (user, str(user.pk))
    assert NEW not in str(event.data)


def test_a_wrong_current_password_changes_nothing_and_is_not_echoed(db, client):
    user = make_user("nia", role="school_officer", password=PASSWORD, school=make_school())
    client.force_login(user)
    response = client.post(
        "/account/password/", {"old_password": "not my password", "new_password1": NEW, "new_password2": NEW}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "not my password" not in page and NEW not in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
