"""Elective home education rules: the deletion the notice allows, the special-school consent gate (reg 9(3)), the
EHC and CP flags with their first-contact dates, contacts and suitability, return to school, and the work list."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry
from attend.cme import ehe
from attend.cme.models import HomeEducation, RollDeletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Enrolment, Pupil

R = Membership.Role
TODAY = dt.date(2025, 11, 19)  # a Wednesday


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la("201", "Northshire")
    school = make_school(la=la, name="Alder Primary")
    officer = make_user("ehe_officer", role=R.LA_OFFICER, local_authority=la)
    return {"la": la, "school": school, "officer": officer}


def pupil_at(school, **fields) -> Pupil:
    return make_pupil(school=school, surname="Home", **fields)


def notice(w, pupil, received_on=dt.date(2025, 11, 17), **kw) -> HomeEducation:
    return ehe.record_notice(by=w["officer"], pupil=pupil, school=w["school"], received_on=received_on,
                             from_name="Sam Home", **kw)  # fmt: skip


def test_the_notice_deletes_the_pupil_under_ground_f_at_once(world):
    pupil = pupil_at(world["school"])
    record = notice(world, pupil, note="We want to teach her ourselves")
    assert record.ref == "EHE-000001"
    assert record.status == HomeEducation.Status.HOME_EDUCATED
    assert record.started_on == dt.date(2025, 11, 18)
    assert record.local_authority == world["la"] and record.school == world["school"]
    deletion = RollDeletion.objects.get(home_education=record)
    assert (deletion.ground, deletion.deleted_on, deletion.source) == (
        "f",
        dt.date(2025, 11, 17),
        "home_education",
    )
    assert Enrolment.objects.get(pupil=pupil).leaving_date == dt.date(2025, 11, 17)
    summaries = list(
        ChronologyEntry.objects.filter(case=record.case, kind="cme").values_list("summary", flat=True)
    )
    assert len(summaries) == 2  # the notice, and the deletion return it allowed
    assert any("under ground (f)" in s for s in summaries)
    assert AuditEvent.objects.filter(action="cme.home_education.recorded", object_id=str(record.pk)).exists()
    assert notice(world, pupil_at(world["school"])).ref == "EHE-000002"


def test_the_notice_uses_the_pupils_open_case(world):
    from attend.casework.cases import open_case

    pupil = pupil_at(world["school"])
    case, _ = open_case(by=world["officer"], pupil=pupil, school=world["school"])
    assert notice(world, pupil).case == case


@pytest.mark.parametrize(
    ("received_on", "name", "error"),
    [
        (dt.date(2025, 11, 20), "Sam Home", "in the future"),
        (dt.date(2025, 11, 17), "  ", "Enter the name of the parent"),
        (dt.date(2024, 8, 30), "Sam Home", "was not on the roll at Alder Primary on 30 August 2024"),
    ],
)
def test_a_notice_is_refused_with_the_reason(world, received_on, name, error):
    pupil = pupil_at(world["school"])
    with pytest.raises(ehe.EheRefused, match=error):
        ehe.record_notice(by=world["officer"], pupil=pupil, school=world["school"], received_on=received_on,
                          from_name=name)  # fmt: skip
    assert not HomeEducation.objects.exists() and not RollDeletion.objects.exists()


def test_a_second_notice_while_one_is_current_is_refused(world):
    pupil = pupil_at(world["school"])
    notice(world, pupil)
    Enrolment.objects.filter(pupil=pupil).update(leaving_date=None)
    with pytest.raises(ehe.EheRefused, match="already has a current home education record"):
        notice(world, pupil)


def test_la_placed_special_school_waits_for_consent_and_refuses_the_deletion_before_it(world):
    pupil = pupil_at(world["school"], sen_status=Pupil.SenStatus.EHCP)
    record = notice(world, pupil, special_school_la_placed=True)
    assert (record.status, record.consent) == ("awaiting_consent", "pending")
    assert not RollDeletion.objects.exists()
    assert Enrolment.objects.get(pupil=pupil).leaving_date is None
    with pytest.raises(ehe.EheRefused, match=r"until the local authority consents \(2024 Regs reg 9\(3\)\)"):
        ehe.delete_from_roll(record, by=world["officer"], on=TODAY)
    assert not RollDeletion.objects.exists()


def test_consent_given_allows_the_deletion(world):
    pupil = pupil_at(world["school"], sen_status=Pupil.SenStatus.EHCP)
    record = notice(world, pupil, special_school_la_placed=True)
    ehe.decide_consent(
        record, world["officer"], True, dt.date(2025, 11, 18), "Provision discussed with parents"
    )
    record.refresh_from_db()
    assert (record.status, record.consent, record.started_on) == (
        "home_educated",
        "given",
        dt.date(2025, 11, 19),
    )
    deletion = RollDeletion.objects.get(home_education=record)
    assert (deletion.ground, deletion.deleted_on) == ("f", dt.date(2025, 11, 18))
    assert Enrolment.objects.get(pupil=pupil).leaving_date == dt.date(2025, 11, 18)


def test_consent_refused_keeps_the_child_on_roll(world):
    pupil = pupil_at(world["school"])
    record = notice(world, pupil, special_school_la_placed=True)
    with pytest.raises(ehe.EheRefused, match="Enter why"):
        ehe.decide_consent(record, world["officer"], False, TODAY, "")
    ehe.decide_consent(record, world["officer"], False, TODAY, "The plan's provision cannot be made at home")
    record.refresh_from_db()
    assert (record.status, record.consent) == ("ended", "refused")
    assert "stays on the school's roll" in record.ended_note
    assert not RollDeletion.objects.exists() and Enrolment.objects.get(pupil=pupil).leaving_date is None
    with pytest.raises(ehe.EheRefused, match="not waiting"):
        ehe.decide_consent(record, world["officer"], True, TODAY, "")


@pytest.mark.parametrize(
    ("fields", "ehc", "cp", "first_due"),
    [
        ({}, False, False, dt.date(2025, 12, 15)),  # 20 working days after Monday 17 November
        ({"sen_status": Pupil.SenStatus.EHCP}, True, False, dt.date(2025, 12, 1)),  # 10 working days
        ({"child_protection_plan": True}, False, True, dt.date(2025, 12, 1)),
        ({"sen_status": Pupil.SenStatus.SEN_SUPPORT}, False, False, dt.date(2025, 12, 15)),
    ],
)
def test_flags_and_the_first_contact_due(world, fields, ehc, cp, first_due):
    record = notice(world, pupil_at(world["school"], **fields))
    assert (record.ehc_plan, record.child_protection_plan) == (ehc, cp)
    assert ehe.next_contact_due(record) == first_due
    steps = " ".join(ehe.next_steps(record))
    assert ("s42(5)" in steps) == ehc and ("social worker promptly" in steps) == cp


def test_the_first_contact_days_are_a_setting(world, settings):
    settings.ATTEND_EHE_FIRST_CONTACT_WORKING_DAYS = {"flagged": 5, "other": 15}
    record = notice(world, pupil_at(world["school"], child_protection_plan=True))
    assert ehe.next_contact_due(record) == dt.date(2025, 11, 24)


def test_contacts_set_the_next_due_and_not_suitable_points_to_s437(world):
    record = notice(world, pupil_at(world["school"]))
    officer = world["officer"]
    ehe.record_contact(record, officer, "visit", dt.date(2025, 11, 18), "Saw a timetable", "appears_suitable",
                       dt.date(2026, 2, 2))  # fmt: skip
    assert ehe.next_contact_due(record) == dt.date(2026, 2, 2)
    ehe.record_contact(record, officer, "phone", TODAY, "No work seen", "not_suitable", None)
    assert ehe.latest_view(record).suitability == "not_suitable"
    assert ehe.next_contact_due(record) == dt.date(2026, 11, 19)  # a year on when no date is set
    assert any("consider a school attendance order, EA 1996 s437" in s for s in ehe.next_steps(record))
    ehe.record_contact(record, officer, "letter", TODAY, "Asked for samples", "not_assessed", None)
    assert ehe.latest_view(record).suitability == "not_suitable"  # a contact with no view keeps the last view


@pytest.mark.parametrize(
    ("on", "next_on", "error"),
    [
        (dt.date(2025, 11, 20), None, "between the notice and today"),
        (dt.date(2025, 11, 16), None, "between the notice and today"),
        (TODAY, TODAY, "after this one"),
    ],
)
def test_a_contact_is_refused_with_the_reason(world, on, next_on, error):
    record = notice(world, pupil_at(world["school"]))
    with pytest.raises(ehe.EheRefused, match=error):
        ehe.record_contact(record, world["officer"], "visit", on, "Visited", "appears_suitable", next_on)
    assert not record.contacts.exists()


def test_return_to_school(world):
    record = notice(world, pupil_at(world["school"]))
    beech = make_school(la=world["la"], name="Beech Primary")
    with pytest.raises(ehe.EheRefused, match="between the start of home education and today"):
        ehe.record_return(record, world["officer"], beech, dt.date(2025, 11, 17))
    ehe.record_return(record, world["officer"], beech, TODAY)
    record.refresh_from_db()
    assert (record.status, record.return_school, record.ended_on) == ("returned", beech, TODAY)
    assert ehe.next_contact_due(record) is None
    assert not ehe.open_records(world["la"]).exists()
    with pytest.raises(ehe.EheRefused, match="Only a child who is home educated"):
        ehe.record_return(record, world["officer"], beech, TODAY)


def test_end_moved_away(world):
    record = notice(world, pupil_at(world["school"]))
    with pytest.raises(ehe.EheRefused, match="Choose why"):
        ehe.record_end(record, world["officer"], "bored", TODAY)
    ehe.record_end(record, world["officer"], "moved_away", TODAY, "To Southshire")
    record.refresh_from_db()
    assert (record.status, record.ended_note) == (
        "ended",
        "Moved away from the local authority: To Southshire",
    )


def test_the_contact_due_prompt_is_raised_on_the_due_day_and_cleared_by_a_contact(world):
    record = notice(
        world, pupil_at(world["school"], child_protection_plan=True)
    )  # first contact due 1 December
    assert ehe.sync_ehe_prompts(dt.date(2025, 11, 28)) == {"raised": 0, "cleared": 0}
    assert ehe.sync_ehe_prompts(dt.date(2025, 12, 1)) == {"raised": 1, "cleared": 0}
    alert = Alert.objects.get(rule="ehe_contact_due")
    assert (
        alert.reason
        == f"Home education ({record.ref}): the LA's contact with the family was due on 1 December 2025."
    )
    assert alert.school == world["school"] and alert.pupil == record.pupil
    assert ehe.sync_ehe_prompts(dt.date(2025, 12, 2)) == {"raised": 0, "cleared": 0}  # not twice
    ehe.record_contact(record, world["officer"], "visit", TODAY, "Met the family and social worker",
                       "appears_suitable", dt.date(2026, 3, 2))  # fmt: skip
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLEARED


def test_a_dismissed_prompt_stays_dismissed(world):
    notice(world, pupil_at(world["school"], child_protection_plan=True))
    ehe.sync_ehe_prompts(dt.date(2025, 12, 1))
    Alert.objects.filter(rule="ehe_contact_due").update(status=Alert.Status.DISMISSED)
    assert ehe.sync_ehe_prompts(dt.date(2025, 12, 3)) == {"raised": 0, "cleared": 0}
    assert Alert.objects.get(rule="ehe_contact_due").status == Alert.Status.DISMISSED


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (dt.date(2025, 11, 16), False),
        (dt.date(2025, 11, 17), True),
        (TODAY, True),
        (dt.date(2025, 11, 20), False),
    ],
)
def test_the_consent_date_lies_between_the_notice_and_today(world, on, ok):
    record = notice(world, pupil_at(world["school"]), special_school_la_placed=True)
    if ok:
        ehe.decide_consent(record, world["officer"], True, on, "")
        assert RollDeletion.objects.get(home_education=record).deleted_on == on
    else:
        with pytest.raises(ehe.EheRefused, match="between the notice and today"):
            ehe.decide_consent(record, world["officer"], True, on, "")
        assert not RollDeletion.objects.exists()


def test_the_first_contact_counts_working_days_over_weekends(world):
    # Notice on Friday 14 November: 10 working days is Friday 28 November, 20 is Friday 12 December.
    flagged = notice(
        world, pupil_at(world["school"], child_protection_plan=True), received_on=dt.date(2025, 11, 14)
    )
    other = notice(world, pupil_at(world["school"]), received_on=dt.date(2025, 11, 14))
    assert ehe.next_contact_due(flagged) == dt.date(2025, 11, 28)
    assert ehe.next_contact_due(other) == dt.date(2025, 12, 12)


def test_a_deletion_refused_by_the_roll_leaves_no_record_and_no_case(world, monkeypatch):
    from attend.casework.models import Case
    from attend.cme import roll

    class Refused(ValueError):
        pass

    def refuse(**kwargs):
        raise Refused("The school has already recorded a deletion on that day")

    monkeypatch.setattr(roll, "DeletionRefused", Refused, raising=False)
    monkeypatch.setattr(roll, "record_deletion", refuse, raising=False)
    pupil = pupil_at(world["school"])
    with pytest.raises(ehe.EheRefused, match="already recorded a deletion on that day"):
        notice(world, pupil)
    assert not HomeEducation.objects.exists() and not Case.objects.filter(pupil=pupil).exists()
    assert Enrolment.objects.get(pupil=pupil).leaving_date is None
