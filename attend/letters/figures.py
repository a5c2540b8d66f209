"""Time missed in the words letters use: days and hours of learning, not bare percentages.

Guidance asks schools to say time missed ("missed five days in two weeks, about 35 hours of learning") rather than
headline percentages, and letters work when they correct parents' underestimate of days missed (Rogers & Feller
2018; peers.md). Every number comes from the statistics layer (attend.stats.queries, DfE definitions); this module
only turns sessions into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from attend.people.models import Enrolment
from attend.schools.models import AcademicYear

DEFAULT_DAY_HOURS = Decimal("6.5")  # DfE's expected 32.5-hour week
RECENT_WEEKS = 4


def _number(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def days_words(days: Decimal) -> str:
    if days == Decimal("0.5"):
        return "half a day"
    return f"{_number(days)} day{'' if days == 1 else 's'}"


def hours_words(hours: Decimal) -> str:
    return f"about {_number(hours)} hour{'' if hours == 1 else 's'}"


@dataclass(frozen=True)
class TimeMissed:
    sessions: int
    days: Decimal  # in halves: a session is half a day
    hours: Decimal  # to the nearest half hour
    period: str  # "since 1 September", "in the last 4 weeks"

    @property
    def days_text(self) -> str:
        return days_words(self.days)

    @property
    def hours_text(self) -> str:
        return hours_words(self.hours)

    def sentence(self) -> str:
        return f"{self.days_text} {self.period}, {self.hours_text} of learning".strip()


def time_missed(
    sessions: int, *, day_hours: Decimal | float | str = DEFAULT_DAY_HOURS, period: str = ""
) -> TimeMissed:
    """Sessions missed -> days (sessions / 2) and hours of learning (days x the school's day length, to the nearest
    half hour): 10 sessions at 6.5 hours a day is "5 days", "about 32.5 hours"."""
    days = Decimal(int(sessions)) / 2
    exact = days * Decimal(str(day_hours))
    hours = (exact * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2
    return TimeMissed(int(sessions), days, hours, period)


def year_period_words(as_of: dt.date, admission_date: dt.date | None = None) -> tuple[dt.date, str]:
    """The start of the year-to-date period (1 August, as the statistics count it) and how a letter says it."""
    start = dt.date(AcademicYear.start_year_for(as_of), 8, 1)
    september = dt.date(start.year, 9, 1)
    if admission_date and admission_date > september:
        return start, f"since {admission_date.day} {admission_date:%B} (when they joined)"
    return start, "since 1 September"


@dataclass(frozen=True)
class AttendanceFigures:
    """One enrolment's figures for letters: the year to date and the last 4 weeks, from attend.stats."""

    year: TimeMissed
    recent: TimeMissed
    possible_sessions: int
    attendance_perc: float | None
    year_group_perc: float | None
    illness_sessions: int = 0

    @property
    def illness_only(self) -> bool:
        """Every absence this year was illness (code I): such families get the health letter, not a concern stage."""
        return self.year.sessions > 0 and self.illness_sessions == self.year.sessions

    def merge_fields(self, absence_date: dt.date | None = None) -> dict[str, str]:
        fields = {
            "days_missed": self.year.days_text,
            "hours_missed": self.year.hours_text,
            "period": self.year.period,
            "days_possible": days_words(Decimal(self.possible_sessions) / 2),
            "percentage": f"{self.attendance_perc:.1f}%" if self.attendance_perc is not None else "",
            "year_group_percentage": f"{self.year_group_perc:.1f}%"
            if self.year_group_perc is not None
            else "",
            "recent_days_missed": self.recent.days_text,
            "recent_hours_missed": self.recent.hours_text,
            "recent_period": self.recent.period,
            "absence_date": "",
        }
        if absence_date is not None:
            fields["absence_date"] = f"{absence_date:%A} {absence_date.day} {absence_date:%B}"
        return fields


def attendance_figures(enrolments: Iterable[Enrolment], as_of: dt.date) -> dict[int, AttendanceFigures]:
    """Figures for many enrolments at once (one statistics query per period, not one per pupil), keyed by id.

    Year to date: 1 August to `as_of` (attend.stats.queries.year_to_date); recent: the last 4 weeks to `as_of`.
    Any age is included (cohort "all"): a letter is about this pupil, whatever the DfE headline cohort."""
    from attend.stats import queries

    enrolments = list(enrolments)
    if not enrolments:
        return {}
    schools = sorted({e.school_id for e in enrolments})
    year_start, _ = queries.year_to_date(as_of)
    recent_start = as_of - dt.timedelta(weeks=RECENT_WEEKS) + dt.timedelta(days=1)
    year = queries.enrolment_measures(year_start, as_of, schools=schools, cohort="all", extras=False)
    recent = queries.enrolment_measures(recent_start, as_of, schools=schools, cohort="all", extras=False)
    groups = queries.group_measures(
        ["school_id", "nc_year"], year_start, as_of, schools=schools, cohort="all"
    )
    year_rows = year.set_index("enrolment_id").to_dict("index")
    recent_missed = dict(zip(recent["enrolment_id"], recent["sessions_missed"], strict=True))
    group_perc = {
        (int(r.school_id), str(r.nc_year)): float(r.attendance_perc) for r in groups.itertuples(index=False)
    }
    out = {}
    for e in enrolments:
        row = year_rows.get(e.pk, {})
        out[e.pk] = _figures(
            e,
            as_of,
            possible=int(row.get("possible_sessions", 0)),
            missed=int(row.get("sessions_missed", 0)),
            recent_missed=int(recent_missed.get(e.pk, 0)),
            perc=row.get("attendance_pct"),
            illness_perc=row.get("illness_pct"),
            year_group_perc=group_perc.get((e.school_id, str(e.nc_year))),
        )
    return out


def _figures(
    e: Enrolment, as_of, *, possible, missed, recent_missed, perc, illness_perc, year_group_perc
) -> AttendanceFigures:
    hours = e.school.school_day_hours or DEFAULT_DAY_HOURS
    _, period = year_period_words(as_of, e.admission_date)
    return AttendanceFigures(
        year=time_missed(missed, day_hours=hours, period=period),
        recent=time_missed(recent_missed, day_hours=hours, period=f"in the last {RECENT_WEEKS} weeks"),
        possible_sessions=possible,
        attendance_perc=float(perc) if perc is not None else None,
        year_group_perc=float(year_group_perc) if year_group_perc is not None else None,
        illness_sessions=round(float(illness_perc or 0) * possible / 100),
    )


def enrolment_figures(enrolment: Enrolment, as_of: dt.date) -> AttendanceFigures:
    """One enrolment's figures (a preview, one letter) from ONE query: per-code session counts of its year group's
    marks this year, with the pupil's own year and last-4-weeks counts beside them, turned into DfE measures by
    `attend.stats.measures_from_counts` (the same definitions as the statistics store, so the numbers equal
    `attendance_figures`; the test pins that). No columnar query is compiled, so a preview costs milliseconds."""
    from django.db.models import Count, Q

    from attend.registers.models import Mark
    from attend.stats import measures_from_counts, queries
    from attend.stats.codes import code_specs

    year_start, _ = queries.year_to_date(as_of)
    recent_start = as_of - dt.timedelta(weeks=RECENT_WEEKS) + dt.timedelta(days=1)
    mine = Q(enrolment_id=enrolment.pk)
    rows = (
        Mark.objects.filter(
            enrolment__school_id=enrolment.school_id,
            enrolment__nc_year=enrolment.nc_year,
            date__gte=year_start,
            date__lte=as_of,
        )
        .values("code")
        .annotate(
            group=Count("id"),
            year=Count("id", filter=mine),
            recent=Count("id", filter=mine & Q(date__gte=recent_start)),
        )
    )
    known = code_specs()
    counts = {"group": {}, "year": {}, "recent": {}}
    for row in rows:
        if row["code"] in known:  # the statistics store leaves out codes it does not know, too
            for part, per_code in counts.items():
                per_code[row["code"]] = row[part]
    group, year, recent = (measures_from_counts(counts[p]) for p in ("group", "year", "recent"))
    possible = year["possible_sessions"]
    return _figures(
        enrolment,
        as_of,
        possible=possible,
        missed=year["overall_absence"] if possible else 0,
        recent_missed=recent["overall_absence"] if recent["possible_sessions"] else 0,
        perc=year["attendance_perc"],
        illness_perc=year["illness_perc"],
        year_group_perc=group["attendance_perc"],
    )
