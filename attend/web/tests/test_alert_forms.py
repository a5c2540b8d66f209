"""Issue 23 item 4: the alert forms on a pupil's alerts page follow the GOV.UK error pattern (error summary, the
field's error, the page title starting "Error:"), and a dismissed alert can be reopened (audited, versioned)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss
from attend.audit.models import AuditEvent
from attend.casework.models import Case
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.models import Enrolment

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 19)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    school = make_school(name="Alder Primary")
    pupil = make_pupil(school=school, surname="Ashdown", legal_forename="Robin")
    enrolment = Enrolment.objects.get(pupil=pupil)
    alert = Alert.objects.create(
        rule="persistent_absence", pupil=pupil, enrolment=enrolment, school=school, raised_on=TODAY,
        last_evaluated_on=TODAY, reason="Missed 12% of possible sessions", evidence=[], measure=12, peak_measure=12,
    )  # fmt: skip
    officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=school)
    return {"school": school, "pupil": pupil, "alert": alert, "officer": officer}


def _post(client, alert, **data):
    return client.post(f"/work/alerts/{alert.pk}/", {"version": alert.version, **data})


def _state(alert):
    return tuple(Alert.objects.filter(pk=alert.pk).values_list("status", "version", "dismissed_reason").get())


def test_dismissing_without_a_reason_shows_the_error_summary_and_the_field_error(client, world):
    alert = world["alert"]
    client.force_login(world["officer"])
    before, events = _state(alert), AuditEvent.objects.filter(action__startswith="alerts.").count()
    response = _post(client, alert, action="dismiss", reason="   ")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Alerts for" in body
    assert 'class="govuk-error-summary"' in body
    assert f'<a href="#reason-{alert.pk}">Give a reason for dismissing the alert.</a>' in body
    assert f'<p id="reason-{alert.pk}-error" class="govuk-error-message">' in body
    assert f'class="govuk-input govuk-input--error" id="reason-{alert.pk}"' in body
    assert "There is a problem Give a reason for dismissing the alert." in text(response)
    assert "govuk-notification-banner" not in body
    assert _state(alert) == before
    assert AuditEvent.objects.filter(action__startswith="alerts.").count() == events


def test_a_reason_over_500_characters_is_refused_and_kept_in_the_field(client, world):
    alert = world["alert"]
    client.force_login(world["officer"])
    long = "x" * 501
    response = _post(client, alert, action="dismiss", reason=long)
    body = response.content.decode()
    assert f'<a href="#reason-{alert.pk}">The reason must be 500 characters or fewer.</a>' in body
    assert f'value="{long}"' in body
    assert _state(alert)[0] == "new"
    response = _post(client, alert, action="dismiss", reason="x" * 500)
    assert response.status_code == 302 and _state(alert)[0] == "dismissed"


def test_linking_without_a_case_shows_the_error_at_the_link_button(client, world):
    alert = world["alert"]
    Case.objects.create(ref="CW-000001", pupil=world["pupil"], school=world["school"],
                        local_authority=world["school"].local_authority)  # fmt: skip
    client.force_login(world["officer"])
    response = _post(client, alert, action="link", case="")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#link-{alert.pk}">Choose a case about this pupil that you can see.</a>' in body
    assert f'id="link-{alert.pk}" aria-describedby="link-{alert.pk}-error"' in body
    assert _state(alert)[0] == "new"


def test_a_conflict_is_still_a_message_not_a_field_error(client, world):
    alert = world["alert"]
    client.force_login(world["officer"])
    response = client.post(
        f"/work/alerts/{alert.pk}/",
        {"version": alert.version + 1, "action": "dismiss", "reason": "Moved away"},
    )
    assert response.status_code == 302
    assert _state(alert)[0] == "new"


def test_a_dismissed_alert_can_be_reopened_and_it_is_audited(client, world):
    alert = alert_dismiss(alert=world["alert"], reason="Family moved away", by=world["officer"])
    client.force_login(world["officer"])
    page = client.get(f"/work/pupils/{world['pupil'].upn}/")
    assert f'action="/work/alerts/{alert.pk}/reopen/"' in page.content.decode()
    response = client.post(f"/work/alerts/{alert.pk}/reopen/", {"version": alert.version})
    assert response.status_code == 302 and response["Location"] == f"/work/pupils/{world['pupil'].upn}/"
    assert _state(alert) == ("acknowledged", alert.version + 1, "")
    event = AuditEvent.objects.get(action="alerts.alert.reopened")
    assert event.data["before"]["dismissed_reason"] == "Family moved away"
    assert (event.data["after"]["status"], event.object_id) == ("acknowledged", str(alert.pk))
    page = text(client.get(f"/work/pupils/{world['pupil'].upn}/"))
    assert "reopened. It is on the work lists again." in page
    assert "Missed 12% of possible sessions" in page and "Closed alerts" not in page


def test_reopening_a_stale_page_or_an_open_alert_changes_nothing(client, world):
    alert = alert_dismiss(alert=world["alert"], reason="Family moved away", by=world["officer"])
    client.force_login(world["officer"])
    stale = client.post(f"/work/alerts/{alert.pk}/reopen/", {"version": alert.version - 1}, follow=True)
    assert "changed this alert" in text(stale)
    assert _state(alert) == ("dismissed", alert.version, "Family moved away")
    Alert.objects.filter(pk=alert.pk).update(status="acknowledged")
    refused = client.post(f"/work/alerts/{alert.pk}/reopen/", {"version": alert.version}, follow=True)
    assert "Only a dismissed alert can be reopened" in text(refused)
    assert not AuditEvent.objects.filter(action="alerts.alert.reopened").exists()
    assert client.get(f"/work/alerts/{alert.pk}/reopen/").status_code == 405


def test_reopening_is_refused_when_a_newer_alert_of_that_kind_is_open(client, world):
    alert = alert_dismiss(alert=world["alert"], reason="Family moved away", by=world["officer"])
    Alert.objects.create(
        rule="persistent_absence", pupil=world["pupil"], enrolment=alert.enrolment, school=world["school"],
        raised_on=TODAY, last_evaluated_on=TODAY, reason="Missed 15%", evidence=[], measure=15, peak_measure=15,
    )  # fmt: skip
    client.force_login(world["officer"])
    refused = client.post(f"/work/alerts/{alert.pk}/reopen/", {"version": alert.version}, follow=True)
    assert "A newer alert of this kind is already open" in text(refused)
    assert _state(alert)[0] == "dismissed"
