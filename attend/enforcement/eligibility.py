"""Is a penalty notice available for this parent and this child on this day? (national framework, SI 2024/210;
WTISA ch.6; domain.md §3.1)

- 10 sessions of unauthorised absence (G, N, O, U in any mix; never C2 or any authorised code: domain.md §1.1)
  within a rolling 10 school weeks; a school week is a week with at least one session the school met
  (attend.registers.calendar), so a half-term or holiday week does not count and a window may span terms.
- Any such window ending on or before the issue date; only absences from 19 August 2024 (the framework's start).
- Only sessions not yet relied on for this parent (`NoticeSessionUse` rows for this parent, and the rows with no
  parent, written by a notice to improve, which hold for every parent): each liable parent may get a notice for
  the same absences, a parent never twice.
- The sessions relied on are the earliest qualifying window's: the first 10 usable sessions that fall within 10
  school weeks of each other (later absences stay free for a later step).

The marks are read in one query, the sessions used in one, the school's weeks in one or two (calendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from attend.alerts.models import NoticeSessionUse
from attend.registers.calendar import school_weeks
from attend.registers.models import Mark

from . import statute

UNAUTHORISED = frozenset({"G", "N", "O", "U"})  # 2024 Regs Table 3; domain.md §1.1 (C2 is authorised)
THRESHOLD_SESSIONS = 10  # WTISA ch.6 / SI 2024/210 national framework
WINDOW_SCHOOL_WEEKS = 10

Relied = tuple[int, dt.date, str, str]  # enrolment id, date, session, code


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str = ""  # "" when eligible; else not_eligible or sessions_already_used
    detail: str = ""
    sessions: tuple[Relied, ...] = field(default_factory=tuple)
    unauthorised_free: int = 0  # unauthorised sessions from the framework start not yet used for this parent
    already_used: int = 0

    @property
    def period_start(self) -> dt.date | None:
        return self.sessions[0][1] if self.sessions else None

    @property
    def period_end(self) -> dt.date | None:
        return self.sessions[-1][1] if self.sessions else None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def earliest_window(marks: list[Relied], week_index: dict[dt.date, int]) -> tuple[Relied, ...] | None:
    """The first 10 marks (in date order) lying within 10 school weeks of each other, or None."""
    usable = [(week_index[_monday(m[1])], m) for m in marks if _monday(m[1]) in week_index]
    for hi in range(THRESHOLD_SESSIONS - 1, len(usable)):
        lo = hi - (THRESHOLD_SESSIONS - 1)
        if usable[hi][0] - usable[lo][0] < WINDOW_SCHOOL_WEEKS:
            return tuple(m for _, m in usable[lo : hi + 1])
    return None


def check(pupil, school, parent, issue_date: dt.date) -> Eligibility:
    """Eligibility of a notice to `parent` for `pupil`'s absences at `school`, issued on `issue_date`."""
    marks: list[Relied] = list(
        Mark.objects.filter(
            enrolment__pupil=pupil,
            enrolment__school=school,
            code__in=UNAUTHORISED,
            date__gte=statute.FRAMEWORK_START,
            date__lte=issue_date,
        )
        .order_by("date", "session")
        .values_list("enrolment_id", "date", "session", "code")
    )
    used = set(
        NoticeSessionUse.objects.filter(enrolment__pupil=pupil, enrolment__school=school)
        .filter(Q(contact=parent) | Q(contact__isnull=True))
        .values_list("enrolment_id", "date", "session")
    )
    free = [m for m in marks if m[:3] not in used]
    if len(marks) < THRESHOLD_SESSIONS:
        return _refused(
            "not_eligible",
            f"{len(marks)} unauthorised sessions: a notice needs {THRESHOLD_SESSIONS}",
            free,
            marks,
        )
    weeks = school_weeks(school, marks[0][1], issue_date)
    week_index = {monday: i for i, monday in enumerate(weeks)}
    window = earliest_window(free, week_index)
    if window is not None:
        return Eligibility(
            eligible=True,
            sessions=window,
            unauthorised_free=len(free),
            already_used=len(marks) - len(free),
            detail=f"{THRESHOLD_SESSIONS} unauthorised sessions from {window[0][1]:%d/%m/%Y} to "
            f"{window[-1][1]:%d/%m/%Y}, within {WINDOW_SCHOOL_WEEKS} school weeks.",
        )
    if earliest_window(marks, week_index) is not None:
        return _refused(
            "sessions_already_used",
            f"The absences that reach the threshold have already been relied on for this parent "
            f"({len(marks) - len(free)} sessions used): no other {THRESHOLD_SESSIONS} unauthorised sessions "
            f"fall within {WINDOW_SCHOOL_WEEKS} school weeks",
            free,
            marks,
        )
    return _refused(
        "not_eligible",
        f"{len(marks)} unauthorised sessions, but never {THRESHOLD_SESSIONS} within {WINDOW_SCHOOL_WEEKS} "
        "school weeks",
        free,
        marks,
    )


def _refused(reason: str, detail: str, free: list, marks: list) -> Eligibility:
    return Eligibility(
        eligible=False,
        reason=reason,
        detail=detail + ".",
        unauthorised_free=len(free),
        already_used=len(marks) - len(free),
    )
