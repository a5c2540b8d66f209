"""Daily rules (first_day, missing_register) and the N data-quality rule, over hand-built inputs."""

import datetime as dt

from attend.alerts.rules import first_day, missing_register, n_not_resolved

from .factories import context, marks_for, pupil_input, weekdays

D = dt.date
TODAY = D(2025, 11, 18)  # a Tuesday


def _today(now: dt.time, taken=("AM", "PM"), settings=None):
    return context(
        TODAY, now=now, today_expected=("AM", "PM"), today_taken=frozenset(taken), settings=settings
    )


# --- first_day ---------------------------------------------------------------------------------------------------


def test_first_day_fires_for_an_n_today():
    sc = _today(dt.time(9, 20), taken=("AM",))
    marks = marks_for(sc, upto=TODAY - dt.timedelta(days=1)) + ((TODAY, "AM", "N"),)
    hit = first_day(pupil_input(sc, marks))
    assert hit is not None
    assert hit.key == "2025-11-18"
    assert hit.evidence == ((TODAY, "AM", "N"),)
    assert hit.reason == (
        "No reason given for absence today (Tue 18 Nov): AM N. Call the contacts in priority order."
    )
    assert hit.priority == 1


def test_first_day_no_mark_counts_only_once_the_register_has_closed():
    before = marks_for(_today(dt.time(9, 0)), upto=TODAY - dt.timedelta(days=1))
    assert first_day(pupil_input(_today(dt.time(9, 14), taken=("AM",)), before)) is None
    hit = first_day(pupil_input(_today(dt.time(9, 15), taken=("AM",)), before))
    assert hit is not None and hit.evidence == ((TODAY, "AM", ""),)
    assert "AM no mark" in hit.reason


def test_first_day_no_mark_is_not_counted_when_no_register_was_taken():
    # The whole register missing is missing_register's business, not a call for every pupil.
    before = marks_for(_today(dt.time(9, 0)), upto=TODAY - dt.timedelta(days=1))
    assert first_day(pupil_input(_today(dt.time(10, 0), taken=()), before)) is None


def test_first_day_not_raised_for_a_pupil_present_or_with_a_reason():
    sc = _today(dt.time(16, 0))
    for codes in (("/", "\\"), ("I", "I"), ("L", "U")):
        marks = marks_for(sc, upto=TODAY - dt.timedelta(days=1)) + (
            (TODAY, "AM", codes[0]),
            (TODAY, "PM", codes[1]),
        )
        assert first_day(pupil_input(sc, marks)) is None


def test_first_day_puts_vulnerable_pupils_first_and_asks_to_tell_the_social_worker():
    sc = _today(dt.time(14, 0))
    marks = ((TODAY, "AM", "N"), (TODAY, "PM", "N"))
    looked_after = first_day(pupil_input(sc, marks, looked_after=True))
    assert looked_after.priority == 0
    assert set(looked_after.flags) == {"vulnerable", "notify_social_worker", "notify_virtual_school"}
    assert looked_after.reason.endswith("Tell the social worker and the virtual school.")
    cp = first_day(pupil_input(sc, marks, child_protection_plan=True))
    assert set(cp.flags) == {"vulnerable", "notify_social_worker"}
    assert cp.reason.endswith("Tell the social worker.")
    ehcp = first_day(pupil_input(sc, marks, sen_status="E"))
    assert ehcp.priority == 0 and ehcp.flags == ("vulnerable",)


def test_first_day_uses_the_schools_start_times():
    sc = _today(dt.time(9, 20), taken=("AM",), settings={"school": {"am_start": "09:00"}})
    assert first_day(pupil_input(sc, ())) is None  # closes at 09:30
    sc = _today(dt.time(9, 30), taken=("AM",), settings={"school": {"am_start": "09:00"}})
    assert first_day(pupil_input(sc, ())) is not None


# --- missing_register --------------------------------------------------------------------------------------------


def test_missing_register_30_minutes_after_the_session_began():
    assert missing_register(_today(dt.time(9, 14), taken=())) == []
    hits = missing_register(_today(dt.time(9, 15), taken=()))
    assert [h.key for h in hits] == ["2025-11-18 AM"]
    assert hits[0].reason == (
        "No register for the AM session on Tue 18 Nov: it began at 08:45 and no marks had arrived by 09:15."
    )
    assert [h.key for h in missing_register(_today(dt.time(13, 45), taken=()))] == [
        "2025-11-18 AM",
        "2025-11-18 PM",
    ]


def test_missing_register_quiet_once_marks_arrive_or_on_a_day_without_school():
    assert missing_register(_today(dt.time(15, 0), taken=("AM", "PM"))) == []
    assert [h.key for h in missing_register(_today(dt.time(15, 0), taken=("AM",)))] == ["2025-11-18 PM"]
    no_school = context(TODAY, now=dt.time(15, 0), today_expected=(), today_taken=frozenset())
    assert missing_register(no_school) == []


# --- n_not_resolved ----------------------------------------------------------------------------------------------

MONDAY = D(2025, 11, 3)


def _n_on_monday(as_of):
    sc = context(as_of, weekdays(D(2025, 9, 1), as_of))
    return n_not_resolved(pupil_input(sc, marks_for(sc, overrides={(MONDAY, "AM"): "N"})))


def test_n_not_resolved_boundary_5_vs_6_school_days():
    assert _n_on_monday(D(2025, 11, 10)) is None  # Tue..Mon = 5 school days later
    hit = _n_on_monday(D(2025, 11, 11))  # 6 school days later
    assert hit is not None
    assert hit.evidence == ((MONDAY, "AM", "N"),)
    assert hit.reason == (
        "1 N mark (reason not yet established) older than 5 school days: 3 Nov AM (oldest 6 school days ago). "
        "Replace each with the correct code."
    )


def test_n_not_resolved_counts_school_days_not_calendar_days():
    # N on Fri 24 Oct, then half-term: Mon 3 Nov is only the 1st school day after it... the 6th is Mon 10 Nov.
    friday = D(2025, 10, 24)
    for as_of, expected in ((D(2025, 11, 7), None), (D(2025, 11, 10), 1)):
        sc = context(as_of, weekdays(D(2025, 9, 1), as_of))
        hit = n_not_resolved(pupil_input(sc, marks_for(sc, overrides={(friday, "PM"): "N"})))
        assert (hit and hit.measure) == expected


def test_n_not_resolved_not_raised_once_corrected():
    as_of = D(2025, 11, 20)
    sc = context(as_of, weekdays(D(2025, 9, 1), as_of))
    assert n_not_resolved(pupil_input(sc, marks_for(sc, overrides={(MONDAY, "AM"): "I"}))) is None
