"""What every rule shares: code groups, default thresholds, the input dataclasses and the hit."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from operator import itemgetter
from typing import Any

from attend.registers.codes import code_table

from ..wording import short_date

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
    "part_time_timetable": {},
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
    "cohort": {"recent_weeks": 4, "gap_pp": 3.0, "widen_pp": 2.0, "min_enrolments": 10},
    "sharp_drop": {
        "recent_weeks": 4,
        "baseline_weeks": 12,
        "drop_pp": 10.0,
        "min_recent_sessions": 10,
        "min_baseline_sessions": 20,
        "min_missed_sessions": 4,
        "min_cohort_pupils": 10,
    },
}


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
    since: dt.date | None = None  # when the threshold was met, for threshold rules (newly crossed or not)
    details: Mapping[str, Any] = field(default_factory=dict)  # rule-specific extras stored on the alert

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
    # The whole school's (possible, attended) sessions by day over the look-back: the cohort sharp_drop compares with.
    attendance_by_day: Mapping[dt.date, tuple[int, int]] = field(default_factory=dict)
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
    def session_index(self) -> dict[SessionT, int]:
        """Each school session's position in `sessions` (consecutive sessions differ by one)."""
        return {key: i for i, key in enumerate(self.sessions)}

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
    # Recorded part-time timetables at this school: (start, end, review date), from casework.
    part_time: tuple[tuple[dt.date, dt.date, dt.date], ...] = ()
    # Current circumstances recorded in casework (medical_condition, bereavement, other).
    circumstances: tuple[str, ...] = ()

    # The rules run for every pupil of an LA each night (18 million marks at 50,000 pupils): most marks are
    # attendance, so rules about absence read `absences` (about a tenth of the marks, found in one pass) and
    # date windows are cut from the sorted marks by bisection instead of filtered mark by mark.

    def since(self, day: dt.date) -> tuple[MarkT, ...]:
        """The marks on or after `day` (marks are sorted by date and session)."""
        return self.marks[bisect.bisect_left(self.marks, day, key=_mark_day) :]

    def code_on(self, day: dt.date, session: str) -> str | None:
        """The code recorded for one session, or None."""
        i = bisect.bisect_left(self.marks, (day, session), key=_mark_session)
        if i < len(self.marks) and self.marks[i][0] == day and self.marks[i][1] == session:
            return self.marks[i][2]
        return None

    @cached_property
    def absences(self) -> tuple[MarkT, ...]:
        """Every absence mark (authorised or unauthorised) in the look-back, in order (filtered at C speed)."""
        return tuple(compress(self.marks, map(ABSENCE.__contains__, map(_code, self.marks))))

    @cached_property
    def ytd(self) -> tuple[MarkT, ...]:
        return self.since(self.school.year_start)

    @cached_property
    def ytd_possible(self) -> int:
        return sum(map(POSSIBLE.__contains__, map(_code, self.ytd)))

    @cached_property
    def ytd_absence(self) -> tuple[MarkT, ...]:
        start = self.school.year_start
        return self.absences[bisect.bisect_left(self.absences, start, key=_mark_day) :]

    @cached_property
    def ytd_unauthorised(self) -> tuple[MarkT, ...]:
        return tuple(m for m in self.ytd_absence if m[2] in UNAUTHORISED)

    def spells(self, marks: tuple[MarkT, ...] | list[MarkT]) -> list[list[MarkT]]:
        """`marks` (a sorted subset of this pupil's) split into spells: runs on consecutive school sessions. A
        school session without one of these marks ends a spell; a mark on a day the school did not meet is left
        out (as a walk over the school's sessions would never reach it)."""
        index = self.school.session_index
        spells: list[list[MarkT]] = []
        last = -2
        for m in marks:
            position = index.get((m[0], m[1]))
            if position is None:
                continue
            if position == last + 1:
                spells[-1].append(m)
            else:
                spells.append([m])
            last = position
        return spells

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
    def review_context_first(self) -> bool:
        """An EHC plan or a current circumstance: the officer weighs the context before acting (issue 5)."""
        return self.has_ehcp or bool(self.circumstances)

    @property
    def vulnerable(self) -> bool:
        return self.looked_after or self.child_in_need or self.child_protection_plan or self.has_ehcp


_code = itemgetter(2)


def _mark_day(mark: MarkT) -> dt.date:
    return mark[0]


def _mark_session(mark: MarkT) -> tuple[dt.date, str]:
    return (mark[0], mark[1])


def _since(p: PupilInput) -> str:
    first = p.ytd[0][0] if p.ytd else p.school.year_start
    return short_date(first)
