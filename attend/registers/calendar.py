"""Which sessions a school met: from its imported calendar where it has one, otherwise inferred from the marks.

Rules that count "school days" or "school weeks" (e.g. 10 school weeks of absence, the 20-school-day deletion
ground) build on these functions.

- Calendar: for each academic year (1 August to 31 July) in which the school has at least one imported Term, the
  school met on every term date that falls on one of its `meets_on_weekdays`, in both sessions, except sessions
  covered by a NonSchoolDay (non-school day or planned closure; a row with no session covers the whole day).
  Dates outside its terms in such a year are not school sessions.
- Marks: in academic years with no imported terms, a session is one the school met if any enrolment at the school
  has a mark for it, unless every mark for that session is `#` (planned whole-school closure). This is one GROUP BY
  over the marks, not a loop.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from attend.registers.models import Mark
from attend.schools.models import AcademicYear, NonSchoolDay, School, Term

Session = tuple[dt.date, str]


def _academic_year_spans(start: dt.date, end: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    spans = []
    year = AcademicYear.start_year_for(start)
    while dt.date(year, 8, 1) <= end:
        spans.append((year, max(start, dt.date(year, 8, 1)), min(end, dt.date(year + 1, 7, 31))))
        year += 1
    return spans


def _from_calendar(school: School, terms: list[Term], start: dt.date, end: dt.date) -> list[Session]:
    closed = {
        (d.date, d.session)
        for d in NonSchoolDay.objects.filter(school=school, date__range=(start, end)).only("date", "session")
    }
    sessions: list[Session] = []
    for term in terms:
        day = max(term.start_date, start)
        while day <= min(term.end_date, end):
            if school.meets_on(day) and (day, "") not in closed:
                sessions.extend((day, s) for s in ("AM", "PM") if (day, s) not in closed)
            day += dt.timedelta(days=1)
    return sessions


def _from_marks(school: School, start: dt.date, end: dt.date) -> list[Session]:
    met = (
        Mark.objects.filter(enrolment__school=school, date__range=(start, end))
        .values("date", "session")
        .annotate(not_closed=Count("id", filter=~Q(code="#")))
        .filter(not_closed__gt=0)
        .values_list("date", "session")
    )
    return list(met)


def school_sessions(
    school: School, start: dt.date, end: dt.date, *, met_by_marks: list[Session] | None = None
) -> list[Session]:
    """Every (date, "AM"|"PM") from start to end inclusive on which the school met, in order. `met_by_marks`:
    the sessions the school's marks show it met over [start, end] (a mark other than '#'), when the caller has
    already read them (the alert evaluation): years without a calendar then take them instead of a query."""
    terms_by_year: dict[int, list[Term]] = {}
    for term in Term.objects.filter(school=school, start_date__lte=end, end_date__gte=start).select_related(
        "academic_year"
    ):
        terms_by_year.setdefault(term.academic_year.start_year, []).append(term)
    years_with_calendar = set(
        Term.objects.filter(school=school).values_list("academic_year__start_year", flat=True).distinct()
    )
    sessions: list[Session] = []
    for year, span_start, span_end in _academic_year_spans(start, end):
        if year in years_with_calendar:
            sessions += _from_calendar(school, terms_by_year.get(year, []), span_start, span_end)
        elif met_by_marks is not None:
            sessions += [(d, s) for d, s in met_by_marks if span_start <= d <= span_end]
        else:
            sessions += _from_marks(school, span_start, span_end)
    return sorted(sessions)


def school_days(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates with at least one session the school met."""
    return sorted({day for day, _ in school_sessions(school, start, end)})


def school_weeks(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    """ISO weeks (given by their Monday) with at least one session the school met."""
    return sorted({day - dt.timedelta(days=day.weekday()) for day in school_days(school, start, end)})
