"""The check before a formal step: quick or thorough, pre-filled from the data, flagged answers need a note."""

import datetime as dt

import pytest

from attend.casework.assessment import assessment_save
from attend.casework.cases import open_case
from attend.casework.tests.factories import make_part_time_timetable
from attend.enforcement.checks import latest_check, prefill, record_check
from attend.enforcement.models import FormalCheck
from attend.enforcement.steps_ladder import StepRefused
from attend.people.models import Enrolment
from attend.registers.models import Mark

from .ladder_world import ladder_fixture  # noqa: F401

START, END = dt.date(2025, 11, 3), dt.date(2025, 11, 19)
P = FormalCheck.Purpose
THOROUGH = ["school_age", "safeguarding", "send", "barriers", "part_time", "code_n", "eso", "dual_ap"]


def test_quick_for_a_term_time_holiday_thorough_otherwise(ladder):
    quick = record_check(ladder["maya"], purpose=P.PENALTY_NOTICE, holiday=True, by=ladder["sam"], start=START,
                         end=END, answers={"eso": "no"})  # fmt: skip
    assert quick.kind == "quick"
    assert list(quick.answers["questions"]) == ["school_age", "safeguarding", "code_n", "eso"]
    case, _ = open_case(by=ladder["sam"], pupil=ladder["maya"], school=ladder["alder"])
    assessment_save(case, by=ladder["sam"], expected_version=0, data={"child_views": "Fine"}, barriers={})
    thorough = record_check(ladder["maya"], purpose=P.NOTICE_TO_IMPROVE, by=ladder["sam"], start=START, end=END,
                            answers={"eso": "no"}, case=case)  # fmt: skip
    assert thorough.kind == "thorough" and list(thorough.answers["questions"]) == THOROUGH
    assert thorough.code.version == 1  # the default code, stored with the decision
    assert latest_check(ladder["maya"], P.NOTICE_TO_IMPROVE) == thorough
    assert latest_check(ladder["maya"], P.PROSECUTION) is None


def test_answers_come_from_the_data_where_attend_knows(ladder):
    maya = ladder["maya"]
    rows = prefill(maya, kind="thorough", start=START, end=END)
    known = {k: r["answer"] for k, r in rows.items() if r["from_data"]}
    assert known == {"school_age": "yes", "safeguarding": "no", "send": "no", "part_time": "no", "code_n": "no",
                     "dual_ap": "no", "eso": "no"}  # fmt: skip
    # No assessment yet: the barriers are not known, so the officer answers.
    assert rows["barriers"]["answer"] == "unknown"
    assert not any(r["flagged"] for r in rows.values())


def test_each_concern_in_the_data_is_flagged(ladder):
    maya, alder = ladder["maya"], ladder["alder"]
    maya.child_in_need = True
    maya.sen_status = "E"
    maya.young_carer = True
    maya.save()
    make_part_time_timetable(maya, alder, start=dt.date(2025, 11, 10), end=dt.date(2025, 12, 19))
    Mark.objects.filter(enrolment=ladder["enrolment"], date=dt.date(2025, 11, 18), session="AM").update(
        code="N"
    )
    Enrolment.objects.filter(pk=ladder["enrolment"].pk).update(registration="main")
    rows = prefill(maya, kind="thorough", start=START, end=END)
    assert {k for k, r in rows.items() if r["flagged"]} == {"safeguarding", "send", "barriers", "part_time", "code_n",
                                                             "dual_ap"}  # fmt: skip
    assert rows["safeguarding"]["detail"] == "child in need"
    assert rows["code_n"]["detail"] == "1 session coded N from 03/11/2025 to 19/11/2025"
    assert rows["send"]["detail"] == "Education, health and care plan"


@pytest.mark.parametrize(
    "start,end,of_age",
    [
        # Born 1 Jan 2015: compulsory school age from 31 March 2020 (the prescribed day after the 5th birthday)
        # to the last Friday in June 2031 (EA 1996 s8; attend.letters.age).
        (dt.date(2020, 3, 31), dt.date(2020, 4, 3), True),
        (dt.date(2020, 3, 30), dt.date(2020, 4, 3), False),
        (dt.date(2031, 6, 20), dt.date(2031, 6, 27), True),
        (dt.date(2031, 6, 20), dt.date(2031, 6, 30), False),
    ],
)
def test_compulsory_school_age_on_every_date_relied_on(ladder, start, end, of_age):
    row = prefill(ladder["maya"], kind="quick", start=start, end=end)["school_age"]
    assert (row["answer"], row["flagged"]) == (("yes", False) if of_age else ("no", True))


def test_a_flagged_answer_without_a_note_is_refused_and_nothing_is_stored(ladder):
    maya = ladder["maya"]
    maya.looked_after = True
    maya.save()
    with pytest.raises(StepRefused, match="Say how this was weighed.*looked after"):
        record_check(maya, purpose=P.PENALTY_NOTICE, holiday=True, by=ladder["sam"], start=START, end=END,
                     answers={"eso": "no"})  # fmt: skip
    assert not FormalCheck.objects.exists()
    check = record_check(maya, purpose=P.PENALTY_NOTICE, holiday=True, by=ladder["sam"], start=START, end=END,
                         answers={"eso": "no"},
                         notes={"safeguarding": "Social worker agrees: the holiday was not a care decision"})  # fmt: skip
    assert check.answers["questions"]["safeguarding"] == {
        "question": "Is the child looked after, on a child protection plan or a child in need?",
        "source": "pupil record", "answer": "yes", "from_data": True, "detail": "looked after", "flagged": True,
        "note": "Social worker agrees: the holiday was not a care decision",
    }  # fmt: skip


def test_an_unanswered_question_is_refused_and_an_officer_answer_can_flag(ladder):
    # A thorough check with no assessment on the case: the barriers question is the officer's to answer.
    with pytest.raises(StepRefused, match="Answer: Are there medical, anxiety"):
        record_check(ladder["maya"], purpose=P.NOTICE_TO_IMPROVE, by=ladder["sam"], start=START, end=END)
    with pytest.raises(StepRefused, match="Say how this was weighed.*barriers"):
        record_check(ladder["maya"], purpose=P.NOTICE_TO_IMPROVE, by=ladder["sam"], start=START, end=END,
                     answers={"barriers": "yes"})  # fmt: skip
    with pytest.raises(StepRefused, match="before the first"):
        record_check(ladder["maya"], purpose=P.PENALTY_NOTICE, by=ladder["sam"], start=END, end=START)


def test_an_order_in_force_is_known_from_the_data_and_flagged(ladder):
    from attend.enforcement.models import SupervisionOrder

    SupervisionOrder.objects.create(
        case=open_case(by=ladder["sam"], pupil=ladder["maya"], school=ladder["alder"])[0], pupil=ladder["maya"],
        status=SupervisionOrder.Status.IN_FORCE, considered_on=dt.date(2025, 6, 1), consideration="Needed",
        made_on=dt.date(2025, 9, 1), expires_on=dt.date(2026, 8, 31), supervisor="Ann Supervisor",
        created_by=ladder["sam"],
    )  # fmt: skip
    row = prefill(ladder["maya"], kind="quick", start=START, end=END)["eso"]
    assert (row["answer"], row["from_data"], row["flagged"]) == ("yes", True, True)
