"""Targeting support meetings: recording the term's meeting, agreed actions on cases, review and carry-over."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.casework.models import Case, ChronologyEntry, Stage
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.partnership import tsm
from attend.partnership.models_tsm import AgreedAction, SupportMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    birch = make_school(la=la, name="Birch Academy")
    cedar = make_school(la=la, name="Cedar Independent")
    cedar.independent = True
    cedar.save()
    officer = make_user("la.officer", role=Membership.Role.LA_OFFICER, local_authority=la)
    amy = make_pupil(school=alder, surname="Khan", legal_forename="Amy")
    return {"la": la, "alder": alder, "birch": birch, "cedar": cedar, "officer": officer, "amy": amy}


def hold(world, school=None, **kw):
    values = {
        "status": "held",
        "meeting_date": dt.date(2025, 11, 12),
        "attendees": "Jo Bloggs (LA), Sam Lee (head)",
        "record": "Reviewed 14 persistent absentees; agreed joint actions for three.",
    }
    return tsm.record_meeting(school or world["alder"], by=world["officer"], **{**values, **kw})


def test_terms_follow_the_school_year():
    assert tsm.term_of(dt.date(2025, 11, 19)) == (2025, "autumn")
    assert tsm.term_of(dt.date(2026, 2, 4)) == (2025, "spring")
    assert tsm.term_of(dt.date(2026, 6, 10)) == (2025, "summer")
    assert tsm.previous_term(2025, "autumn") == (2024, "summer")
    assert tsm.term_label(2025, "spring") == "Spring 2025/26"


def test_a_held_meeting_needs_date_attendees_and_record_and_a_decline_needs_a_reason(world):
    with pytest.raises(tsm.TsmRefused, match="who attended") as e:
        hold(world, attendees=" ")
    assert e.value.field == "attendees"
    with pytest.raises(tsm.TsmRefused, match="today or in the past"):
        hold(world, meeting_date=dt.date(2025, 11, 20))
    with pytest.raises(tsm.TsmRefused, match="why the school declined"):
        tsm.record_meeting(world["birch"], by=world["officer"], status="declined")
    declined = tsm.record_meeting(
        world["cedar"],
        by=world["officer"],
        status="declined",
        declined_reason="Independent school: not taking part",
    )
    assert (declined.term, declined.start_year, declined.status) == ("autumn", 2025, "declined")
    assert AuditEvent.objects.filter(action="partnership.tsm.recorded").count() == 1


def test_an_action_without_a_lead_practitioner_is_refused(world):
    meeting = hold(world)
    with pytest.raises(tsm.TsmRefused, match="lead practitioner") as e:
        tsm.agree_action(
            meeting, by=world["officer"], upn=world["amy"].upn, action="Home visit", lead_practitioner=" "
        )
    assert e.value.field == "lead_practitioner"
    assert not AgreedAction.objects.exists() and not Case.objects.exists()


def test_an_agreed_action_opens_a_case_or_adds_to_the_open_one(world):
    meeting = hold(world)
    first = tsm.agree_action(
        meeting, by=world["officer"], upn=world["amy"].upn, action="Early help assessment",
        lead_practitioner="Priya Shah (EWO)", due_date=dt.date(2025, 12, 5),
    )  # fmt: skip
    case = first.case
    assert case.pupil == world["amy"] and case.stage == Stage.FACILITATE
    entries = list(ChronologyEntry.objects.filter(case=case).values_list("summary", flat=True))
    assert entries[-1] == (
        "Agreed at the Autumn 2025/26 targeting support meeting: Early help assessment "
        "(lead: Priya Shah (EWO), by 5 December 2025)"
    )
    second = tsm.agree_action(
        meeting,
        by=world["officer"],
        upn=world["amy"].upn,
        action="Weekly check-in",
        lead_practitioner="Mr Hill",
    )
    assert second.case == case and Case.objects.count() == 1
    assert ChronologyEntry.objects.filter(case=case).count() == 3  # opened + two actions


def test_a_pupil_not_on_the_schools_roll_is_refused(world):
    meeting = hold(world)
    other = make_pupil(school=world["birch"], surname="Jones")
    with pytest.raises(tsm.TsmRefused, match="on Alder Primary's roll"):
        tsm.agree_action(meeting, by=world["officer"], upn=other.upn, action="Visit", lead_practitioner="Jo")


def test_unfinished_actions_carry_over_and_the_next_meeting_reviews_them(world, monkeypatch):
    meeting = hold(world)
    done = tsm.agree_action(
        meeting, by=world["officer"], upn=world["amy"].upn, action="Visit", lead_practitioner="Jo"
    )
    unfinished = tsm.agree_action(
        meeting, by=world["officer"], upn=world["amy"].upn, action="Referral to CAMHS", lead_practitioner="Dr Ray",
        due_date=dt.date(2025, 12, 1),
    )  # fmt: skip
    tsm.review_action(done, by=world["officer"], status="done", note="Visited 14 Nov")
    monkeypatch.setenv("ATTEND_TODAY", "2026-02-04")
    spring = hold(world, meeting_date=dt.date(2026, 2, 3))
    carried = list(spring.actions.all())
    assert [(a.action, a.lead_practitioner, a.carried_from_id) for a in carried] == [
        ("Referral to CAMHS", "Dr Ray", unfinished.pk)
    ]
    unfinished.refresh_from_db()
    assert unfinished.status == "carried"
    with pytest.raises(tsm.TsmRefused, match="carried over"):
        tsm.review_action(unfinished, by=world["officer"], status="done")
    with pytest.raises(tsm.TsmRefused, match="no longer needed"):
        tsm.review_action(carried[0], by=world["officer"], status="dropped")
    tsm.review_action(carried[0], by=world["officer"], status="done", note="Seen by CAMHS 20 Jan")
    assert (
        "reviewed (done): Referral to CAMHS. Seen by CAMHS 20 Jan"
        in ChronologyEntry.objects.filter(case=carried[0].case).order_by("pk").last().summary
    )


def test_the_la_sees_this_terms_meetings_and_overdue_actions(world):
    meeting = hold(world)
    tsm.agree_action(
        meeting, by=world["officer"], upn=world["amy"].upn, action="Referral to CAMHS", lead_practitioner="Dr Ray",
        due_date=dt.date(2025, 11, 14),
    )  # fmt: skip
    tsm.agree_action(
        meeting, by=world["officer"], upn=world["amy"].upn, action="Visit", lead_practitioner="Jo",
        due_date=dt.date(2025, 12, 14),
    )  # fmt: skip
    tsm.record_meeting(world["cedar"], by=world["officer"], status="declined", declined_reason="Independent")
    view = tsm.term_overview([world["alder"], world["birch"], world["cedar"]], dt.date(2025, 11, 19))
    assert view["term"] == "Autumn 2025/26"
    assert [(r.school.name, r.status_label, r.open_actions, r.overdue_actions) for r in view["rows"]] == [
        ("Alder Primary", "Held", 2, 1),
        ("Birch Academy", "Not yet offered", 0, 0),
        ("Cedar Independent", "Declined", 0, 0),
    ]
    assert [a.action for a in view["overdue"]] == ["Referral to CAMHS"]
    assert SupportMeeting.objects.count() == 2
