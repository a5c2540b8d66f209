"""Pattern rules, applied to every pupil on roll."""

from __future__ import annotations

from typing import Any

from ..wording import code_tally, days_phrase, percent, sessions_phrase, short_date
from .base import (
    ABSENCE_NOT_LATE,
    ATTENDED,
    DEFAULTS,
    POSSIBLE,
    MarkT,
    PupilInput,
    RuleHit,
    _since,
)


def monday_friday_pattern(p: PupilInput) -> RuleHit | None:
    """Absence concentrated on Mondays and Fridays: at least 6 absent sessions this year fell on a Monday or
    Friday, and they are at least 60% of all absent sessions (late after close, U, is left out). Unauthorised
    absence is highest on Mondays and Fridays nationally (domain.md §2.5)."""
    sc = p.school
    absent = [m for m in p.ytd if m[2] in ABSENCE_NOT_LATE]
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
    hits = tuple(m for m in p.ytd if m[2] in ABSENCE_NOT_LATE and m[0] in edges)
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


def short_spells(p: PupilInput) -> RuleHit | None:
    """Many short spells of absence: at least 6 spells this year of 4 sessions (2 days) or fewer, a spell being
    consecutive school sessions marked absent (U left out)."""
    sc = p.school
    longest = sc.setting("short_spells", "max_spell_sessions")
    spells: list[list[MarkT]] = []
    current: list[MarkT] = []
    for day, session in sc.sessions:
        if day < sc.year_start:
            continue
        code = p.by_session.get((day, session))
        if code in ABSENCE_NOT_LATE:
            current.append((day, session, code))
        elif current:
            spells.append(current)
            current = []
    if current:
        spells.append(current)
    short = [s for s in spells if len(s) <= longest]
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
    late = tuple(m for m in p.marks if m[2] == "U" and m[0] >= since)
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


def sharp_drop(p: PupilInput) -> RuleHit | None:
    """Sharp drop in attendance: the last 4 school weeks' attendance is at least 10 percentage points below the
    pupil's own rate over the 12 school weeks before them."""
    sc = p.school
    s = sc.settings.get("sharp_drop", {})

    def get(name: str) -> Any:
        return s.get(name, DEFAULTS["sharp_drop"][name])

    recent_from = sc.start_of_last_weeks(get("recent_weeks"))
    if recent_from is None:
        return None
    base_from = sc.start_of_last_weeks(get("recent_weeks") + get("baseline_weeks")) or sc.school_days[0]
    recent = [m for m in p.marks if m[0] >= recent_from and m[2] in POSSIBLE]
    base = [m for m in p.marks if base_from <= m[0] < recent_from and m[2] in POSSIBLE]
    if len(recent) < get("min_recent_sessions") or len(base) < get("min_baseline_sessions"):
        return None
    recent_rate = sum(1 for m in recent if m[2] in ATTENDED) * 100 / len(recent)
    base_rate = sum(1 for m in base if m[2] in ATTENDED) * 100 / len(base)
    drop = base_rate - recent_rate
    if drop < get("drop_pp"):
        return None
    missed = tuple(m for m in recent if m[2] not in ATTENDED)
    return RuleHit(
        rule="sharp_drop",
        measure=round(drop, 2),
        reason=(
            f"Attendance fell to {percent(recent_rate)} in the last {get('recent_weeks')} school weeks (from "
            f"{short_date(recent_from)}, {len(recent) - len(missed)} of {len(recent)} sessions) from "
            f"{percent(base_rate)} over the {len(base)} possible sessions before: "
            f"{round(drop, 1):g} percentage points lower."
        ),
        evidence=missed,
    )
