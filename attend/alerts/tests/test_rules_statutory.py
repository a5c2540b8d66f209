"""Statutory and DfE-definition rules over hand-built marks (pure functions, no database)."""

import datetime as dt

from attend.alerts.rules import (
    at_risk_persistent,
    cme_20_days,
    evaluate_pupil,
    la_notification_10_days,
    penalty_threshold,
    persistent_absence,
    severe_absence,
)

from .factories import context, marks_for, pupil_input, sessions_of, weekdays

D = dt.date


def _hundred_sessions(absent: int, code: str = "O", extra: dict | None = None):
    """50 school days (100 sessions) from 1 Sep 2025; the first `absent` sessions marked `code`."""
    days = weekdays(D(2025, 9, 1), D(2025, 12, 19))[:50]
    sc = context(days[-1], days)
    overrides = {s: code for s in sc.sessions[:absent]}
    overrides.update(extra or {})
    return sc, marks_for(sc, overrides=overrides)


# --- persistent_absence / severe_absence -------------------------------------------------------------------------


def test_persistent_absence_fires_at_exactly_10_percent():
    sc, marks = _hundred_sessions(10)
    hit = persistent_absence(pupil_input(sc, marks))
    assert hit is not None
    assert hit.measure == 10.0
    assert len(hit.evidence) == 10
    assert hit.reason == (
        "Persistently absent: missed 10 of 100 possible sessions (5 days of 50 days) since 1 Sep, 10%, "
        "at or above 10%: O×10."
    )


def test_persistent_absence_does_not_fire_at_9_percent():
    sc, marks = _hundred_sessions(9)
    assert persistent_absence(pupil_input(sc, marks)) is None


def test_persistent_absence_leaves_non_possible_sessions_out_of_the_denominator():
    # 9 absences would be 9% of 100, but 10 sessions are D/X/Q/Y1/# which are not possible sessions: 9 of 90 = 10%.
    sc, _ = _hundred_sessions(0)
    not_possible = dict(
        zip(sc.sessions[-10:], ["D", "X", "Q", "Y1", "Z", "#", "D", "X", "Y7", "Q"], strict=True)
    )
    overrides = {s: "I" for s in sc.sessions[:9]} | not_possible
    hit = persistent_absence(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None and hit.measure == 10.0


def test_persistent_absence_counts_authorised_and_unauthorised_absence():
    sc, _ = _hundred_sessions(0)
    overrides = {s: c for s, c in zip(sc.sessions[:10], "IIIMMCGONU", strict=True)}
    hit = persistent_absence(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None
    assert hit.reason.endswith("I×3, M×2, C×1, G×1, N×1, O×1, U×1.")


def test_persistent_absence_waits_for_the_minimum_possible_sessions():
    days = weekdays(D(2025, 9, 1), D(2025, 9, 12))[:9]  # 18 sessions, default minimum 20
    sc = context(days[-1], days)
    marks = marks_for(sc, overrides={s: "O" for s in sc.sessions[:9]})
    assert persistent_absence(pupil_input(sc, marks)) is None


def test_severe_absence_boundary_50_percent():
    sc, marks = _hundred_sessions(50)
    hit = severe_absence(pupil_input(sc, marks))
    assert hit is not None and hit.measure == 50.0
    sc, marks = _hundred_sessions(49)
    assert severe_absence(pupil_input(sc, marks)) is None


def test_statutory_rules_skip_pupils_outside_compulsory_school_age():
    sc, marks = _hundred_sessions(60)
    in_age = pupil_input(sc, marks)
    reception = pupil_input(sc, marks, nc_year="R", date_of_birth=D(2020, 8, 31))  # aged 5 on 31 Aug 2025
    age_four = pupil_input(sc, marks, nc_year="1", date_of_birth=D(2020, 9, 1))  # aged 4 on 31 Aug 2025
    age_sixteen = pupil_input(sc, marks, nc_year="11", date_of_birth=D(2009, 8, 31))  # 16 on 31 Aug 2025
    year_twelve = pupil_input(sc, marks, nc_year="12", date_of_birth=D(2010, 3, 1))
    age_fifteen = pupil_input(sc, marks, nc_year="11", date_of_birth=D(2009, 9, 1))  # 15 on 31 Aug 2025
    assert {h.rule for h in evaluate_pupil(in_age)} >= {"persistent_absence", "severe_absence"}
    assert {h.rule for h in evaluate_pupil(age_fifteen)} >= {"persistent_absence", "severe_absence"}
    for pupil in (reception, age_four, age_sixteen, year_twelve):
        rules = {h.rule for h in evaluate_pupil(pupil)}
        assert not rules & {
            "persistent_absence",
            "severe_absence",
            "la_notification_10_days",
            "penalty_threshold",
        }


def test_ehcp_marks_every_hit_review_context_first():
    sc, marks = _hundred_sessions(12)
    hits = evaluate_pupil(pupil_input(sc, marks, sen_status="E"))
    assert hits and all("review_context_first" in h.flags for h in hits)
    hits = evaluate_pupil(pupil_input(sc, marks, sen_status="K"))
    assert hits and not any("review_context_first" in h.flags for h in hits)


# --- at_risk_persistent ------------------------------------------------------------------------------------------


def test_at_risk_persistent_within_two_points_below():
    sc, marks = _hundred_sessions(8)
    hit = at_risk_persistent(pupil_input(sc, marks))
    assert hit is not None and hit.measure == 8.0
    assert "within 2 percentage points of 10%" in hit.reason
    sc, marks = _hundred_sessions(7)
    assert at_risk_persistent(pupil_input(sc, marks)) is None


def test_at_risk_persistent_not_raised_once_persistently_absent():
    sc, marks = _hundred_sessions(10)
    assert at_risk_persistent(pupil_input(sc, marks)) is None


def test_at_risk_persistent_projects_the_recent_rate_to_the_end_of_term():
    days = weekdays(D(2025, 9, 1), D(2025, 12, 19))[:50]
    sc = context(days[-1], days, remaining_term_sessions=40)
    # 6 of 100 sessions missed, all in the last 4 school weeks (rate 6/40 = 15%): (6 + 6) / 140 = 8.57%, and
    # within 2 points is not met (6%), so the hit rests on the projection only.
    recent = [s for s in sc.sessions if s[0] >= sc.start_of_last_weeks(4)]
    overrides = {s: "O" for s in recent[:6]}
    hit = at_risk_persistent(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is None  # 8.57% < 10%
    overrides = {s: "O" for s in recent[:7]}  # 7/100 now; recent 17.5%: (7 + 7) / 140 = 10%
    hit = at_risk_persistent(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None
    assert hit.measure == 10.0
    assert "at the rate of the last 4 school weeks it would reach 10% by the end of term" in hit.reason


# --- penalty_threshold -------------------------------------------------------------------------------------------

# School weeks from 1 Sep 2025: the half-term week (27 Oct) has no sessions, so it is not a school week.
AUTUMN = weekdays(D(2025, 9, 1), D(2025, 11, 21))


def _weeks():
    sc = context(D(2025, 11, 21), AUTUMN)
    return sc, [
        [d for d in AUTUMN if sc.week_index[d.isocalendar()[:2]] == i] for i in range(len(sc.school_weeks))
    ]


def test_penalty_threshold_fires_at_10_sessions_in_10_school_weeks_skipping_half_term():
    sc, weeks = _weeks()
    # 1 session in school week 1 (w/c 1 Sep) and 9 in school week 10 (w/c 10 Nov): 11 calendar weeks apart,
    # but the half-term week is not a school week.
    overrides = {(weeks[0][0], "AM"): "G"}
    overrides |= {s: c for s, c in zip(sessions_of(weeks[9])[:9], "GGGGGOOON", strict=True)}
    hit = penalty_threshold(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None
    assert hit.measure == 10
    assert len(hit.evidence) == 10
    assert hit.reason == (
        "10 unauthorised sessions (5 days) in the 10 school weeks from 1 Sep to 14 Nov: G×6, O×3, N×1. "
        "A penalty notice must be considered."
    )


def test_penalty_threshold_does_not_fire_at_9_sessions():
    sc, weeks = _weeks()
    overrides = {s: "O" for s in sessions_of(weeks[9])[:9]}
    assert penalty_threshold(pupil_input(sc, marks_for(sc, overrides=overrides))) is None


def test_penalty_threshold_does_not_count_a_session_in_week_11():
    sc, weeks = _weeks()
    # 1 in school week 1, 8 in weeks 2-10, 1 in school week 11: 10 in all, but never 10 inside 10 school weeks.
    overrides = {(weeks[0][0], "AM"): "O", (weeks[10][0], "AM"): "U"}
    overrides |= {(weeks[i][0], "PM"): "G" for i in range(1, 8)}
    overrides |= {(weeks[9][1], "AM"): "O"}
    assert len(overrides) == 10
    assert penalty_threshold(pupil_input(sc, marks_for(sc, overrides=overrides))) is None
    # One more in week 11 makes weeks 2-11 reach 10.
    overrides[(weeks[10][1], "AM")] = "N"
    hit = penalty_threshold(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None and hit.measure == 10
    assert (weeks[0][0], "AM", "O") not in hit.evidence


def test_penalty_threshold_ignores_authorised_absence():
    sc, weeks = _weeks()
    overrides = {s: "I" for s in sessions_of(weeks[9])}
    assert penalty_threshold(pupil_input(sc, marks_for(sc, overrides=overrides))) is None


def test_penalty_threshold_excludes_sessions_used_by_an_earlier_notice():
    sc, weeks = _weeks()
    unauth = sessions_of(weeks[9])[:10]
    marks = marks_for(sc, overrides={s: "G" for s in unauth})
    assert penalty_threshold(pupil_input(sc, marks)) is not None
    hit = penalty_threshold(pupil_input(sc, marks, used_sessions=frozenset(unauth[:1])))
    assert hit is None
    # Two more new sessions bring it back to 10 countable sessions, and the reason says one was left out.
    more = dict.fromkeys(sessions_of(weeks[8])[:1], "O")
    hit = penalty_threshold(
        pupil_input(
            sc, marks_for(sc, overrides={s: "G" for s in unauth} | more), used_sessions=frozenset(unauth[:1])
        )
    )
    assert hit is not None and hit.measure == 10
    assert unauth[0] + ("G",) not in hit.evidence
    assert "(1 sessions already used by an earlier notice are not counted.)" in hit.reason


# --- la_notification_10_days -------------------------------------------------------------------------------------


def test_la_notification_10_days_boundary_19_vs_20_sessions():
    sc, marks = _hundred_sessions(19, code="G")
    assert la_notification_10_days(pupil_input(sc, marks)) is None
    sc, marks = _hundred_sessions(20, code="G")
    hit = la_notification_10_days(pupil_input(sc, marks))
    assert hit is not None and hit.measure == 20
    assert hit.reason.startswith("20 unauthorised sessions (10 days) since 1 Sep: G×20.")


def test_la_notification_10_days_counts_only_this_school_year():
    days = weekdays(D(2025, 7, 1), D(2025, 7, 18), skip=()) + weekdays(D(2025, 9, 1), D(2025, 9, 30))
    sc = context(D(2025, 9, 30), days)
    overrides = {s: "O" for s in sc.sessions if s[0] < D(2025, 8, 1)}  # 28 sessions last year
    overrides |= {s: "O" for s in [s for s in sc.sessions if s[0] >= D(2025, 9, 1)][:19]}  # 19 this year
    assert la_notification_10_days(pupil_input(sc, marks_for(sc, overrides=overrides))) is None


# --- cme_20_days -------------------------------------------------------------------------------------------------

NOV = weekdays(D(2025, 9, 1), D(2025, 12, 12))


def _absent_last_days(n_days: int, codes="ONG", breaker: dict | None = None):
    sc = context(NOV[-1], NOV)
    last = NOV[-n_days:]
    overrides = {}
    for i, s in enumerate(sessions_of(last)):
        overrides[s] = codes[i % len(codes)]
    overrides.update(breaker or {})
    return sc, marks_for(sc, overrides=overrides)


def test_cme_20_days_fires_at_20_continuous_school_days():
    sc, marks = _absent_last_days(20)
    hit = cme_20_days(pupil_input(sc, marks))
    assert hit is not None
    assert hit.measure == 20
    assert len(hit.evidence) == 40
    assert "from 17 Nov to 12 Dec" in hit.reason
    assert "reg 9(1)(i)" in hit.reason and "reasonable enquiry" in hit.reason


def test_cme_20_days_not_at_19_days():
    sc, marks = _absent_last_days(19)
    assert cme_20_days(pupil_input(sc, marks)) is None


def test_cme_20_days_run_is_broken_by_any_other_code():
    sc, marks = _absent_last_days(25, breaker={(NOV[-10], "PM"): "I"})
    assert cme_20_days(pupil_input(sc, marks)) is None
    sc, marks = _absent_last_days(25, breaker={(NOV[-10], "PM"): "U"})
    assert cme_20_days(pupil_input(sc, marks)) is None


def test_cme_20_days_ignores_todays_register_not_yet_taken():
    sc, marks = _absent_last_days(21)
    marks = tuple(m for m in marks if m[0] != NOV[-1])  # today's marks not in yet
    hit = cme_20_days(pupil_input(sc, marks))
    assert hit is not None and hit.measure == 20


def test_cme_20_days_is_not_defeated_by_a_school_closure_day():
    # A whole-school closure is not a school session, so it neither counts nor breaks the run.
    closed = NOV[-5]
    days = [d for d in NOV if d != closed]
    sc = context(days[-1], days)
    overrides = {s: "O" for s in sessions_of(days[-20:])}
    hit = cme_20_days(pupil_input(sc, marks_for(sc, overrides=overrides)))
    assert hit is not None and hit.measure == 20
