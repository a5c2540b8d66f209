"""CTF attendance: `Attendance/YearData/AttendSessions` strings (two characters a date, AM then PM) read into marks,
with Attend's `AttendTwoCharacterCodes` restoring the 2024 two-character codes.

"-" and " " are no mark; "#" on a day the school does not meet (suppliers pad weekends with "##"), or on a holiday
of a year whose calendar is imported, is no mark; on a term day it is the planned-closure code. The aggregate counts are not imported: Attend works them out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from attend.schools.models import AcademicYear, Term

from .common import parse_date
from .ctf_contacts import Dropped
from .ctf_shape import NO_MARK, Reader
from .marks import SESSIONS, MarkBatch


class NoSession:
    """Whether "#" on a date means "no session" rather than the planned-closure code: the school does not meet on
    that weekday, or, in an academic year with an imported calendar, the date is outside its terms (a holiday).
    Terms are read once per school."""

    def __init__(self):
        self._terms: dict[int, tuple[set[int], list[tuple[dt.date, dt.date]]]] = {}

    def __call__(self, school, day: dt.date) -> bool:
        if not school.meets_on(day):
            return True
        if school.pk not in self._terms:
            terms = list(Term.objects.filter(school=school).values_list("academic_year__start_year", "start_date",
                                                                        "end_date"))  # fmt: skip
            self._terms[school.pk] = ({t[0] for t in terms}, [(t[1], t[2]) for t in terms])
        years, spans = self._terms[school.pk]
        return AcademicYear.start_year_for(day) in years and not any(a <= day <= b for a, b in spans)


def _marks_in(text: str, start: dt.date, school, no_session: NoSession) -> dict[tuple[dt.date, str], str]:
    found = {}
    for i, char in enumerate(text):
        day = start + dt.timedelta(days=i // 2)
        if char in (NO_MARK, " ") or (char == "#" and no_session(school, day)):
            continue
        found[(day, SESSIONS[i % 2])] = char
    return found


def _two_character(y, found: dict, problems) -> None:
    for m in y.iterfind("AttendTwoCharacterCodes/Mark"):
        day, session, code = parse_date(m.get("date", "")), m.get("session", ""), m.get("code", "")
        if day is None or session not in SESSIONS:
            problems.add(
                m.sourceline,
                "AttendTwoCharacterCodes/Mark",
                "needs a date (YYYY-MM-DD) and a session (AM or PM)",
            )
            continue
        if found.get((day, session)) != code[:1]:
            problems.add(m.sourceline, "AttendTwoCharacterCodes/Mark",
                         f"{code!r} for {day} {session} does not match {found.get((day, session), 'no mark')!r} "
                         "in AttendanceMarks")  # fmt: skip
            continue
        found[(day, session)] = code


def read_year(
    y, upn, schools, spells, read: Reader, codes_ok, mark_rows, seen_sessions: set, dropped: Dropped,
    no_session: NoSession,
):  # fmt: skip
    """Append (upn, school id, admission date, date, session, code) for each mark of one YearData."""
    problems = read.problems
    lea, estab = read.text(y, "LEA"), read.text(y, "Estab")
    school = schools.get(f"{lea}{estab}")
    sessions = y.find("AttendSessions")
    if school is None:
        if sessions is not None:
            dropped.add(y.sourceline, "Pupil/Attendance/YearData", f"not kept: school LEA {lea!r} Estab {estab!r} "
                        "is not in Attend (its marks are not imported)")  # fmt: skip
        return
    if sessions is None:
        return  # aggregate counts only: nothing per session to import
    start = read.date(sessions, "AttendanceStartDate", where="AttendSessions/")
    marks_element = sessions.find("AttendanceMarks")
    text = (marks_element.text or "") if marks_element is not None else ""
    if start is None:
        return
    line = marks_element.sourceline if marks_element is not None else sessions.sourceline
    if len(text) % 2:
        problems.add(
            line, "AttendanceMarks", f"must have two characters per date, found {len(text)} characters"
        )
        return
    found = _marks_in(text, start, school, no_session)
    _two_character(y, found, problems)
    for code in sorted({c for c in found.values() if c not in codes_ok}):
        problems.add(line, "AttendanceMarks", f"unknown code {code!r}")
    for (day, session), code in sorted(found.items()):
        spell = next(
            (a for a, leave in spells.get(school.pk, []) if a <= day and (leave is None or day <= leave)),
            None,
        )
        if spell is None:
            problems.add(line, "AttendanceMarks",
                         f"mark outside enrolment: UPN {upn} is not on roll at school {school.urn} on {day}")  # fmt: skip
            return
        if (school.pk, day, session) in seen_sessions:
            problems.add(
                line, "AttendanceMarks", f"duplicate mark: {day} {session} is in another YearData too"
            )
            return
        seen_sessions.add((school.pk, day, session))
        if code in codes_ok:
            mark_rows.append((upn, school.pk, spell, day, session, code))


def batch(rows, enrolment_ids) -> MarkBatch:
    """The marks as a MarkBatch for marks.write_marks (the vectorised writer every marks import uses)."""
    rows = sorted(
        (enrolment_ids[(upn, school_id, spell)], day, session, code)
        for upn, school_id, spell, day, session, code in rows
    )
    dates = sorted({r[1] for r in rows})
    date_index = {d: i for i, d in enumerate(dates)}
    codes = sorted({r[3] for r in rows})
    code_index = {c: i for i, c in enumerate(codes)}
    return MarkBatch(
        enrolment_id=np.array([r[0] for r in rows], dtype=np.int64),
        date_idx=np.array([date_index[r[1]] for r in rows], dtype=np.int64),
        dates=[d.isoformat() for d in dates],
        session_idx=np.array([SESSIONS.index(r[2]) for r in rows], dtype=np.int64),
        code_idx=np.array([code_index[r[3]] for r in rows], dtype=np.int64),
        codes=codes,
    )
