"""Identification rules (issue 5): pure functions over small input dataclasses, listed in a plain RULES list.

Each rule's docstring is the staff-facing meaning and its source. Rules never touch the database: inputs.py loads
one school's marks in one query and builds a PupilInput per enrolment. Thresholds come from DEFAULTS, overridden
per local authority or school by RuleSetting rows (services.rule_settings_for).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from attend.registers.codes import code_table

from .wording import code_tally, days_phrase, percent, sessions_phrase, short_date, weekday_date

MarkT = tuple[dt.date, str, str]  # (date, "AM"|"PM", code)
SessionT = tuple[dt.date, str]

# DfE statistics (domain.md §1.1, §2.1): possible sessions exclude D, X, Q, Y*, Z, #; absence = authorised +
# unauthorised codes; unauthorised = G, N, O, U.
_CODES = code_table()
POSSIBLE = frozenset(c for c, info in _CODES.items() if info.is_possible_session)
ATTENDED = frozenset(c for c, info in _CODES.items() if info.counts_as_attendance)
AUTHORISED = frozenset(c for c, info in _CODES.items() if info.statistical_category == "authorised_absence")
UNAUTHORISED = frozenset({"G", "N", "O", "U"})
ABSENCE = AUTHORISED | UNAUTHORISED
# The pattern rules look at days missed, so a late arrival after the register closed (U) is left to repeated_late_u.
ABSENCE_NOT_LATE = ABSENCE - {"U"}
CME_CODES = frozenset({"G", "N", "O"})
# Education (Penalty Notices) (England) (Amendment) Regulations 2024: the national framework covers absence from
# 19 August 2024 (domain.md §3.1).
PENALTY_FRAMEWORK_START = dt.date(2024, 8, 19)
# Compulsory school age for statistics: aged 5 to 15 on 31 August before the academic year (domain.md §2.1);
# reception and sixth-form year groups are left out even when a pupil's age fits.
NON_COMPULSORY_YEARS = frozenset({"N1", "N2", "R", "12", "13", "14"})

DEFAULTS: dict[str, dict[str, Any]] = {
    "school": {"am_start": "08:45", "pm_start": "13:15", "register_open_minutes": 30},
    "first_day": {},
    "missing_register": {"minutes_after_start": 30},
    "n_not_resolved": {"school_days": 5},
    "persistent_absence": {"percent": 10.0, "min_possible_sessions": 20},
    "severe_absence": {"percent": 50.0, "min_possible_sessions": 20},
    "at_risk_persistent": {"percent": 10.0, "margin_pp": 2.0, "recent_weeks": 4, "min_possible_sessions": 20},
    "penalty_threshold": {"sessions": 10, "school_weeks": 10},
    "la_notification_10_days": {"sessions": 20},
    "cme_20_days": {"school_days": 20},
    "monday_friday_pattern": {"min_sessions": 6, "share": 0.6},
    "holiday_adjacent": {"min_break_weekdays": 3, "min_breaks": 2},
    "short_spells": {"max_spell_sessions": 4, "min_spells": 6},
    "repeated_late_u": {"school_weeks": 6, "min_sessions": 5},
    "sharp_drop": {
        "recent_weeks": 4,
        "baseline_weeks": 12,
        "drop_pp": 10.0,
        "min_recent_sessions": 10,
        "min_baseline_sessions": 20,
    },
}


def _session_key(item: tuple) -> tuple[dt.date, int]:
    return (item[0], 0 if item[1] == "AM" else 1)


def _parse_time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def parse_setting(default: Any, value: str) -> Any:
    """A RuleSetting value, read as the type of its default (bad values raise ValueError)."""
    if isinstance(default, bool):
        return value.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, str) and ":" in default:
        _parse_time(value)
    return value


def _weekdays_between(a: dt.date, b: dt.date) -> int:
    return sum(1 for i in range(1, (b - a).days) if (a + dt.timedelta(days=i)).isoweekday() <= 5)


@dataclass(frozen=True)
class RuleHit:
    rule: str
    measure: float
    reason: str
    evidence: tuple[MarkT, ...] = ()
    enrolment_id: int | None = None
    pupil_id: int | None = None
    key: str = ""
    flags: tuple[str, ...] = ()
    priority: int = 9

    def evidence_json(self) -> list[list[str]]:
        return [[d.isoformat(), s, c] for d, s, c in self.evidence]


@dataclass(frozen=True)
class SchoolContext:
    """One school's calendar as seen on `as_of` at time `now`, and its rule settings."""

    school_id: int
    as_of: dt.date
    now: dt.time
    year_start: dt.date  # 1 August of the academic year containing as_of
    sessions: tuple[SessionT, ...]  # sessions the school met, sorted, within the look-back, up to as_of
    today_expected: tuple[str, ...] = ()  # sessions the school should meet on as_of
    today_taken: frozenset[str] = frozenset()  # sessions on as_of with at least one mark
    remaining_term_sessions: int | None = None  # school sessions after as_of to the end of term, if known
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: DEFAULTS)

    def setting(self, rule: str, name: str) -> Any:
        return self.settings.get(rule, {}).get(name, DEFAULTS[rule][name])

    def session_start(self, session: str) -> dt.time:
        return _parse_time(self.setting("school", "am_start" if session == "AM" else "pm_start"))

    def minutes_since_start(self, session: str) -> float:
        start = dt.datetime.combine(self.as_of, self.session_start(session))
        return (dt.datetime.combine(self.as_of, self.now) - start).total_seconds() / 60

    def register_closed(self, session: str) -> bool:
        return self.minutes_since_start(session) >= self.setting("school", "register_open_minutes")

    @cached_property
    def school_days(self) -> list[dt.date]:
        return sorted({d for d, _ in self.sessions})

    @cached_property
    def sessions_by_day(self) -> dict[dt.date, tuple[str, ...]]:
        days: dict[dt.date, list[str]] = {}
        for d, s in self.sessions:
            days.setdefault(d, []).append(s)
        return {d: tuple(v) for d, v in days.items()}

    @cached_property
    def school_weeks(self) -> list[tuple[int, int]]:
        """ISO weeks with at least one school session (the penalty framework's 'school week')."""
        return sorted({d.isocalendar()[:2] for d in self.school_days})

    @cached_property
    def week_index(self) -> dict[tuple[int, int], int]:
        return {week: i for i, week in enumerate(self.school_weeks)}

    def start_of_last_weeks(self, weeks: int) -> dt.date | None:
        """First school day of the `weeks`-th most recent school week (None when there are fewer weeks)."""
        if len(self.school_weeks) < weeks or weeks <= 0:
            return None
        cache = self.__dict__.setdefault("_week_starts", {})
        if weeks not in cache:
            first_week = self.school_weeks[-weeks]
            cache[weeks] = next(d for d in self.school_days if d.isocalendar()[:2] == first_week)
        return cache[weeks]

    def break_edges(self, min_gap: int) -> dict[dt.date, int]:
        """School days next to a break of `min_gap`+ weekdays without sessions -> the break's number (cached)."""
        cache = self.__dict__.setdefault("_break_edges", {})
        if min_gap not in cache:
            edges: dict[dt.date, int] = {}
            days = self.school_days
            breaks = 0
            for before, after in zip(days, days[1:], strict=False):
                if _weekdays_between(before, after) >= min_gap:
                    edges.setdefault(before, breaks)
                    edges[after] = breaks
                    breaks += 1
            cache[min_gap] = edges
        return cache[min_gap]

    def school_days_after(self, day: dt.date) -> int:
        """School days strictly after `day`, up to and including as_of."""
        return len(self.school_days) - bisect.bisect_right(self.school_days, day)


@dataclass(frozen=True)
class PupilInput:
    """One enrolment's marks (sorted, while on roll, up to as_of, within the look-back) and the facts rules need."""

    enrolment_id: int
    pupil_id: int
    upn: str
    date_of_birth: dt.date
    nc_year: str
    school: SchoolContext
    marks: tuple[MarkT, ...] = ()
    sen_status: str = "N"
    looked_after: bool = False
    child_in_need: bool = False
    child_protection_plan: bool = False
    admission_date: dt.date = dt.date(2000, 1, 1)
    leaving_date: dt.date | None = None
    used_sessions: frozenset[SessionT] = frozenset()

    @cached_property
    def by_session(self) -> dict[SessionT, str]:
        return {(d, s): c for d, s, c in self.marks}

    @cached_property
    def ytd(self) -> tuple[MarkT, ...]:
        return tuple(m for m in self.marks if m[0] >= self.school.year_start)

    @cached_property
    def ytd_possible(self) -> int:
        return sum(1 for m in self.ytd if m[2] in POSSIBLE)

    @cached_property
    def ytd_absence(self) -> tuple[MarkT, ...]:
        return tuple(m for m in self.ytd if m[2] in ABSENCE)

    @cached_property
    def ytd_unauthorised(self) -> tuple[MarkT, ...]:
        return tuple(m for m in self.ytd if m[2] in UNAUTHORISED)

    def on_roll(self, day: dt.date) -> bool:
        return self.admission_date <= day and (self.leaving_date is None or day <= self.leaving_date)

    @property
    def compulsory_school_age(self) -> bool:
        """Aged 5-15 on 31 August before the academic year, and not in reception or year 12 or above."""
        cutoff = dt.date(self.school.year_start.year, 8, 31)
        dob = self.date_of_birth
        age = cutoff.year - dob.year - ((cutoff.month, cutoff.day) < (dob.month, dob.day))
        return 5 <= age <= 15 and self.nc_year.upper() not in NON_COMPULSORY_YEARS

    @property
    def has_ehcp(self) -> bool:
        return self.sen_status == "E"

    @property
    def vulnerable(self) -> bool:
        return self.looked_after or self.child_in_need or self.child_protection_plan or self.has_ehcp


def _since(p: PupilInput) -> str:
    first = p.ytd[0][0] if p.ytd else p.school.year_start
    return short_date(first)


# --- daily rules ----------------------------------------------------------------------------------------------


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


# --- statutory and DfE-definition rules (compulsory school age only) -------------------------------------------


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
        recent = [m for m in p.ytd if m[0] >= since and m[2] in POSSIBLE]
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
    for m in p.marks:
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
    lo = 0
    for hi, (week, _) in enumerate(usable):
        while usable[lo][0] <= week - span:
            lo += 1
        count = hi - lo + 1
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
        f"{sessions_phrase(count)} of unauthorised absence in the {last_week - first_week + 1} school weeks from "
        f"{short_date(days_in_window[0])} to {short_date(days_in_window[-1])}: "
        f"{code_tally(c for _, _, c in evidence)}. A penalty notice must be considered."
    )
    if excluded:
        reason += f" ({excluded} sessions already used by an earlier notice are not counted.)"
    return RuleHit(rule="penalty_threshold", measure=count, reason=reason, evidence=evidence)


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
            f"{sessions_phrase(len(unauth))} of unauthorised absence since {_since(p)}: "
            f"{code_tally(c for _, _, c in unauth)}. Tell the local authority (10 school days or more)."
        ),
        evidence=unauth,
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
        code = p.by_session.get((day, session))
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
    )


# --- patterns (all pupils on roll) -------------------------------------------------------------------------------


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


PupilRule = Callable[[PupilInput], RuleHit | None]

# Statutory and DfE-definition rules apply only to pupils of compulsory school age (domain.md §2.1).
STATUTORY_RULES: list[PupilRule] = [
    persistent_absence,
    severe_absence,
    at_risk_persistent,
    penalty_threshold,
    la_notification_10_days,
    cme_20_days,
]
OTHER_RULES: list[PupilRule] = [
    first_day,
    n_not_resolved,
    monday_friday_pattern,
    holiday_adjacent,
    short_spells,
    repeated_late_u,
    sharp_drop,
]
RULES: list[PupilRule] = OTHER_RULES[:2] + STATUTORY_RULES + OTHER_RULES[2:]
SCHOOL_RULES = [missing_register]
RULE_IDS: list[str] = [r.__name__ for r in RULES] + [r.__name__ for r in SCHOOL_RULES]
DAILY_RULES = frozenset({"first_day", "missing_register"})
STATUTORY_IDS = frozenset(r.__name__ for r in STATUTORY_RULES)


def evaluate_pupil(p: PupilInput, rules: list[PupilRule] | None = None) -> list[RuleHit]:
    """Every hit for one enrolment, stamped with its ids; statutory rules skip pupils outside compulsory age."""
    hits = []
    statutory_ok = p.compulsory_school_age
    for rule in rules or RULES:
        if rule.__name__ in STATUTORY_IDS and not statutory_ok:
            continue
        hit = rule(p)
        if hit is not None:
            flags = hit.flags + (("review_context_first",) if p.has_ehcp else ())
            hits.append(
                RuleHit(
                    rule=hit.rule,
                    measure=hit.measure,
                    reason=hit.reason,
                    evidence=hit.evidence,
                    enrolment_id=p.enrolment_id,
                    pupil_id=p.pupil_id,
                    key=hit.key,
                    flags=flags,
                    priority=hit.priority,
                )
            )
    return hits
