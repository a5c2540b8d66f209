"""The office dashboard (/visits/office/), a check-in recorded for an officer who rang the office, and check-in by
text message (GOV.UK Notify's received-text callback, POST /visits/notify/inbound/). Escalation rows are made
directly here: the engine that makes them is another helper's (attend/visits/escalation.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user
from attend.visits import escalation, lone
from attend.visits.demo_lone import make_profile, make_round
from attend.visits.models import CheckIn, Escalation, EscalationMessage, EscalationStep, Round

R = Membership.Role
DAY = dt.date(2025, 11, 19)
TOKEN = "a-long-inbound-bearer-token-for-tests"


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


NOW = at(12, 0)


def named(username: str, name: str, **kw):
    user = make_user(username, **kw)
    user.first_name, user.last_name = name.split(" ", 1)
    user.save()
    return user


@pytest.fixture
def world(db, monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", DAY.isoformat())
    monkeypatch.setattr(lone, "moment", lambda: NOW)
    settings.ATTEND_NOTIFY_INBOUND_TOKEN = TOKEN
    la = make_la()
    alder, beech = make_school(la=la, name="Alder Primary"), make_school(la=la, name="Beech Primary")
    ada = named("ada", "Ada Lovelace", role=R.SCHOOL_OFFICER, school=alder)
    cy = named("cy", "Cy Young", role=R.ATTENDANCE_LEAD, school=alder)
    bo = named("bo", "Bo Beech", role=R.SCHOOL_OFFICER, school=beech)
    office = named("olive", "Olive Office", role=R.SCHOOL_OFFICER, school=alder)
    make_profile(ada, mobile="07700 900123")
    make_profile(cy, mobile="07700 900456")
    make_profile(bo, mobile="07700 900789")
    rounds = {}
    for user, started, due in ((ada, at(9), at(11, 0)), (cy, at(10), at(12, 30)), (bo, at(9), at(10))):
        r = make_round(user, DAY, risk_checked_at=at(8, 30))
        lone.start_round(r, by=user, expected_back_at=at(15), now=started, first_check_in_at=due)
        r.refresh_from_db()
        rounds[user.username] = r
    return {"la": la, "alder": alder, "ada": ada, "cy": cy, "bo": bo, "office": office, "rounds": rounds}


def escalate(round_, *, failing: bool, acknowledged_by=None) -> Escalation:
    e = Escalation.objects.create(
        round=round_,
        reason="missed",
        due_check_in_at=at(11),
        last_known_location="14 Mill Lane",
        opened_at=at(11, 15),
    )
    step = EscalationStep.objects.create(
        escalation=e, number=1, level="office", due_at=at(11, 15), status="partly"
    )
    EscalationMessage.objects.create(
        step=step, channel="email", to="office@alder.example", contact_name="Office desk", key=f"{e.pk}-1-e",
        status="sent", sent_at=at(11, 15),
    )  # fmt: skip
    EscalationMessage.objects.create(
        step=step, channel="sms", to="07700900555", contact_name="Office desk", key=f"{e.pk}-1-s",
        status="failed" if failing else "sent", reason="Notify: 503 Service Unavailable" if failing else "",
    )  # fmt: skip
    EscalationStep.objects.create(escalation=e, number=2, level="manager", due_at=at(11, 30))
    if acknowledged_by:
        e.acknowledged_by, e.acknowledged_at, e.acknowledged_note = (
            acknowledged_by,
            at(11, 40),
            "Rang Ada: fine",
        )
        e.ended_at = at(11, 40)
        e.save()
    return e


def test_the_dashboard_shows_who_is_out_with_the_overdue_officer_in_red_at_the_top(client, world):
    e = escalate(world["rounds"]["ada"], failing=True)
    client.force_login(world["office"])
    page = client.get("/visits/office/").content.decode()
    assert '<meta http-equiv="refresh" content="60">' in page and "Stop refreshing" in page
    paused = client.get("/visits/office/?refresh=off").content.decode()
    assert 'http-equiv="refresh"' not in paused and "Refreshing is off" in paused
    # Ada's check-in was due at 11:00; with 15 minutes' grace she is overdue at 12:00. Cy's is due at 12:30.
    assert "1 officer overdue" in page
    assert "Ada Lovelace: check-in was due at 11:00, ring 07700 900123" in page
    sections = page.split('data-testid="out-row"')[1:]
    assert len(sections) == 2  # Bo is at Beech: another school's office
    assert "Bo Beech" not in page
    first, second = sections
    assert "Ada Lovelace" in first and 'govuk-tag--red">Overdue' in first and "attend-office__overdue" in page
    assert "Blue Ford Fiesta, registration AB12 CDE" in first and 'href="tel:07700900123"' in first
    assert "<li>14 Mill Lane<br>Northtown, NO1 4AB</li><li>3 Church Walk<br>Northtown, NO1 6CD</li>" in first
    assert 'Last check-in</dt><dd class="govuk-summary-list__value">09:00, 14 Mill Lane' in first
    assert "Missed check-in, opened 11:15, last known at 14 Mill Lane" in first
    assert "Not yet acknowledged" in first
    assert (
        'sms to Office desk: <strong class="govuk-tag govuk-tag--red">Failing</strong> Notify: 503' in first
    )
    assert "email to Office desk: sent at 11:15" in first
    assert "Step 2 (Manager), due 11:30: Due" in first
    assert f'href="/visits/escalations/{e.pk}/"' in first
    assert "Cy Young" in second and "Overdue" not in second and "12:30" in second


def test_an_acknowledged_escalation_shows_who_and_when(client, world):
    escalate(world["rounds"]["cy"], failing=False, acknowledged_by=world["office"])
    client.force_login(world["office"])
    page = client.get("/visits/office/").content.decode()
    assert "Acknowledged by Olive Office at 11:40: Rang Ada: fine" in page


def test_the_office_records_a_check_in_for_an_officer_who_rang(client, world):
    ada = world["rounds"]["ada"]
    client.force_login(world["office"])
    response = client.post(
        f"/visits/office/rounds/{ada.pk}/check-in/",
        {"location": "3 Church Walk", "next_due": "13:00", "note": "Rang from the car"},
        follow=True,
    )
    assert "Check-in recorded for Ada Lovelace at 12:00" in response.content.decode()
    row = CheckIn.objects.get(round=ada, kind="after_visit")
    assert (row.channel, row.recorded_by, row.location, row.note) == (
        "office_call",
        world["office"],
        "3 Church Walk",
        "Rang from the car",
    )
    ada.refresh_from_db()
    assert ada.check_in_due_at == at(13) and not lone.overdue(ada, NOW)
    client.post(f"/visits/office/rounds/{ada.pk}/check-in/", {"final": "yes"})
    ada.refresh_from_db()
    assert ada.status == Round.Status.BACK
    assert "Back today" in client.get("/visits/office/").content.decode()


def test_the_office_cannot_touch_another_schools_round(client, world):
    client.force_login(world["office"])
    bo = world["rounds"]["bo"]
    assert client.post(f"/visits/office/rounds/{bo.pk}/check-in/", {"final": "yes"}).status_code == 404
    assert not CheckIn.objects.filter(round=bo, kind__in=["after_visit", "final"]).exists()


def test_the_dashboard_needs_visits_office(client, world):
    teacher = make_user("tia", role=R.CLASS_TEACHER, school=world["alder"])
    client.force_login(teacher)
    assert client.get("/visits/office/").status_code == 403


def test_an_la_office_sees_its_la_teams_rounds_only(client, world):
    lou = named("lou", "Lou Ewo", role=R.LA_OFFICER, local_authority=world["la"])
    make_profile(lou, mobile="07700 900321")
    r = make_round(lou, DAY, risk_checked_at=at(8))
    lone.start_round(r, by=lou, expected_back_at=at(16), now=at(11))
    client.force_login(named("mo", "Mo Manager", role=R.LA_MANAGER, local_authority=world["la"]))
    page = client.get("/visits/office/").content.decode()
    assert "Lou Ewo" in page and "Ada Lovelace" not in page and "Nobody in your team" not in page


# ----- check-in by text message


def inbound(client, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/visits/notify/inbound/", data, content_type="application/json", headers=headers)


def text(message: str, number: str = "447700900123", received: str = "2025-11-19T11:58:30.000000Z") -> dict:
    return {
        "id": "8e222534-7f05-4972-86e3-17c5d9f894e2",
        "source_number": number,
        "destination_number": "07700900000",
        "message": message,
        "date_received": received,
    }


def test_without_the_bearer_token_notify_is_refused(client, world, settings):
    assert inbound(client, text("OK"), token=None).status_code == 403
    assert inbound(client, text("OK"), token="wrong").status_code == 403
    settings.ATTEND_NOTIFY_INBOUND_TOKEN = ""
    assert inbound(client, text("OK")).status_code == 403
    assert not CheckIn.objects.filter(channel="sms").exists()


@pytest.mark.parametrize("word", ["OK", "ok.", "In", "IN thanks"])
def test_ok_or_in_is_a_check_in(client, world, word):
    response = inbound(client, text(word))
    assert (response.status_code, response.json()) == (200, {"status": "checked_in"})
    row = CheckIn.objects.get(channel="sms")
    # 11:58:30 UTC is 11:58:30 in London in November.
    assert (row.round, row.kind, row.note, row.recorded_by) == (
        world["rounds"]["ada"],
        "after_visit",
        "",
        world["ada"],
    )
    assert row.at == timezone.make_aware(dt.datetime(2025, 11, 19, 11, 58, 30))


def test_back_is_the_final_check_in(client, world):
    assert inbound(client, text("Back", number="+447700900456")).json() == {"status": "back"}
    cy = Round.objects.get(pk=world["rounds"]["cy"].pk)
    assert cy.status == Round.Status.BACK


def test_help_escalates_at_once(client, world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        escalation,
        "raise_help",
        lambda r, *, location, now, check_in: calls.append((r.pk, location, check_in.note)),
    )
    assert inbound(client, text("HELP dog loose")).json() == {"status": "help"}
    assert calls == [(world["rounds"]["ada"].pk, "14 Mill Lane", "HELP dog loose")]


def test_any_other_text_is_a_check_in_with_the_text_as_its_note(client, world):
    inbound(client, text("At 27 Station Road, all fine, next one at 1"))
    row = CheckIn.objects.get(channel="sms")
    assert row.note == "At 27 Station Road, all fine, next one at 1" and row.kind == "after_visit"


def test_an_unknown_number_is_logged_and_answered_200(client, world, caplog):
    with caplog.at_level(logging.WARNING, logger="attend.visits.sms_inbound"):
        response = inbound(client, text("OK", number="447700900999"))
    assert (response.status_code, response.json()) == (200, {"status": "unknown_number"})
    assert (
        "A text to the check-in number from …999 was not a check-in: no officer has that mobile"
        in caplog.text
    )
    assert not CheckIn.objects.filter(channel="sms").exists()


def test_an_officer_with_no_round_out_and_nonsense_bodies_are_200(client, world):
    lone.check_in(world["rounds"]["ada"], by=world["ada"], channel="page", now=NOW, final=True)
    assert inbound(client, text("OK")).json() == {"status": "no_round"}
    assert inbound(client, "not json").status_code == 200
    assert inbound(client, [1, 2]).status_code == 200
    assert inbound(client, {"source_number": None}).json() == {"status": "unknown_number"}


def test_a_received_time_far_from_now_is_replaced_by_now(client, world):
    inbound(client, text("OK", received="2019-01-01T10:00:00Z"))
    assert CheckIn.objects.get(channel="sms").at == NOW


def test_an_open_escalation_stays_on_the_dashboard_after_the_round_ends(client, world):
    ada = world["rounds"]["ada"]
    lone.check_in(ada, by=world["ada"], channel="page", now=at(11, 50), final=True)
    old = make_round(world["ada"], DAY - dt.timedelta(days=1), risk_checked_at=at(8))
    Round.objects.filter(pk=old.pk).update(status=Round.Status.BACK)
    Escalation.objects.create(round=old, reason="help", opened_at=at(15, day=DAY - dt.timedelta(days=1)),
                              last_known_location="3 Church Walk")  # fmt: skip
    e = Escalation.objects.create(
        round=ada, reason="help", opened_at=at(11, 45), last_known_location="14 Mill Lane"
    )
    client.force_login(world["office"])
    page = client.get("/visits/office/").content.decode()
    sections = page.split('data-testid="out-row"')[1:]
    assert "I need help, opened 11:45, last known at 14 Mill Lane" in page
    assert "I need help, opened 15:00, last known at 3 Church Walk" in page  # yesterday's, still open
    assert f'href="/visits/escalations/{e.pk}/"' in page
    assert len(sections) == 3  # Ada's two rounds with open escalations, and Cy out
    assert "Back today" not in page  # Ada's round is listed above, with its escalation


def test_the_demo_hook_makes_an_overdue_an_on_time_and_a_finished_round(client, db, monkeypatch):
    from attend.visits.demo_lone import seed

    monkeypatch.setenv("ATTEND_TODAY", DAY.isoformat())
    monkeypatch.setattr(lone, "moment", lambda: NOW)
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    officers = [
        named(u, n, role=R.SCHOOL_OFFICER, school=alder)
        for u, n in (("ada", "Ada L"), ("cy", "Cy Y"), ("di", "Di Z"))
    ]
    rounds = seed(la, DAY, *officers, now=NOW)
    assert [r.status for r in rounds] == ["out", "out", "back"]
    assert [lone.overdue(r, NOW) for r in rounds] == [True, False, False]
    assert alder.escalation_contacts.count() == 3
    client.force_login(officers[1])
    page = client.get("/visits/office/").content.decode()
    assert "1 officer overdue" in page and "Ada L: check-in was due at 11:00, ring 07700 900100" in page
    assert "Di Z: back at 12:00" in page


def test_help_by_text_after_im_back_still_escalates(client, world, monkeypatch):
    calls = []
    monkeypatch.setattr(escalation, "raise_help", lambda r, *, location, now, check_in: calls.append(r.pk))
    lone.check_in(world["rounds"]["ada"], by=world["ada"], channel="page", now=at(11, 50), final=True)
    assert inbound(client, text("HELP")).json() == {"status": "help"}
    assert calls == [world["rounds"]["ada"].pk]


def test_notify_needs_no_csrf_token_or_session(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = inbound(strict, text("OK"))
    assert (response.status_code, response.json()) == (200, {"status": "checked_in"})
