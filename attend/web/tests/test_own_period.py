"""A school sees a pupil's data for its own enrolment period (issue 14, finding 4): the pupil page, the pupil's
alerts page, acting on alerts and the search results, for a pupil who moved from Alder to Beech."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.core.tests.moves import NEW_ADDRESS, NEW_PHONE, TODAY, make_moved_pupil
from attend.web.selectors import search_pupils


@pytest.fixture
def moved(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_moved_pupil()


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def page_as(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return text(response)


def alert_rows():
    return list(
        Alert.objects.order_by("pk").values_list("pk", "status", "version", "dismissed_reason", "case_id")
    )


@pytest.mark.parametrize("who", ["alder_officer", "alder_dsl"])
def test_the_old_school_sees_its_own_marks_and_alerts_and_nothing_current(client, moved, who):
    page = page_as(client, moved[who], f"/pupils/{moved['pupil'].upn}/")
    # Alder's figures: 8 of its 10 possible sessions (the stray mark after the leaving day is not counted).
    assert "8 of 10 possible sessions attended since 3 September 2025" in page
    assert "2 unauthorised absences" in page
    assert "Alder: missed 20% of possible sessions" in page
    assert "Beech" not in page  # neither the new school's name, its alert, nor its marks
    assert NEW_PHONE not in page and NEW_ADDRESS not in page and "Sam Mover" not in page
    assert "Child protection plan" not in page
    assert "Contacts are shown to the pupil's current school only." in page
    assert (
        "You see Alder Primary's own period of this record (from 3 September 2025 to 28 November 2025)"
        in page
    )

    alerts = page_as(client, moved[who], f"/work/pupils/{moved['pupil'].upn}/")
    assert "Alder: missed 20%" in alerts and "Beech" not in alerts
    assert "Dismiss" not in alerts and "Acknowledge" not in alerts


def test_the_new_school_sees_only_from_its_admission_date(client, moved):
    page = page_as(client, moved["beech_officer"], f"/pupils/{moved['pupil'].upn}/")
    assert "6 of 10 possible sessions attended since 1 December 2025" in page
    assert "4 authorised and 0 unauthorised absences" in page
    assert "Beech: absent on the first day" in page and "Alder" not in page
    assert NEW_PHONE in page and "Child protection plan" in page
    assert "own period" not in page


def test_the_la_officer_sees_the_whole_record(client, moved):
    page = page_as(client, moved["la_officer"], f"/pupils/{moved['pupil'].upn}/")
    assert "6 of 10 possible sessions attended since 1 December 2025" in page  # the current enrolment
    assert "Alder: missed 20%" in page and "Beech: absent on the first day" in page
    assert NEW_PHONE in page and "Child protection plan" in page


@pytest.mark.parametrize("action", [{"action": "acknowledge"}, {"action": "dismiss", "reason": "Moved"}])
def test_the_old_school_cannot_act_on_the_new_schools_alert_nor_its_own(client, moved, action):
    client.force_login(moved["alder_officer"])
    before, events = alert_rows(), AuditEvent.objects.count()
    new_school = client.post(f"/work/alerts/{moved['beech_alert'].pk}/", {**action, "version": 1})
    assert new_school.status_code == 404
    own = client.post(f"/work/alerts/{moved['alder_alert'].pk}/", {**action, "version": 1})
    assert own.status_code == 403  # its own alert, read-only now the pupil has left
    assert alert_rows() == before and AuditEvent.objects.count() == events


def test_the_new_school_acts_on_its_alert_but_not_on_the_old_schools(client, moved):
    client.force_login(moved["beech_officer"])
    before = alert_rows()
    assert (
        client.post(
            f"/work/alerts/{moved['alder_alert'].pk}/", {"action": "acknowledge", "version": 1}
        ).status_code
        == 404
    )
    assert alert_rows() == before
    done = client.post(f"/work/alerts/{moved['beech_alert'].pk}/", {"action": "acknowledge", "version": 1})
    assert done.status_code == 302
    assert Alert.objects.get(pk=moved["beech_alert"].pk).status == "acknowledged"


def test_search_results_name_only_the_schools_of_the_users_periods(moved):
    def schools(user):
        (pupil,) = search_pupils(user, "Mover")
        return [e.school.name for e in pupil.enrolments.all()]

    assert schools(moved["alder_officer"]) == ["Alder Primary"]
    assert schools(moved["beech_officer"]) == ["Beech Primary"]
    assert schools(moved["la_officer"]) == ["Alder Primary", "Beech Primary"]
    assert [
        e.school.name for e in search_pupils(moved["alder_officer"], moved["pupil"].upn)[0].enrolments.all()
    ] == ["Alder Primary"]


def test_the_old_schools_work_list_shows_its_linked_alert_read_only(client, moved):
    # Linked alerts stay open with their case after the pupil leaves (the evaluation clears only the others).
    from attend.casework.models import Case

    case = Case.objects.create(ref="CW-000007", pupil=moved["pupil"], school=moved["alder"])
    Alert.objects.filter(pk=moved["alder_alert"].pk).update(status="linked", case=case)
    client.force_login(moved["alder_officer"])
    response = client.get(f"/work/?list=school&school={moved['alder'].urn}")
    page = text(response)
    assert "Alder: missed 20%" in page and "Read-only: the pupil has left your school" in page
    assert "Case CW-000007 open" in page
    assert f"/work/alerts/{moved['alder_alert'].pk}/" not in response.content.decode()
    assert "Social worker" not in page and "child protection" not in page.lower()

    client.force_login(moved["beech_officer"])
    beech = client.get(f"/work/?list=school&school={moved['beech'].urn}")
    assert f"/work/alerts/{moved['beech_alert'].pk}/" in beech.content.decode()
    assert "Child protection plan (has a social worker)" in text(beech)


def test_the_audit_trail_shows_each_school_the_events_of_its_own_period(client, moved):
    """Finding 4: the pupil's audit trail of a school the pupil left does not show what the new school's staff did
    after the move; the new school's head does not see what happened before the pupil joined."""
    import time_machine

    from attend import audit

    pupil = moved["pupil"]
    with time_machine.travel(dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC), tick=False):
        audit.record("people.pupil.viewed", by=moved["alder_officer"], pupil=pupil, data={"page": "x"})
    with time_machine.travel(dt.datetime(2025, 12, 9, 10, tzinfo=dt.UTC), tick=False):
        audit.record("people.pupil.viewed", by=moved["beech_officer"], pupil=pupil, data={"page": "y"})

    def trail(user) -> str:
        client.force_login(user)
        return client.get(f"/audit/pupil/{pupil.upn}/events.csv").content.decode()

    old, new, la = trail(moved["alder_dsl"]), trail(moved["beech_head"]), trail(moved["la_manager"])
    assert "alder_officer" in old and "beech_officer" not in old
    assert "beech_officer" in new and "alder_officer" not in new
    assert "alder_officer" in la and "beech_officer" in la
