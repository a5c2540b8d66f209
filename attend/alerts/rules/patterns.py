"""Pattern rules, applied to every pupil on roll."""

from __future__ import annotations

import bisect
import datetime as dt
from itertools import compress
from operator import itemgetter
from typing import Any

from ..wording import code_tally, days_phrase, percent, sessions_phrase, short_date
from .base import (
    ABSENCE_NOT_LATE,
    ATTENDED,
    DEFAULTS,
    POSSIBLE,
    PupilInput,
    RuleHit,
    _since,
)


def monday_friday_pattern(p: PupilInput) -> RuleHit | None:
    """Absence concentrated on Mondays and Fridays: at least 6 absent sessions this year fell on a Monday or
    Friday, and they are at least 60% of all absent sessions (late after close, U, is left out). Unauthorised
    absence is highest on Mondays and Fridays nationally (domain.md §2.5)."""
    sc = p.school
    absent = [m for m in p.ytd_absence if m[2] in ABSENCE_NOT_LATE]
    edge = tuple(m for m in absent if m[0].isoweekday() in (1, 5))
    if len(edge) < sc.setting("monday_friday_pattern", "min_sessions"):
        return None
    share = len(edge) / len(absent)
    if share < sc.setting("monday_friday_pattern", "share"):
        return None
    mondays = sum(1 for m in edge if m[0].isoweekday() == 1)
    return RuleHit(
        rule="monday_friday_pattern",
        measure=len(edge),
        reason=(
            f"{len(edge)} of {len(absent)} absent sessions since {_since(p)} ({percent(share * 100)}) fell on a "
            f"Monday or Friday: Monday×{mondays}, Friday×{len(edge) - mondays}."
        ),
        evidence=edge,
    )


def holiday_adjacent(p: PupilInput) -> RuleHit | None:
    """Absence next to holidays: absent on the last school day before, or the first school day after, at least 2
    holidays or half-terms this year (a break is 3 or more weekdays without school sessions)."""
    sc = p.school
    edges = sc.break_edges(sc.setting("holiday_adjacent", "min_break_weekdays"))
    hits = tuple(m for m in p.ytd_absence if m[2] in ABSENCE_NOT_LATE and m[0] in edges)
    touched = sorted({edges[m[0]] for m in hits})
    if len(touched) < sc.setting("holiday_adjacent", "min_breaks"):
        return None
    dates = ", ".join(short_date(d) for d in sorted({m[0] for m in hits}))
    return RuleHit(
        rule="holiday_adjacent",
        measure=len(hits),
        reason=(
            f"Absent next to {len(touched)} holidays or half-terms since {_since(p)}, "
            f"{sessions_phrase(len(hits))}: {dates}."
        ),
        evidence=hits,
    )


def _agreed_c2(p: PupilInput, day: dt.date, code: str | None) -> bool:
    """A C2 session inside a recorded part-time timetable (start to planned end): the agreed time out of school,
    not a spell of absence. C2 past the review date is still inside the timetable here; the part_time_timetable
    rule asks for the review."""
    return code == "C2" and any(start <= day <= end for start, end, _ in p.part_time)


def short_spells(p: PupilInput) -> RuleHit | None:
    """Many short spells of absence: at least 6 spells this year of 4 sessions (2 days) or fewer, a spell being
    consecutive school sessions marked absent (U left out). C2 inside a recorded part-time timetable is the
    agreed timetable, not absence: it ends a spell like a session attended (issue 23)."""
    sc = p.school
    longest = sc.setting("short_spells", "max_spell_sessions")
    absent = [m for m in p.ytd_absence if m[2] in ABSENCE_NOT_LATE and not _agreed_c2(p, m[0], m[2])]
    short = [s for s in p.spells(absent) if len(s) <= longest]
    if len(short) < sc.setting("short_spells", "min_spells"):
        return None
    evidence = tuple(m for s in short for m in s)
    return RuleHit(
        rule="short_spells",
        measure=len(short),
        reason=(
            f"{len(short)} short spells of absence ({days_phrase(longest)} or less each) since {_since(p)}, "
            f"{sessions_phrase(len(evidence))} in all: {code_tally(c for _, _, c in evidence)}."
        ),
        evidence=evidence,
    )


def repeated_late_u(p: PupilInput) -> RuleHit | None:
    """Repeatedly late after the register closed: 5 or more U marks in the last 6 school weeks (U counts as
    unauthorised absence; domain.md §1.1)."""
    sc = p.school
    weeks = sc.setting("repeated_late_u", "school_weeks")
    since = sc.start_of_last_weeks(weeks) or (sc.school_days[0] if sc.school_days else sc.as_of)
    late = tuple(m for m in p.absences if m[2] == "U" and m[0] >= since)
    if len(late) < sc.setting("repeated_late_u", "min_sessions"):
        return None
    return RuleHit(
        rule="repeated_late_u",
        measure=len(late),
        reason=(
            f"Arrived after the register closed (U) {len(late)} times in the last {weeks} school weeks, "
            f"from {short_date(since)}: {', '.join(f'{short_date(d)} {s}' for d, s, _ in late)}."
        ),
        evidence=late,
    )


def _illness_spells(p: PupilInput, since: dt.date) -> set[tuple[dt.date, str]]:
    """School sessions from `since` in spells of absence marked only I (illness): a spell of illness is a reason,
    not a warning sign, and winter illness waves hit every pupil (domain.md §2.5)."""
    absent = [m for m in p.absences if m[0] >= since]
    return {(d, s) for spell in p.spells(absent) if all(m[2] == "I" for m in spell) for d, s, _ in spell}


def _cohort_rate(sc, start: dt.date, end: dt.date | None, min_pupils: int) -> float | None:
    """The whole school's attendance % over [start, end) from SchoolContext.attendance_by_day; None if unknown or
    if fewer than `min_pupils` pupils a day on average (too few to stand for the school)."""
    possible = attended = days = 0
    for day, (day_possible, day_attended) in sc.attendance_by_day.items():
        if day >= start and (end is None or day < end):
            possible += day_possible
            attended += day_attended
            days += 1
    if not possible or possible < 2 * min_pupils * days:
        return None
    return attended * 100 / possible


def sharp_drop(p: PupilInput) -> RuleHit | None:
    """Sharp drop in attendance: the last 4 school weeks' attendance is at least 10 percentage points below the
    pupil's own rate over the 12 school weeks before them, *beyond* the drop of the school as a whole over the same
    weeks (an illness wave lowers everyone's rate; a school of at least 10 pupils). Spells of absence marked only I (illness) are left out of both
    periods, at least 4 sessions must have been missed recently, and it needs 10 recent and 20 earlier sessions."""
    sc = p.school
    s = sc.settings.get("sharp_drop", {})

    def get(name: str) -> Any:
        return s.get(name, DEFAULTS["sharp_drop"][name])

    recent_from = sc.start_of_last_weeks(get("recent_weeks"))
    if recent_from is None:
        return None
    base_from = sc.start_of_last_weeks(get("recent_weeks") + get("baseline_weeks")) or sc.school_days[0]
    illness = _illness_spells(p, base_from)
    window = p.since(base_from)
    counted = list(compress(window, map(POSSIBLE.__contains__, map(itemgetter(2), window))))
    if illness:
        counted = [m for m in counted if (m[0], m[1]) not in illness]
    split = bisect.bisect_left(counted, recent_from, key=itemgetter(0))  # counted is in date order
    recent, base = counted[split:], counted[:split]
    if len(recent) < get("min_recent_sessions") or len(base) < get("min_baseline_sessions"):
        return None
    missed = tuple(m for m in recent if m[2] not in ATTENDED)
    if len(missed) < get("min_missed_sessions"):
        return None
    recent_rate = (len(recent) - len(missed)) * 100 / len(recent)
    base_rate = sum(1 for m in base if m[2] in ATTENDED) * 100 / len(base)
    drop = base_rate - recent_rate
    cohort = get("min_cohort_pupils")
    school_recent = _cohort_rate(sc, recent_from, None, cohort)
    school_base = _cohort_rate(sc, base_from, recent_from, cohort)
    school_drop = (
        max(0.0, school_base - school_recent)
        if school_recent is not None and school_base is not None
        else 0.0
    )
    beyond = drop - school_drop
    if beyond < get("drop_pp"):
        return None
    reason = (
        f"Attendance fell to {percent(recent_rate)} in the last {get('recent_weeks')} school weeks (from "
        f"{short_date(recent_from)}, {len(recent) - len(missed)} of {len(recent)} sessions) from "
        f"{percent(base_rate)} over the {len(base)} possible sessions before: "
        f"{round(drop, 1):g} percentage points lower"
    )
    if school_drop:
        reason += f", {round(beyond, 1):g} more than the school as a whole (down {round(school_drop, 1):g})"
    reason += f": {code_tally(c for _, _, c in missed)}."
    if illness:
        reason += f" {sessions_phrase(len(illness))} in spells of illness (I only) are left out."
    return RuleHit(rule="sharp_drop", measure=round(beyond, 2), reason=reason, evidence=missed)
