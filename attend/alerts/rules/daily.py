"""Daily rules (first_day, missing_register) and the N data-quality rule."""

from __future__ import annotations

import datetime as dt

from ..wording import short_date, weekday_date
from .base import (
    MarkT,
    PupilInput,
    RuleHit,
    SchoolContext,
)


def first_day(p: PupilInput) -> RuleHit | None:
    """No reason for absence today: an N, or no mark once the register has closed. Call the contacts in priority
    order, vulnerable pupils first; for looked-after children and children in need or on a child protection plan,
    also tell the social worker (and, if looked after, the virtual school). WTISA 2024 ("first-day calling");
    domain.md §4."""
    sc = p.school
    if not p.on_roll(sc.as_of):
        return None
    unexplained: list[MarkT] = []
    for session in sc.today_expected:
        code = p.code_on(sc.as_of, session)
        if code == "N":
            unexplained.append((sc.as_of, session, "N"))
        elif code is None and session in sc.today_taken and sc.register_closed(session):
            unexplained.append((sc.as_of, session, ""))
    if not unexplained:
        return None
    parts = [f"{s} {c or 'no mark'}" for _, s, c in unexplained]
    reason = f"No reason given for absence today ({weekday_date(sc.as_of)}): {', '.join(parts)}."
    reason += " Call the contacts in priority order."
    flags = []
    if p.vulnerable:
        flags.append("vulnerable")
    if p.looked_after or p.child_in_need or p.child_protection_plan:
        flags.append("notify_social_worker")
        reason += " Tell the social worker"
        if p.looked_after:
            flags.append("notify_virtual_school")
            reason += " and the virtual school"
        reason += "."
    return RuleHit(
        rule="first_day",
        measure=len(unexplained),
        reason=reason,
        evidence=tuple(unexplained),
        key=sc.as_of.isoformat(),
        flags=tuple(flags),
        priority=0 if p.vulnerable else 1,
    )


def missing_register(sc: SchoolContext) -> list[RuleHit]:
    """A school session with no marks at all 30 minutes after it began: the register has not been taken or not
    sent. Registers must be taken at the start of each morning session and once during the afternoon (2024 Regs
    reg 10); session start times are school settings (defaults 08:45 and 13:15)."""
    wait = sc.setting("missing_register", "minutes_after_start")
    hits = []
    for session in sc.today_expected:
        if session in sc.today_taken or sc.minutes_since_start(session) < wait:
            continue
        start = sc.session_start(session)
        due = (dt.datetime.combine(sc.as_of, start) + dt.timedelta(minutes=wait)).time()
        hits.append(
            RuleHit(
                rule="missing_register",
                measure=1,
                reason=(
                    f"No register for the {session} session on {weekday_date(sc.as_of)}: it began at "
                    f"{start:%H:%M} and no marks had arrived by {due:%H:%M}."
                ),
                key=f"{sc.as_of.isoformat()} {session}",
                priority=0,
            )
        )
    return hits


def n_not_resolved(p: PupilInput) -> RuleHit | None:
    """An N (reason not yet established) still on the register more than 5 school days later: a data-quality item.
    N must be replaced by the correct code within 5 school days (WTISA 2024; domain.md §1.1, §4)."""
    limit = p.school.setting("n_not_resolved", "school_days")
    stale = tuple(m for m in p.absences if m[2] == "N" and p.school.school_days_after(m[0]) > limit)
    if not stale:
        return None
    oldest = p.school.school_days_after(stale[0][0])
    listed = ", ".join(f"{short_date(d)} {s}" for d, s, _ in stale)
    noun = "N mark" if len(stale) == 1 else "N marks"
    return RuleHit(
        rule="n_not_resolved",
        measure=len(stale),
        reason=(
            f"{len(stale)} {noun} (reason not yet established) older than {limit} school days: {listed} "
            f"(oldest {oldest} school days ago). Replace each with the correct code."
        ),
        evidence=stale,
    )


def part_time_timetable(p: PupilInput) -> RuleHit | None:
    """C2 (leave for a temporary part-time timetable) used on a date no recorded part-time timetable covers, or
    after the timetable's review date. A part-time timetable must be agreed with a parent, time-limited and
    formally reviewed, and the LA told; C2 is its only code (2024 Regs reg 11; domain.md §5). Timetables are
    recorded in casework (PartTimeTimetable)."""
    c2 = [m for m in p.ytd_absence if m[2] == "C2"]
    if not c2:
        return None
    uncovered = tuple(m for m in c2 if not any(s <= m[0] <= min(e, r) for s, e, r in p.part_time))
    if not uncovered:
        return None
    past_review = [m for m in uncovered if any(s <= m[0] <= e and m[0] > r for s, e, r in p.part_time)]
    listed = ", ".join(f"{short_date(d)} {s}" for d, s, _ in uncovered[-6:])
    more = f" and {len(uncovered) - 6} earlier" if len(uncovered) > 6 else ""
    noun = "session" if len(uncovered) == 1 else "sessions"
    if past_review:
        reviews = sorted(
            {r for s, e, r in p.part_time if any(s <= m[0] <= e and m[0] > r for m in past_review)}
        )
        reason = (
            f"C2 (part-time timetable) on {len(uncovered)} {noun} after the timetable's review date "
            f"({', '.join(short_date(r) for r in reviews)}): {listed}{more}. Review the timetable with the family "
            "and record the outcome and the next review date."
        )
        if len(past_review) < len(uncovered):
            reason += " Some of these sessions are covered by no timetable at all."
    else:
        reason = (
            f"C2 (part-time timetable) on {len(uncovered)} {noun} with no part-time timetable recorded: "
            f"{listed}{more}. Record the agreed timetable (dates, sessions, review date, agreed with a parent) "
            "and tell the local authority."
        )
    return RuleHit(
        rule="part_time_timetable",
        measure=len(uncovered),
        reason=reason,
        evidence=uncovered,
        since=uncovered[0][0],
    )
