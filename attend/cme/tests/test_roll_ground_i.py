"""Ground 9(1)(i): 20 continuous school days of G, N or O only, no reason to believe sickness, and the joint
enquiry gate. The gate itself belongs to the enquiries area (attend.cme.enquiries.joint_enquiry_gaps): most tests
here set its answer (roll_world.joint_gate); one goes through real enquiries."""

from __future__ import annotations

import pytest

from attend.casework.models import PupilCircumstance
from attend.cme.models import RollDeletion
from attend.cme.roll import DeletionRefused, ground_i_gaps, record_deletion
from attend.cme.roll_checks import continuous_absence
from attend.registers.models import Mark

from .roll_world import TODAY, D, absent_from, joint_gate, world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def test_twenty_days_across_half_term_meet_the_ground(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 16))  # 7 days before half-term, 13 after: 20 school days
    joint_gate(monkeypatch)
    assert continuous_absence(w["enrolment"], TODAY)[:2] == (20, D(2025, 10, 16))
    assert ground_i_gaps(w["enrolment"], TODAY) == []
    deletion = record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    w["enrolment"].refresh_from_db()
    assert w["enrolment"].leaving_date == TODAY
    assert deletion.ground == "i" and deletion.source == "form"


def test_nineteen_days_are_refused_and_nothing_changes(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 17))
    joint_gate(monkeypatch)
    gaps = ground_i_gaps(w["enrolment"], TODAY)
    assert gaps == [
        "Only 19 continuous school days of G, N or O absence up to 19 November 2025 (at least 20 needed): the run "
        "is broken by / on 16 October 2025 (PM)."
    ]
    with pytest.raises(DeletionRefused, match="Only 19 continuous school days"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    w["enrolment"].refresh_from_db()
    assert w["enrolment"].leaving_date is None
    assert RollDeletion.objects.count() == 0


def test_an_i_mark_inside_the_run_defeats_the_ground(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1))
    Mark.objects.filter(enrolment=w["enrolment"], date=D(2025, 11, 5), session="AM").update(code="I")
    joint_gate(monkeypatch)
    gaps = ground_i_gaps(w["enrolment"], TODAY)
    assert len(gaps) == 1
    assert "Only 10 continuous school days" in gaps[0] and "I on 5 November 2025 (AM)" in gaps[0]


def test_g_and_o_count_like_n(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1), code="G")
    Mark.objects.filter(enrolment=w["enrolment"], date__gte=D(2025, 11, 10)).update(code="O")
    joint_gate(monkeypatch)
    assert continuous_absence(w["enrolment"], TODAY)[0] == 31
    assert ground_i_gaps(w["enrolment"], TODAY) == []


def test_todays_unmarked_register_does_not_break_the_run(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 16), upto=D(2025, 11, 18))
    Mark.objects.create(enrolment=w["enrolment"], date=TODAY, session="AM", code="N")  # PM not taken yet
    joint_gate(monkeypatch)
    # The school met on 19 November only in the morning so far (the marks): a whole day of N.
    assert continuous_absence(w["enrolment"], TODAY)[0] == 20


def test_a_current_medical_condition_defeats_the_ground(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1))
    PupilCircumstance.objects.create(
        pupil=w["pupil"], kind="medical_condition", summary="Anxiety, CAMHS referral", start=D(2025, 9, 20)
    )
    PupilCircumstance.objects.create(  # ended: no longer a reason
        pupil=w["pupil"],
        kind="medical_condition",
        summary="Broken arm",
        start=D(2025, 3, 1),
        end=D(2025, 4, 1),
    )
    joint_gate(monkeypatch)
    assert ground_i_gaps(w["enrolment"], TODAY) == [
        "A current medical condition is recorded (Anxiety, CAMHS referral): the absence may be through sickness."
    ]


def test_the_joint_enquiry_gate_refuses_with_its_reasons(monkeypatch):
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1))
    joint_gate(monkeypatch, ["The LA has recorded no reasonable enquiries."])
    with pytest.raises(DeletionRefused) as refused:
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    assert refused.value.reason == "Ground (i) is not met: The LA has recorded no reasonable enquiries."
    assert RollDeletion.objects.count() == 0


def test_the_real_gate_needs_the_schools_and_the_las_enquiries(monkeypatch):
    """End to end with the enquiries area: no enquiry, then the school's alone, then both."""
    from attend.cme.enquiries import open_enquiry, record_check

    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1))
    assert ground_i_gaps(w["enrolment"], TODAY)  # no enquiry at all
    enquiry = open_enquiry(by=w["officer"], source="alert", pupil=w["pupil"], concern="20 days' absence")
    record_check(enquiry, by=w["lead"], kind="contacts", party="school", done_on=D(2025, 11, 3),
                 done_by_name="The attendance lead", result="No answer on any number")  # fmt: skip
    with pytest.raises(DeletionRefused) as refused:
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    assert "local authority" in refused.value.reason.lower()
    record_check(enquiry, by=w["officer"], kind="home_visit", party="la", done_on=D(2025, 11, 5),
                 done_by_name="The LA officer", result="Property empty")  # fmt: skip
    deletion = record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    assert deletion.cme_enquiry == enquiry


def test_the_enquiry_is_stored_on_the_deletion(monkeypatch):
    from attend.casework.cases import open_case
    from attend.cme.models import CmeEnquiry
    from attend.core import clock

    w = world()
    absent_from(w["enrolment"], D(2025, 10, 1))
    joint_gate(monkeypatch)
    case, _ = open_case(by=w["officer"], pupil=w["pupil"], school=w["school"])
    enquiry = CmeEnquiry.objects.create(
        ref="CME-000001", case=case, pupil=w["pupil"], school=w["school"], local_authority=w["la"],
        source="alert", concern="20 days' absence", opened_at=clock.now(),
    )  # fmt: skip
    deletion = record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="i", deleted_on=TODAY)
    assert deletion.cme_enquiry == enquiry
    entry = case.entries.order_by("-id").first()
    assert entry.kind == "cme"
    assert entry.summary.startswith(
        "Deleted from the roll of Riverside Primary on 19 November 2025 under ground (i)"
    )


def test_with_an_imported_calendar_half_term_and_an_inset_day_do_not_break_the_run(monkeypatch):
    from attend.schools.models import AcademicYear, NonSchoolDay, Term

    w = world()
    year = AcademicYear.objects.create(start_year=2025)
    for name, start, end in (
        ("Autumn 1", D(2025, 9, 1), D(2025, 10, 24)),
        ("Autumn 2", D(2025, 11, 3), D(2025, 12, 19)),
    ):
        Term.objects.create(school=w["school"], academic_year=year, name=name, start_date=start, end_date=end)
    inset = NonSchoolDay.objects.create(
        school=w["school"], date=D(2025, 11, 10), kind="non_school_day", reason="INSET"
    )
    absent_from(w["enrolment"], D(2025, 10, 15))
    Mark.objects.filter(enrolment=w["enrolment"], date=D(2025, 11, 10)).delete()
    joint_gate(monkeypatch)
    assert continuous_absence(w["enrolment"], TODAY)[:2] == (20, D(2025, 10, 15))
    assert ground_i_gaps(w["enrolment"], TODAY) == []
    inset.delete()  # the school met that day after all: no mark breaks the run
    days, _, broken = continuous_absence(w["enrolment"], TODAY)
    assert (days, broken) == (7, "no mark on 10 November 2025 (PM)")
