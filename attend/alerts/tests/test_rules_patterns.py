"""Pattern rules over hand-built inputs: Monday/Friday, holiday-adjacent, short spells, repeated U, sharp drop."""

import datetime as dt

from attend.alerts.rules import (
    holiday_adjacent,
    monday_friday_pattern,
    repeated_late_u,
    sharp_drop,
    short_spells,
)

from .factories import context, marks_for, pupil_input, weekdays

D = dt.date
AS_OF = D(2025, 12, 12)
DAYS = weekdays(D(2025, 9, 1), AS_OF)


def _with(overrides, days=DAYS, as_of=AS_OF, **settings):
    sc = context(as_of, days, settings=settings or None)
    return pupil_input(sc, marks_for(sc, overrides=overrides))


def _days(weekday: int, n: int):
    return [d for d in DAYS if d.isoweekday() == weekday][:n]


def test_monday_friday_pattern_fires_at_6_sessions_and_60_percent():
    overrides = {(d, "AM"): "O" for d in _days(1, 3) + _days(5, 3)}
    hit = monday_friday_pattern(_with(overrides))
    assert hit is not None and hit.measure == 6
    assert "Monday×3, Friday×3" in hit.reason
    overrides.pop((_days(5, 3)[-1], "AM"))
    assert monday_friday_pattern(_with(overrides)) is None


def test_monday_friday_pattern_needs_absence_concentrated_on_those_days():
    overrides = {(d, "AM"): "I" for d in _days(1, 3) + _days(5, 3)}
    overrides |= {(d, "AM"): "I" for d in _days(3, 5)}  # 6 of 11 = 55%
    assert monday_friday_pattern(_with(overrides)) is None
    overrides.pop((_days(3, 5)[-1], "AM"))  # 6 of 10 = 60%
    assert monday_friday_pattern(_with(overrides)) is not None


def test_holiday_adjacent_needs_two_breaks():
    summer = weekdays(D(2025, 7, 1), D(2025, 7, 18), skip=())
    days = summer + DAYS
    first_after_summer, last_before_half_term = D(2025, 9, 1), D(2025, 10, 24)
    one = {(first_after_summer, "AM"): "O", (first_after_summer, "PM"): "O"}
    assert holiday_adjacent(_with(one, days=days)) is None
    two = one | {(last_before_half_term, "PM"): "G"}
    hit = holiday_adjacent(_with(two, days=days))
    assert hit is not None and hit.measure == 3
    assert hit.reason == (
        "Absent next to 2 holidays or half-terms since 1 Sep, 3 sessions (1.5 days): 1 Sep, 24 Oct."
    )


def test_holiday_adjacent_ignores_a_single_bank_holiday_monday():
    # A 3-weekday gap is a break by default; one missing weekday is not.
    days = [d for d in DAYS if d != D(2025, 11, 10)]
    overrides = {(D(2025, 11, 7), "AM"): "O", (D(2025, 11, 11), "AM"): "O", (D(2025, 10, 24), "AM"): "O"}
    assert holiday_adjacent(_with(overrides, days=days)) is None


def test_short_spells_fires_at_6_spells_of_2_days_or_less():
    tuesdays = _days(2, 6)
    overrides = {(d, s): "I" for d in tuesdays for s in ("AM", "PM")}
    hit = short_spells(_with(overrides))
    assert hit is not None and hit.measure == 6
    assert "6 short spells of absence (2 days or less each)" in hit.reason
    overrides = {k: v for k, v in overrides.items() if k[0] != tuesdays[-1]}
    assert short_spells(_with(overrides)) is None


def test_short_spells_long_spells_do_not_count():
    # Six 3-day spells (6 sessions each) are long, not short.
    starts = _days(1, 6)
    overrides = {(d + dt.timedelta(days=i), s): "I" for d in starts for i in range(3) for s in ("AM", "PM")}
    assert short_spells(_with(overrides)) is None


def test_repeated_late_u_in_the_last_6_school_weeks():
    recent = [d for d in DAYS if d >= D(2025, 11, 3)]  # the last 6 school weeks from 3 Nov
    overrides = {(d, "AM"): "U" for d in recent[:4]}
    overrides[(D(2025, 10, 24), "AM")] = "U"  # before the window: not counted
    assert repeated_late_u(_with(overrides)) is None
    overrides[(recent[10], "AM")] = "U"
    hit = repeated_late_u(_with(overrides))
    assert hit is not None and hit.measure == 5
    assert "in the last 6 school weeks, from 3 Nov" in hit.reason


def test_sharp_drop_compares_the_last_4_weeks_with_the_12_before():
    recent_days = [d for d in DAYS if d >= D(2025, 11, 17)]  # last 4 school weeks
    # 20 days = 40 sessions; 8 missed = 80% against 100% before: a 20-point drop.
    overrides = {(d, "AM"): "O" for d in recent_days[:8]}
    hit = sharp_drop(_with(overrides))
    assert hit is not None and hit.measure == 20.0
    assert hit.reason.startswith("Attendance fell to 80% in the last 4 school weeks (from 17 Nov, 32 of 40")
    overrides = {(d, "AM"): "O" for d in recent_days[:3]}  # 92.5%: 7.5 points
    assert sharp_drop(_with(overrides)) is None
    overrides = {(d, "AM"): "O" for d in recent_days[:4]}  # 90%: exactly 10 points
    assert sharp_drop(_with(overrides)) is not None


RECENT = [d for d in DAYS if d >= D(2025, 11, 17)]  # the last 4 school weeks: 20 days, 40 sessions


def _cohort(recent_attended_of_20: int):
    """A school whose 20 sessions a day were all attended before the last 4 weeks, then `recent_attended_of_20`."""
    return {d: (20, 20 if d < RECENT[0] else recent_attended_of_20) for d in DAYS}


def _pupil(overrides, cohort=None, **settings):
    settings = {"sharp_drop": settings} if settings else None
    sc = context(AS_OF, DAYS, settings=settings, attendance_by_day=cohort or {})
    return pupil_input(sc, marks_for(sc, overrides=overrides))


def test_sharp_drop_allows_for_the_whole_school_dropping_in_an_illness_wave():
    overrides = {(d, "AM"): "O" for d in RECENT[:8]}  # the pupil: 100% -> 80%, 20 points
    assert sharp_drop(_pupil(overrides, _cohort(17))) is None  # school down 15: 5 points beyond it
    hit = sharp_drop(_pupil(overrides, _cohort(18)))  # school down 10: exactly 10 beyond
    assert hit is not None and hit.measure == 10.0
    assert "20 percentage points lower, 10 more than the school as a whole (down 10): O×8." in hit.reason
    assert sharp_drop(_pupil({(d, "AM"): "O" for d in RECENT[:7]}, _cohort(18))) is None  # 17.5 - 10 = 7.5


def test_sharp_drop_leaves_out_spells_marked_only_illness():
    ill = {(d, s): "I" for d in RECENT[2:6] for s in ("AM", "PM")}  # 4 days off sick: 8 sessions, one spell
    assert sharp_drop(_pupil(ill)) is None
    mixed = {**ill, (RECENT[6], "AM"): "O"}  # the spell runs on into an unexplained absence: all of it counts
    hit = sharp_drop(_pupil(mixed))
    assert hit is not None and hit.measure == 22.5 and "I×8, O×1" in hit.reason
    # Illness spells apart, other absence still counts: 4 O sessions on other days are 10 points of 32.
    apart = {**ill, **{(d, "AM"): "O" for d in RECENT[10:14]}}
    hit = sharp_drop(_pupil(apart))
    assert hit is not None and hit.measure == 12.5
    assert hit.reason.endswith("8 sessions (4 days) in spells of illness (I only) are left out.")


def test_sharp_drop_needs_at_least_4_missed_sessions():
    three = {(d, "AM"): "O" for d in RECENT[:3]}  # 7.5 points: enough for drop_pp 5, but only 3 sessions
    assert sharp_drop(_pupil(three, drop_pp=5.0)) is None
    four = {(d, "AM"): "O" for d in RECENT[:4]}
    assert sharp_drop(_pupil(four, drop_pp=5.0)).measure == 10.0


def _c2_afternoons(days):
    return {(d, "PM"): "C2" for d in days}


def test_short_spells_leaves_out_c2_inside_a_recorded_part_time_timetable():
    # Mornings in school, afternoons C2 for 8 weeks: 40 one-session "spells" unless the timetable is known.
    days = [d for d in DAYS if D(2025, 9, 8) <= d <= D(2025, 10, 31)]
    overrides = _c2_afternoons(days)
    sc = context(AS_OF, DAYS)
    marks = marks_for(sc, overrides=overrides)
    assert short_spells(pupil_input(sc, marks)).measure == len(days)
    agreed = ((D(2025, 9, 8), D(2025, 10, 31), D(2025, 10, 17)),)
    assert short_spells(pupil_input(sc, marks, part_time=agreed)) is None


def test_short_spells_c2_on_the_first_and_last_day_of_the_timetable_is_agreed_and_outside_is_not():
    sc = context(AS_OF, DAYS)
    start, end = D(2025, 9, 15), D(2025, 9, 26)
    # C2 on the start and end days (inside), and on six Tuesdays outside the timetable.
    outside = [d for d in DAYS if d.isoweekday() == 2 and d > D(2025, 10, 1)][:6]
    overrides = _c2_afternoons([start, end, *outside])
    marks = marks_for(sc, overrides=overrides)
    agreed = ((start, end, end),)
    hit = short_spells(pupil_input(sc, marks, part_time=agreed))
    assert hit is not None and hit.measure == 6
    assert "C2×6" in hit.reason
    # The day after the planned end is outside: seven spells.
    overrides[(end + dt.timedelta(days=3), "PM")] = "C2"  # Monday 29 Sep
    hit = short_spells(pupil_input(sc, marks_for(sc, overrides=overrides), part_time=agreed))
    assert hit.measure == 7
    # Five outside spells is under the threshold once the inside ones are left out.
    five = _c2_afternoons([start, end, *outside[:5]])
    assert short_spells(pupil_input(sc, marks_for(sc, overrides=five), part_time=agreed)) is None
    assert short_spells(pupil_input(sc, marks_for(sc, overrides=five))).measure == 7


def test_short_spells_other_absence_inside_a_timetable_still_counts():
    # Absence (I) on the mornings the pupil should attend is absence, timetable or not; the C2 afternoon ends it.
    days = [d for d in DAYS if d.isoweekday() == 3][:6]
    overrides = {(d, "AM"): "I" for d in days} | _c2_afternoons(days)
    sc = context(AS_OF, DAYS)
    agreed = ((D(2025, 9, 1), D(2025, 12, 12), D(2025, 12, 12)),)
    hit = short_spells(pupil_input(sc, marks_for(sc, overrides=overrides), part_time=agreed))
    assert hit is not None and hit.measure == 6
    assert "6 sessions (3 days) in all: I×6." in hit.reason
