"""The phone pages of a round: check out (start), check in after a visit / somewhere else / I'm back, and
"I need help". The escalation engine is another helper's: `attend.visits.escalation.raise_help` is replaced by a
recorder in the help tests (it raises NotImplementedError on this branch)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_school, make_user
from attend.visits import escalation, lone
from attend.visits.demo_lone import make_profile, make_round
from attend.visits.models import CheckIn, Round, Visit
from attend.visits.views_lone import lone_context

R = Membership.Role
DAY = dt.date(2025, 11, 19)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time(hour, minute)))


NOW = at(9, 30)


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", DAY.isoformat())
    monkeypatch.setattr(lone, "moment", lambda: NOW)
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    officer = make_user("ada", role=R.SCHOOL_OFFICER, school=alder)
    make_profile(officer)
    round_ = make_round(officer, DAY, risk_checked_at=at(9, 0))
    return {"alder": alder, "officer": officer, "round": round_}


@pytest.fixture
def out(world):
    lone.start_round(world["round"], by=world["officer"], expected_back_at=at(15, 30), now=NOW)
    world["round"].refresh_from_db()
    return world


@pytest.fixture
def help_calls(monkeypatch):
    calls = []

    def record(round_, *, location, now, check_in):
        calls.append({"round": round_.pk, "location": location, "now": now, "check_in": check_in.kind})

    monkeypatch.setattr(escalation, "raise_help", record)
    return calls


def test_officer_checks_out_with_a_return_time_and_the_office_details_are_copied(client, world):
    client.force_login(world["officer"])
    page = client.get(f"/visits/rounds/{world['round'].pk}/out/").content.decode()
    assert "Check out and start the round" in page and "14 Mill Lane" in page
    response = client.post(
        f"/visits/rounds/{world['round'].pk}/start/",
        {"expected_back_at": "15:30", "first_check_in_at": "10:45"},
    )
    assert response.status_code == 302 and response["Location"] == f"/visits/rounds/{world['round'].pk}/out/"
    round_ = Round.objects.get()
    assert round_.status == Round.Status.OUT
    assert (round_.expected_back_at, round_.check_in_due_at, round_.started_at) == (
        at(15, 30),
        at(10, 45),
        NOW,
    )
    assert round_.mobile == "07700 900123" and round_.vehicle == "Blue Ford Fiesta, registration AB12 CDE"
    page = client.get(response["Location"]).content.decode()
    assert "You are checked out. Check in by 10:45" in page
    assert "Next check-in by <strong>10:45</strong>; back by 15:30" in page
    assert page.count("Checked in after this visit") == 2 and "I need help" in page


def test_without_a_first_check_in_time_it_is_an_hour_from_now(client, world):
    client.force_login(world["officer"])
    client.post(f"/visits/rounds/{world['round'].pk}/start/", {"expected_back_at": "2.30pm"})
    round_ = Round.objects.get()
    assert (round_.expected_back_at, round_.check_in_due_at) == (at(14, 30), at(10, 30))


def test_every_reason_the_round_cannot_start_is_in_the_error_summary(client, world):
    officer = world["officer"]
    officer.visit_profile.mobile = ""
    officer.visit_profile.save()
    Visit.objects.filter(order=2).update(risk_checked_at=None)
    client.force_login(officer)
    response = client.post(f"/visits/rounds/{world['round'].pk}/start/", {"expected_back_at": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    assert "Enter the time you expect to be back" in summary
    assert "Do the risk check for every visit before you start: not yet done for 3 Church Walk" in summary
    assert "Add your mobile number to your profile first" in summary
    assert Round.objects.get().status == Round.Status.PLANNED
    assert (
        not CheckIn.objects.exists() and not AuditEvent.objects.filter(action="visits.round.started").exists()
    )


def test_an_unreadable_or_past_time_is_refused_with_the_reason(client, world):
    client.force_login(world["officer"])
    page = client.post(
        f"/visits/rounds/{world['round'].pk}/start/",
        {"expected_back_at": "teatime", "first_check_in_at": "08:00"},
    ).content.decode()
    assert "Enter the time you expect to be back as hours and minutes, like 15:30" in page
    assert "The first check-in time must be later than now" in page
    assert "Enter the time you expect to be back<" not in page  # the form's own message, not twice
    page = client.post(
        f"/visits/rounds/{world['round'].pk}/start/", {"expected_back_at": "09:00"}
    ).content.decode()
    assert "The time you expect to be back must be later than now" in page
    assert Round.objects.get().status == Round.Status.PLANNED


def test_checked_in_after_a_visit(client, out):
    visit = Visit.objects.get(order=1)
    client.force_login(out["officer"])
    response = client.post(
        f"/visits/rounds/{out['round'].pk}/check-in/", {"action": "visit", "visit": visit.pk}, follow=True
    )
    page = response.content.decode()
    row = CheckIn.objects.get(kind=CheckIn.Kind.AFTER_VISIT)
    assert (row.visit, row.location, row.channel, row.at) == (visit, "14 Mill Lane", "page", NOW)
    assert "Checked in at 09:30. Next check-in by 10:30" in page
    assert page.count("govuk-tag--green") == 1  # the first visit shows it is checked in


def test_check_in_somewhere_else_adds_the_visit_to_the_round(client, out):
    client.force_login(out["officer"])
    client.post(
        f"/visits/rounds/{out['round'].pk}/check-in/",
        {"action": "elsewhere", "address": "5 Mill Lane\nNorthtown", "postcode": "no1 4ab", "next_due": "11:15",
         "note": "Sibling lives next door"},
    )  # fmt: skip
    added = Visit.objects.get(source=Visit.Source.CHECK_IN)
    assert (added.round, added.order, added.postcode, added.address) == (
        out["round"],
        3,
        "NO1 4AB",
        "5 Mill Lane\nNorthtown",
    )
    row = CheckIn.objects.get(kind=CheckIn.Kind.AFTER_VISIT)
    assert (row.visit, row.location, row.note, row.next_due_at) == (
        added,
        "5 Mill Lane",
        "Sibling lives next door",
        at(11, 15),
    )
    out["round"].refresh_from_db()
    assert out["round"].check_in_due_at == at(11, 15)


def test_a_check_in_is_never_refused_even_when_nothing_reads(client, out):
    other = make_round(out["officer"], DAY, risk_checked_at=at(9, 0)).visits.first()
    client.force_login(out["officer"])
    response = client.post(
        f"/visits/rounds/{out['round'].pk}/check-in/",
        {"action": "elsewhere", "address": "", "visit": str(other.pk), "next_due": "soon"},
        follow=True,
    )
    page = response.content.decode()
    row = CheckIn.objects.get(kind=CheckIn.Kind.AFTER_VISIT)
    assert row.visit is None and row.round == out["round"]
    assert "We could not read the visit (it is not on this round)" in page
    assert "We could not read the next check-in time" in page
    assert "Checked in at 09:30" in page


def test_im_back_ends_the_round(client, out):
    client.force_login(out["officer"])
    page = client.post(f"/visits/rounds/{out['round'].pk}/check-in/", {"action": "back"}, follow=True)
    page = page.content.decode()
    round_ = Round.objects.get()
    assert (round_.status, round_.ended_at, round_.check_in_due_at) == (Round.Status.BACK, NOW, None)
    assert "Welcome back: checked in at 09:30, round ended" in page and "You are back" in page
    # A late check-in after the end is still kept.
    client.post(f"/visits/rounds/{out['round'].pk}/check-in/", {"action": "visit"})
    assert CheckIn.objects.filter(round=round_).count() == 3


def test_i_need_help_asks_to_confirm_then_escalates_at_once(client, out, help_calls):
    client.force_login(out["officer"])
    client.post(
        f"/visits/rounds/{out['round'].pk}/check-in/",
        {"action": "visit", "visit": Visit.objects.get(order=1).pk},
    )
    page = client.get(f"/visits/rounds/{out['round'].pk}/help/").content.decode()
    assert "Yes, send for help now" in page and "14 Mill Lane" in page
    assert help_calls == []  # one tap only opens the confirm
    page = client.post(f"/visits/rounds/{out['round'].pk}/help/", {"location": ""}).content.decode()
    assert help_calls == [
        {"round": out["round"].pk, "location": "14 Mill Lane", "now": NOW, "check_in": "help"}
    ]
    assert "The office is being told" in page
    assert AuditEvent.objects.filter(action="visits.help.raised").count() == 1


def test_i_need_help_is_never_refused_even_after_the_round_ended(client, out, help_calls):
    lone.check_in(out["round"], by=out["officer"], channel="page", now=NOW, final=True)
    client.force_login(out["officer"])
    client.post(f"/visits/rounds/{out['round'].pk}/help/", {"location": "Car park, Mill Lane"})
    assert help_calls[0]["location"] == "Car park, Mill Lane"


def test_someone_elses_round_is_404_and_changes_nothing(client, out, help_calls):
    colleague = make_user("cy", role=R.SCHOOL_OFFICER, school=out["alder"])
    client.force_login(colleague)
    pk = out["round"].pk
    assert client.get(f"/visits/rounds/{pk}/out/").status_code == 404
    assert client.post(f"/visits/rounds/{pk}/check-in/", {"action": "back"}).status_code == 404
    assert client.post(f"/visits/rounds/{pk}/help/").status_code == 404
    assert client.post(f"/visits/rounds/{pk}/start/", {"expected_back_at": "15:00"}).status_code == 404
    assert CheckIn.objects.count() == 1 and help_calls == []


def test_the_partial_renders_from_lone_context_for_the_round_page(out):
    html = render_to_string(
        "visits/lone/_round_actions.html", lone_context(out["round"], now=NOW), request=None
    )
    assert "Checked in after this visit" in html and f"/visits/rounds/{out['round'].pk}/help/" in html
