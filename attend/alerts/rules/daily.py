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
        code = p.by_session.get((sc.as_of, session))
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
    stale = tuple(m for m in p.marks if m[2] == "N" and p.school.school_days_after(m[0]) > limit)
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
