"""Load one school's rule inputs with a handful of set-based queries (never one per mark or per pupil)."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Count, Q

from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, NonSchoolDay, School, Term

from .models import NoticeSessionUse, RuleSetting
from .rules import ATTENDED, DEFAULTS, POSSIBLE, PupilInput, SchoolContext, SessionT, parse_setting
from .store_marks import school_marks

log = logging.getLogger(__name__)

# Marks are read a year back so that rolling windows (penalty threshold, CME run, baselines) can span the summer.
LOOKBACK_DAYS = 371
# Without an imported term calendar, a school is expected to meet on one of its weekdays only if it has recorded
# marks recently (so that holidays do not raise missing-register alerts every day).
RECENT_MARKS_DAYS = 14
# A narrowed load of up to this many enrolments reads their marks by enrolment; more, and reading the whole
# school's marks once is quicker.
NARROW_MAX = 2000
# A school with at least this many enrolments on roll reads its marks from the statistics store (store_marks.py:
# columns, not rows), also for a narrowed load; a smaller one reads the database, which is quicker than bringing a
# store up to date for it.
STORE_MIN_ENROLMENTS = 50


def rule_settings_for(school: School) -> dict[str, dict[str, Any]]:
    """DEFAULTS overridden by the school's LA, then by the school itself (one query)."""
    merged = copy.deepcopy(DEFAULTS)
    rows = RuleSetting.objects.filter(Q(school=school) | Q(local_authority_id=school.local_authority_id))
    # LA rows first, so that school rows win.
    for row in sorted(rows, key=lambda r: r.school_id is not None):
        if row.rule in merged and row.name in merged[row.rule]:
            merged[row.rule][row.name] = parse_setting(DEFAULTS[row.rule][row.name], row.value)
    return merged


def _calendar_sessions(
    school: School, start: dt.date, end: dt.date, met: list[SessionT]
) -> list[SessionT] | None:
    """The shared calendar (registers/calendar.py) when it is installed, else None. `met`: the sessions the
    marks already read show the school met (for years without an imported calendar)."""
    try:
        from attend.registers.calendar import school_sessions
    except ImportError:
        return None
    return [(d, s) for d, s in school_sessions(school, start, end, met_by_marks=met)]


def _part_time_timetables(school: School) -> dict[int, tuple[tuple[dt.date, dt.date, dt.date], ...]]:
    """Recorded part-time timetables by pupil (casework). Looked up by name: casework builds on alerts, so alerts
    does not import it; without the app there are none."""
    if not apps.is_installed("attend.casework"):
        return {}
    model = apps.get_model("casework", "PartTimeTimetable")
    found: dict[int, list] = defaultdict(list)
    for pupil_id, start, end, review in model.objects.filter(school=school).values_list(
        "pupil_id", "start", "end", "review_date"
    ):
        found[pupil_id].append((start, end, review))
    return {pupil_id: tuple(rows) for pupil_id, rows in found.items()}


def _circumstances(school: School, as_of: dt.date) -> dict[int, tuple[str, ...]]:
    """Kinds of circumstance current on as_of (medical condition, bereavement, ...) by pupil, for the pupils on
    roll at the school (casework; looked up by name as above)."""
    if not apps.is_installed("attend.casework"):
        return {}
    model = apps.get_model("casework", "PupilCircumstance")
    found: dict[int, set[str]] = defaultdict(set)
    rows = (
        model.objects.filter(pupil__enrolments__school=school, start__lte=as_of)
        .filter(Q(end__isnull=True) | Q(end__gte=as_of))
        .values_list("pupil_id", "kind")
    )
    for pupil_id, kind in rows:
        found[pupil_id].add(kind)
    return {pupil_id: tuple(sorted(kinds)) for pupil_id, kinds in found.items()}


def _non_school(school: School, start: dt.date, end: dt.date) -> dict[dt.date, set[str]]:
    closed: dict[dt.date, set[str]] = defaultdict(set)
    for day, session in NonSchoolDay.objects.filter(
        school=school, date__gte=start, date__lte=end
    ).values_list("date", "session"):
        closed[day] |= {session} if session else {"AM", "PM"}
    return closed


def _term_facts(school: School, as_of: dt.date) -> tuple[bool, dt.date | None, int | None, set[str]]:
    """(terms imported this year?, end of the term containing as_of, sessions left after as_of, today's sessions)."""
    year_start = dt.date(AcademicYear.start_year_for(as_of), 8, 1)
    terms = list(
        Term.objects.filter(
            school=school,
            end_date__gte=year_start,
            start_date__lte=year_start.replace(year=year_start.year + 1),
        ).values_list("start_date", "end_date")
    )
    current = next(((s, e) for s, e in terms if s <= as_of <= e), None)
    if not terms or current is None:
        return bool(terms), None, None, set()
    term_end = current[1]
    closed = _non_school(school, as_of, term_end)
    remaining = 0
    day = as_of + dt.timedelta(days=1)
    while day <= term_end:
        if school.meets_on(day):
            remaining += 2 - len(closed.get(day, set()))
        day += dt.timedelta(days=1)
    today = set() if not school.meets_on(as_of) else {"AM", "PM"} - closed.get(as_of, set())
    return True, term_end, remaining, today


def _plain_rows(rows):
    """(enrolment_id, date, session, code) from a values_list query, read with a plain cursor: Django's per-row
    converters cost more than the rules themselves over an LA's year of marks (18 million rows). SQLite gives
    dates as text: each distinct day is parsed once."""
    sql, params = rows.query.sql_with_params()
    days: dict = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(20000):
            for enrolment_id, day, session, code in chunk:
                if not isinstance(day, dt.date):
                    day = days.get(day) or days.setdefault(day, dt.date.fromisoformat(day))
                yield enrolment_id, day, session, code


def _all_marks(school: School, start: dt.date, end: dt.date):
    """Every mark of the school's enrolments in [start, end]: (marks by enrolment, session -> has a mark other
    than '#', the school's [possible, attended] by day)."""
    marks: dict[int, list] = defaultdict(list)
    session_codes: dict[SessionT, bool] = {}
    rows = (
        Mark.objects.filter(enrolment__school=school, date__gte=start, date__lte=end)
        .order_by("enrolment_id", "date", "session")
        .values_list("enrolment_id", "date", "session", "code")
    )
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for enrolment_id, day, session, code in _plain_rows(rows):
        marks[enrolment_id].append((day, session, code))
        key = (day, session)
        session_codes[key] = session_codes.get(key, False) or code != "#"
        if code in POSSIBLE:
            counts = by_day[day]
            counts[0] += 1
            counts[1] += code in ATTENDED
    return marks, session_codes, by_day


def _school_sessions(school: School, start: dt.date, end: dt.date):
    """What _all_marks says about the school as a whole, from one grouped query instead of every mark."""
    rows = (
        Mark.objects.filter(enrolment__school=school, date__gte=start, date__lte=end)
        .values("date", "session")
        .annotate(
            met=Count("id", filter=~Q(code="#")),
            possible=Count("id", filter=Q(code__in=POSSIBLE)),
            attended=Count("id", filter=Q(code__in=POSSIBLE) & Q(code__in=ATTENDED)),
        )
        .order_by("date", "session")
        .values_list("date", "session", "met", "possible", "attended")
    )
    session_codes: dict[SessionT, bool] = {}
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for day, session, met, possible, attended in rows:
        session_codes[(day, session)] = met > 0
        if possible:
            by_day[day][0] += possible
            by_day[day][1] += attended
    return session_codes, by_day


def _from_store(on_roll: int, marks_from: str | None) -> bool:
    return marks_from == "store" or (marks_from is None and on_roll >= STORE_MIN_ENROLMENTS)


def _store_marks(school: School, start: dt.date, end: dt.date, marks_from: str | None):
    """school_marks from the statistics store, or None when it cannot be read (logged; "store" asked: raised)."""
    try:
        return school_marks(school.pk, start, end)
    except Exception:
        if marks_from == "store":
            raise
        log.exception("alerts: statistics store unreadable, reading %s's marks from the database", school)
        return None


def _marks_of(enrolment_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list]:
    marks: dict[int, list] = defaultdict(list)
    for first in range(0, len(enrolment_ids), 500):
        rows = (
            Mark.objects.filter(
                enrolment_id__in=enrolment_ids[first : first + 500], date__gte=start, date__lte=end
            )
            .order_by("enrolment_id", "date", "session")
            .values_list("enrolment_id", "date", "session", "code")
        )
        for enrolment_id, day, session, code in _plain_rows(rows):
            marks[enrolment_id].append((day, session, code))
    return marks


def load_school(
    school: School,
    *,
    as_of: dt.date,
    now: dt.time,
    settings: dict[str, dict[str, Any]] | None = None,
    enrolment_ids: Collection[int] | None = None,
    marks_from: str | None = None,
) -> tuple[SchoolContext, list[PupilInput]]:
    """One SchoolContext and a PupilInput per enrolment on roll on as_of (only those of `enrolment_ids` when
    given: their marks are then read by enrolment, and the school's sessions and daily attendance, which the
    rules compare pupils with, by one grouped query, so the context is the same as a whole-school load's).
    `marks_from`: "store" or "database" (default: the store for a school of STORE_MIN_ENROLMENTS or more)."""
    start = as_of - dt.timedelta(days=LOOKBACK_DAYS)
    settings = settings if settings is not None else rule_settings_for(school)

    enrolments = list(
        # Only enrolments on roll on as_of: a pupil who has left raises nothing more here (and open alerts clear).
        Enrolment.objects.filter(school=school, admission_date__lte=as_of)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=as_of))
        .values_list(
            "id",
            "pupil_id",
            "pupil__upn",
            "pupil__date_of_birth",
            "nc_year",
            "pupil__sen_status",
            "pupil__looked_after",
            "pupil__child_in_need",
            "pupil__child_protection_plan",
            "admission_date",
            "leaving_date",
        )
    )

    on_roll = len(enrolments)
    if enrolment_ids is not None:
        enrolments = [row for row in enrolments if row[0] in enrolment_ids]
    # A big school reads the whole school's marks from the store (a narrowed load keeps its pupils' only); a
    # small one, or a store that cannot be read, reads the database: its pupils' marks by enrolment and the
    # school's sessions by one grouped query when narrowed, every mark of the school otherwise.
    found = _store_marks(school, start, as_of, marks_from) if _from_store(on_roll, marks_from) else None
    if found is not None:
        marks, session_codes, by_day = found
    elif enrolment_ids is not None and len(enrolments) <= NARROW_MAX:
        session_codes, by_day = _school_sessions(school, start, as_of)
        marks = _marks_of([row[0] for row in enrolments], start, as_of)
    else:
        marks, session_codes, by_day = _all_marks(school, start, as_of)

    used: dict[int, set[SessionT]] = defaultdict(set)
    uses = NoticeSessionUse.objects.filter(enrolment__school=school)
    if enrolment_ids is not None:
        uses = uses.filter(enrolment_id__in=[row[0] for row in enrolments])
    for enrolment_id, day, session in uses.values_list("enrolment_id", "date", "session"):
        used[enrolment_id].add((day, session))

    part_time = _part_time_timetables(school)
    circumstances = _circumstances(school, as_of)

    # A session with any mark is a session the school met, unless all its marks are '#' (planned closure).
    met_by_marks = [key for key, met in session_codes.items() if met]
    sessions = _calendar_sessions(school, start, as_of, met_by_marks)
    if sessions is None:
        sessions = met_by_marks
    sessions = sorted(set(sessions), key=lambda s: (s[0], s[1]))

    has_terms, _, remaining, today = _term_facts(school, as_of)
    if not has_terms and school.meets_on(as_of):
        recent = any(as_of - dt.timedelta(days=RECENT_MARKS_DAYS) <= d < as_of for d, _ in session_codes)
        if recent:
            today = {"AM", "PM"} - _non_school(school, as_of, as_of).get(as_of, set())
    taken = {s for (d, s) in session_codes if d == as_of}
    today |= {s for (d, s), met in session_codes.items() if d == as_of and met}

    context = SchoolContext(
        school_id=school.pk,
        as_of=as_of,
        now=now,
        year_start=dt.date(AcademicYear.start_year_for(as_of), 8, 1),
        sessions=tuple(sessions),
        today_expected=tuple(s for s in ("AM", "PM") if s in today),
        today_taken=frozenset(taken),
        remaining_term_sessions=remaining,
        attendance_by_day={day: (c[0], c[1]) for day, c in by_day.items()},
        settings=settings,
    )
    pupils = [
        PupilInput(
            enrolment_id=e_id,
            pupil_id=p_id,
            upn=upn,
            date_of_birth=dob,
            nc_year=nc_year,
            school=context,
            marks=tuple(marks.get(e_id, ())),
            sen_status=sen,
            looked_after=lac,
            child_in_need=cin,
            child_protection_plan=cp,
            admission_date=admitted,
            leaving_date=left,
            used_sessions=frozenset(used.get(e_id, ())),
            part_time=part_time.get(p_id, ()),
            circumstances=circumstances.get(p_id, ()),
        )
        for e_id, p_id, upn, dob, nc_year, sen, lac, cin, cp, admitted, left in enrolments
    ]
    return context, pupils
