"""Eligibility for a penalty notice: 10 unauthorised sessions (G, N, O, U) in a rolling 10 school weeks, of
sessions not yet relied on for that parent (national framework, SI 2024/210; domain.md §3.1)."""

import pytest

from attend.alerts.models import NoticeSessionUse
from attend.enforcement import eligibility

from .notices_world import D, make_world, mark, weekdays

pytestmark = pytest.mark.django_db
ISSUE = D(2025, 11, 26)


def check(w, parent, issue=ISSUE):
    return eligibility.check(w.pupil, w.school, parent, issue)


def test_nine_sessions_are_not_enough_and_ten_are():
    w = make_world()
    days = weekdays(D(2025, 11, 10), 5)  # Mon-Fri 10-14 Nov
    mark(w.enrolment, days[:4])  # 8 sessions
    mark(w.enrolment, days[4:], sessions=("AM",))  # 9
    result = check(w, w.mother)
    assert (result.eligible, result.reason) == (False, "not_eligible")
    assert result.detail == "9 unauthorised sessions: a notice needs 10."
    mark(w.enrolment, days[4:], sessions=("PM",))  # 10
    result = check(w, w.mother)
    assert result.eligible
    assert len(result.sessions) == 10
    assert (result.period_start, result.period_end) == (D(2025, 11, 10), D(2025, 11, 14))


def test_any_mix_of_g_n_o_u_counts_but_never_c2_or_authorised_codes():
    w = make_world()
    days = weekdays(D(2025, 11, 10), 5)
    for day, code in zip(days, "GNOUG", strict=True):
        mark(w.enrolment, [day], code=code, sessions=("AM",))
    for day, code in zip(days, ["C2", "I", "M", "C", "/"], strict=True):
        mark(w.enrolment, [day], code=code, sessions=("PM",))
    mark(w.enrolment, weekdays(D(2025, 11, 17), 2), code="O", sessions=("AM",))  # 7 unauthorised in all
    assert not check(w, w.mother).eligible
    mark(w.enrolment, weekdays(D(2025, 11, 17), 3), code="U", sessions=("PM",))  # 10
    result = check(w, w.mother)
    assert result.eligible
    assert sorted({code for *_, code in result.sessions}) == ["G", "N", "O", "U"]


def _one_a_week(w, mondays):
    mark(w.enrolment, mondays, code="G", sessions=("AM",))


def test_the_window_crosses_half_term_and_the_holiday_week_does_not_count():
    w = make_world()
    # One session a week on 10 Mondays from 15 Sep to 24 Nov: 11 calendar weeks, but the half-term week
    # (27-31 Oct) has no school session, so they fall within 10 school weeks.
    mondays = [
        D(2025, 9, 15),
        D(2025, 9, 22),
        D(2025, 9, 29),
        D(2025, 10, 6),
        D(2025, 10, 13),
        D(2025, 10, 20),
    ]
    mondays += [D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 17), D(2025, 11, 24)]
    _one_a_week(w, mondays)
    result = check(w, w.mother)
    assert result.eligible, result.detail
    assert [s[1] for s in result.sessions] == mondays


def test_eleven_school_weeks_are_too_many():
    w = make_world()
    mondays = [
        D(2025, 9, 8),
        D(2025, 9, 22),
        D(2025, 9, 29),
        D(2025, 10, 6),
        D(2025, 10, 13),
        D(2025, 10, 20),
    ]
    mondays += [D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 17), D(2025, 11, 24)]  # 8 Sep to 24 Nov: 11
    _one_a_week(w, mondays)
    result = check(w, w.mother)
    assert (result.eligible, result.reason) == (False, "not_eligible")
    assert "never 10 within 10 school weeks" in result.detail


def test_a_window_ending_after_the_issue_date_does_not_count():
    w = make_world()
    days = weekdays(D(2025, 11, 24), 5)  # 24-28 Nov; issue on 26 Nov sees 24-26 only (6 sessions)
    mark(w.enrolment, days)
    assert check(w, w.mother, issue=D(2025, 11, 26)).reason == "not_eligible"
    assert check(w, w.mother, issue=D(2025, 11, 28)).eligible


def test_the_earliest_qualifying_window_is_relied_on():
    w = make_world()
    mark(w.enrolment, weekdays(D(2025, 11, 3), 10))  # 20 sessions, 3-14 Nov
    result = check(w, w.mother)
    assert [(s[1], s[2]) for s in result.sessions][:2] == [(D(2025, 11, 3), "AM"), (D(2025, 11, 3), "PM")]
    assert result.period_end == D(2025, 11, 7)
    assert result.unauthorised_free == 20


def test_sessions_used_for_one_parent_are_free_for_the_other():
    w = make_world()
    mark(w.enrolment, weekdays(D(2025, 11, 10), 5))
    NoticeSessionUse.objects.bulk_create(
        [
            NoticeSessionUse(
                enrolment=w.enrolment, date=d, session=s, kind="penalty_notice", notice_ref="PN-2025-000001",
                contact=w.mother,
            )
            for d in weekdays(D(2025, 11, 10), 5)
            for s in ("AM", "PM")
        ]
    )  # fmt: skip
    mother = check(w, w.mother)
    assert (mother.eligible, mother.reason, mother.already_used) == (False, "sessions_already_used", 10)
    father = check(w, w.father)
    assert father.eligible and len(father.sessions) == 10


def test_sessions_used_by_a_notice_to_improve_are_used_for_every_parent():
    w = make_world()
    mark(w.enrolment, weekdays(D(2025, 11, 10), 5))
    NoticeSessionUse.objects.create(
        enrolment=w.enrolment, date=D(2025, 11, 10), session="AM", kind="notice_to_improve"
    )
    assert check(w, w.mother).reason == "sessions_already_used"
    assert check(w, w.father).reason == "sessions_already_used"


def test_marks_are_read_in_bulk(django_assert_max_num_queries):
    w = make_world()
    mark(w.enrolment, weekdays(D(2025, 9, 3), 60), code="O", sessions=("AM",))
    with django_assert_max_num_queries(6):
        assert check(w, w.mother).eligible
