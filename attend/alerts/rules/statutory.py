"""Statutory and DfE-definition rules: applied only to pupils of compulsory school age."""

from __future__ import annotations

import datetime as dt

from ..wording import code_tally, days_phrase, kind_sessions_phrase, percent, short_date
from .base import (
    ABSENCE,
    CME_CODES,
    PENALTY_FRAMEWORK_START,
    POSSIBLE,
    UNAUTHORISED,
    MarkT,
    PupilInput,
    RuleHit,
    _since,
)


def _crossed_rate_on(p: PupilInput, pct: float, min_possible: int) -> dt.date | None:
    """The date the year-to-date rate last rose to `pct` or more (and has stayed there since)."""
    possible = absent = 0
    crossed = None
    above = False
    for day, _, code in p.ytd:
        if code not in POSSIBLE:
            continue
        possible += 1
        absent += code in ABSENCE
        now_above = possible >= min_possible and absent * 100 >= pct * possible
        if now_above and not above:
            crossed = day
        above = now_above
    return crossed if above else None


def _rate_hit(p: PupilInput, rule: str, label: str) -> RuleHit | None:
    pct = p.school.setting(rule, "percent")
    possible = p.ytd_possible
    if possible < p.school.setting(rule, "min_possible_sessions"):
        return None
    absent = len(p.ytd_absence)
    # Compare in whole numbers so that exactly 10% counts (no floating-point rounding).
    if absent * 100 < pct * possible:
        return None
    rate = absent * 100 / possible
    return RuleHit(
        rule=rule,
        since=_crossed_rate_on(p, pct, p.school.setting(rule, "min_possible_sessions")),
        measure=round(rate, 2),
        reason=(
            f"{label}: missed {absent} of {possible} possible sessions ({days_phrase(absent)} of "
            f"{days_phrase(possible)}) since {_since(p)}, {percent(rate)}, at or above {percent(pct)}: "
            f"{code_tally(c for _, _, c in p.ytd_absence)}."
        ),
        evidence=p.ytd_absence,
    )


def persistent_absence(p: PupilInput) -> RuleHit | None:
    """Persistently absent: year-to-date absence (authorised + unauthorised) is 10% or more of the pupil's own
    possible sessions (DfE definition since 2015/16; possible sessions exclude D, X, Q, Y1-Y7, Z and #;
    domain.md §2.1)."""
    return _rate_hit(p, "persistent_absence", "Persistently absent")


def severe_absence(p: PupilInput) -> RuleHit | None:
    """Severely absent: year-to-date absence is 50% or more of the pupil's own possible sessions (DfE definition;
    domain.md §2.1)."""
    return _rate_hit(p, "severe_absence", "Severely absent")


def at_risk_persistent(p: PupilInput) -> RuleHit | None:
    """At risk of persistent absence: below 10% now, but within 2 percentage points of it, or projected to reach
    10% by the end of term if the last 4 school weeks' absence rate continues (WTISA 2024: meet parents of pupils
    at risk of persistent absence; domain.md §4)."""
    sc = p.school
    rule = "at_risk_persistent"
    pct = sc.setting(rule, "percent")
    possible = p.ytd_possible
    absent = len(p.ytd_absence)
    if possible < sc.setting(rule, "min_possible_sessions") or absent * 100 >= pct * possible:
        return None
    rate = absent * 100 / possible
    margin = sc.setting(rule, "margin_pp")
    near = absent * 100 >= (pct - margin) * possible
    projected = None
    weeks = sc.setting(rule, "recent_weeks")
    since = sc.start_of_last_weeks(weeks)
    if sc.remaining_term_sessions and since is not None:
        recent = [m for m in p.since(max(since, sc.year_start)) if m[2] in POSSIBLE]
        if recent:
            recent_rate = sum(1 for m in recent if m[2] in ABSENCE) / len(recent)
            remaining = sc.remaining_term_sessions
            projected = (absent + recent_rate * remaining) * 100 / (possible + remaining)
    crosses = projected is not None and projected >= pct
    if not (near or crosses):
        return None
    reason = (
        f"At risk of persistent absence: missed {absent} of {possible} possible sessions since {_since(p)}"
    )
    reason += f" ({percent(rate)})"
    if near:
        reason += f", within {margin:g} percentage points of {percent(pct)}"
    if crosses:
        reason += (
            f"{' and' if near else ','} at the rate of the last {weeks} school weeks it would reach "
            f"{percent(projected)} by the end of term"
        )
    return RuleHit(
        rule=rule,
        measure=round(max(rate, projected or 0), 2),
        reason=reason + ".",
        evidence=p.ytd_absence,
    )


def penalty_threshold(p: PupilInput) -> RuleHit | None:
    """A penalty notice must be considered: 10 or more sessions of unauthorised absence (G, N, O, U in any mix,
    consecutive or not) within a rolling 10 school weeks (a school week is any week with at least one school
    session; the period may span terms and years). Sessions already used by an earlier penalty notice or notice to
    improve are not counted again. National framework for penalty notices, from 19 Aug 2024 (domain.md §3.1)."""
    sc = p.school
    need = sc.setting("penalty_threshold", "sessions")
    span = sc.setting("penalty_threshold", "school_weeks")
    usable = []
    excluded = 0
    for m in p.absences:
        if m[2] not in UNAUTHORISED or m[0] < PENALTY_FRAMEWORK_START:
            continue
        if (m[0], m[1]) in p.used_sessions:
            excluded += 1
            continue
        week = sc.week_index.get(m[0].isocalendar()[:2])
        if week is not None:
            usable.append((week, m))
    if len(usable) < need:
        return None
    # Two pointers over marks sorted by week: the window of `span` school weeks ending at each mark's week.
    best: tuple[int, int, int] | None = None  # (count, start, end) indexes into usable
    first_met: dt.date | None = None
    lo = 0
    for hi, (week, _) in enumerate(usable):
        while usable[lo][0] <= week - span:
            lo += 1
        count = hi - lo + 1
        if count >= need and first_met is None:
            first_met = usable[hi][1][
                0
            ]  # the day the threshold was first met ("newly crossed" on work lists)
        if count >= need and (best is None or count >= best[0]):
            best = (count, lo, hi)
    if best is None:
        return None
    count, lo, hi = best
    evidence = tuple(m for _, m in usable[lo : hi + 1])
    # Name a window of `span` school weeks holding the evidence, as late as possible up to as_of.
    first_week = max(0, min(usable[lo][0], len(sc.school_weeks) - span))
    last_week = min(len(sc.school_weeks) - 1, first_week + span - 1)
    days_in_window = [
        d for d in sc.school_days if first_week <= sc.week_index[d.isocalendar()[:2]] <= last_week
    ]
    reason = (
        f"{kind_sessions_phrase('unauthorised', count)} in the {last_week - first_week + 1} school weeks from "
        f"{short_date(days_in_window[0])} to {short_date(days_in_window[-1])}: "
        f"{code_tally(c for _, _, c in evidence)}. A penalty notice must be considered."
    )
    if excluded:
        reason += f" ({excluded} sessions already used by an earlier notice are not counted.)"
    return RuleHit(rule="penalty_threshold", measure=count, reason=reason, evidence=evidence, since=first_met)


def la_notification_10_days(p: PupilInput) -> RuleHit | None:
    """Tell the local authority: 10 or more school days (20 sessions) of unauthorised absence this school year.
    Schools must inform the LA of pupils missing 10 or more school days without permission (WTISA 2024;
    domain.md §4)."""
    need = p.school.setting("la_notification_10_days", "sessions")
    unauth = p.ytd_unauthorised
    if len(unauth) < need:
        return None
    return RuleHit(
        rule="la_notification_10_days",
        measure=len(unauth),
        reason=(
            f"{kind_sessions_phrase('unauthorised', len(unauth))} since {_since(p)}: "
            f"{code_tally(c for _, _, c in unauth)}. Tell the local authority (10 school days or more)."
        ),
        evidence=unauth,
        since=unauth[need - 1][0],
    )


def cme_20_days(p: PupilInput) -> RuleHit | None:
    """Possible child missing education: absent for 20 or more continuous school days with only G, N or O marks
    (any other code, or a session with no mark, breaks the run). Make a children-missing-education enquiry
    (EA 1996 s436A). The name cannot be deleted under 2024 Regs reg 9(1)(i) until the school and the LA have both
    failed, after reasonable enquiry, to locate the pupil (domain.md §5)."""
    sc = p.school
    need = sc.setting("cme_20_days", "school_days")
    run: list[MarkT] = []
    trailing = True
    for day, session in reversed(sc.sessions):
        code = p.code_on(day, session)
        if code is None and trailing:
            continue  # not recorded yet (e.g. today's register)
        trailing = False
        if code not in CME_CODES:
            break
        run.append((day, session, code))
    if not run:
        return None
    in_run = {(d, s) for d, s, _ in run}
    days = sorted({d for d, _, _ in run if all((d, s) in in_run for s in sc.sessions_by_day[d])})
    if len(days) < need:
        return None
    run.reverse()
    return RuleHit(
        rule="cme_20_days",
        measure=len(days),
        reason=(
            f"Absent for {len(days)} school days in a row ({len(run)} sessions) from {short_date(run[0][0])} to "
            f"{short_date(run[-1][0])} with only G, N or O marks: {code_tally(c for _, _, c in run)}. Make a "
            "children missing education enquiry. The name cannot be deleted under 2024 Regs reg 9(1)(i) until "
            "the school and the local authority have both failed, after reasonable enquiry, to locate the pupil."
        ),
        evidence=tuple(run),
        since=days[need - 1],
    )
