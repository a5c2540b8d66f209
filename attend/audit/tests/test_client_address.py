"""Issue 14, findings 6 and 10: alert actions record the client's address; their free text has length limits."""

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import Case
from attend.core.tests.factories import make_pupil, make_school, make_user

DAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def alert(db):
    school = make_school()
    pupil = make_pupil(school=school)
    return Alert.objects.create(
        rule="persistent_absence", pupil=pupil, school=school, raised_on=DAY, last_evaluated_on=DAY,
        reason="Attendance 84.0% this year", measure=16.0, peak_measure=16.0,
    )  # fmt: skip


@pytest.fixture
def officer(alert, client):
    user = make_user("officer", role="school_officer", school=alert.school)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "form, action",
    [
        ({"action": "acknowledge"}, "alerts.alert.acknowledged"),
        ({"action": "dismiss", "reason": "Medical evidence seen"}, "alerts.alert.dismissed"),
        ({"action": "link", "case": "CW-000001"}, "alerts.alert.linked"),
    ],
)
def test_each_alert_action_records_the_client_address(alert, officer, client, form, action):
    Case.objects.create(ref="CW-000001", pupil=alert.pupil, school=alert.school)
    client.post(f"/work/alerts/{alert.pk}/", {**form, "version": alert.version}, REMOTE_ADDR="192.0.2.44")
    event = AuditEvent.objects.get(action=action)
    assert (event.actor, event.ip, event.pupil) == (officer, "192.0.2.44", alert.pupil)


@pytest.mark.parametrize(
    "form, message",
    [
        ({"action": "dismiss", "reason": "x" * 501}, "The reason must be 500 characters or fewer."),
        ({"action": "link", "case": "C" * 101}, "Choose a case about this pupil that you can see."),
    ],
)
def test_overlong_free_text_is_refused_and_changes_nothing(alert, officer, client, form, message):
    page = client.post(f"/work/alerts/{alert.pk}/", {**form, "version": alert.version}, follow=True)
    assert message in page.content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.dismissed_reason, alert.case) == ("new", "", None)
    assert not AuditEvent.objects.filter(action__startswith="alerts.alert.").exists()


def test_events_outside_a_request_have_no_address(db):
    from attend import audit

    assert audit.record("core.database.backed_up", data={"file": "x"}).ip == ""
