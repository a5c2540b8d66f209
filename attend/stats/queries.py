"""The statistics API for the rest of Attend (alerts, dashboards, exports). Returns pandas DataFrames.

Every figure carries its cohort (default: compulsory school age, DfE's headline cohort). `schools` takes School
objects, ids or a queryset, so callers pass what their user may see (scoping stays with the caller).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from attend.analytics import measures as m
from attend.analytics import reports
from attend.schools.models import AcademicYear, School

from . import benchmarks
from .store import source

DEFAULT_COHORT = m.DEFAULT_COHORT


def _school_ids(schools: Iterable | None) -> list[int] | None:
    if schools is None:
        return None
    return [s.pk if isinstance(s, School) else int(s) for s in schools]


def year_to_date(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """1 August of the academic year containing `as_of`, to `as_of`."""
    return dt.date(AcademicYear.start_year_for(as_of), 8, 1), as_of


def _args(start, end, cohort, schools) -> dict:
    if start is None and end is not None:
        start, _ = year_to_date(end)
    return {"start": start, "end": end, "cohort": cohort, "schools": _school_ids(schools)}


def enrolment_measures(
    start=None, end=None, *, schools=None, cohort: str = DEFAULT_COHORT, extras: bool = True
) -> pd.DataFrame:
    """One row per enrolment: the pupil report (attend.analytics.reports.PUPIL_COLUMNS)."""
    with source() as src:
        return reports.pupil_report(src, extras=extras, **_args(start, end, cohort, schools))


def school_measures(start=None, end=None, *, schools=None, cohort: str = DEFAULT_COHORT) -> pd.DataFrame:
    with source() as src:
        return reports.school_report(src, **_args(start, end, cohort, schools))


def group_measures(
    by: str | Sequence[str], start=None, end=None, *, schools=None, cohort: str = DEFAULT_COHORT
) -> pd.DataFrame:
    with source() as src:
        return reports.group_report(src, by, **_args(start, end, cohort, schools))


def group_absence(
    by: Sequence[str], start: dt.date, end: dt.date, *, schools=None, cohort: str = DEFAULT_COHORT
) -> pd.DataFrame:
    """Pooled overall absence, possible sessions and enrolments per group of enrolment fields: the three columns of
    group_measures the cohort rule compares, in one SQL statement on the DuckDB store. group_measures works out every
    DfE measure through Ibis, which costs ~0.5 s of compiling and scanning at 18 million marks, most of an
    evaluation after a one-school import (issue 22); the sums here are the same (tested: test_group_absence.py).
    Enrolments with no possible sessions are left out, as DfE does. Another engine goes through group_measures."""
    from attend.analytics.definitions import APPROVED_EDUCATIONAL_ACTIVITY, AUTHORISED, PRESENT, UNAUTHORISED

    fields = list(by)
    unknown = [f for f in fields if f not in m.GROUP_FIELDS]
    if unknown:
        raise ValueError(f"Unknown group fields: {unknown}")
    args = _args(start, end, cohort, schools)
    with source() as src:
        if src.engine != "duckdb":
            df = reports.group_report(src, fields, **args)
            return df[[*fields, "overall_absence", "possible_sessions", "enrolments"]]
        absent = [i for i, spec in src.codes.items() if spec.category in (AUTHORISED, UNAUTHORISED)]
        attended = [
            i for i, spec in src.codes.items() if spec.category in (PRESENT, APPROVED_EDUCATIONAL_ACTIVITY)
        ]
        c = m.cohort_of(cohort)
        where = [f"day between {m.day_number(args['start'])} and {m.day_number(args['end'])}"]
        if c.min_age is not None:
            where.append(f"age >= {int(c.min_age)}")
        if c.max_age is not None:
            where.append(f"age <= {int(c.max_age)}")
        if args["schools"] is not None:
            where.append(f"school_id in ({','.join(map(str, args['schools'])) or 'null'})")
        columns = ", ".join(f"e.{f}" for f in fields)
        sql = f"""
            with per_enrolment as (
                select enrolment_id,
                       count(*) filter (where code_id in ({",".join(map(str, absent)) or "null"})) as absence,
                       count(*) filter (where code_id in ({",".join(map(str, absent + attended)) or "null"}))
                           as possible
                from marks where {" and ".join(where)} group by enrolment_id
            )
            select {columns}, sum(p.absence)::bigint as overall_absence,
                   sum(p.possible)::bigint as possible_sessions, count(*)::bigint as enrolments
            from per_enrolment p join enrolments e using (enrolment_id)
            where p.possible > 0 group by {columns} order by {columns}
        """
        return src.con.con.execute(sql).df()


def period_breakdown(
    period: str,
    start=None,
    end=None,
    *,
    by: str | Sequence[str] = (),
    schools=None,
    cohort: str = DEFAULT_COHORT,
) -> pd.DataFrame:
    """By "weekday", "week" (ISO week, Monday start) or "month", optionally within groups (by="school")."""
    with source() as src:
        return reports.period_report(src, period, by=by, **_args(start, end, cohort, schools))


def weekday_breakdown(start=None, end=None, **kwargs) -> pd.DataFrame:
    return period_breakdown("weekday", start, end, **kwargs)


def weekly_trend(start=None, end=None, *, phase: str | None = None, **kwargs) -> pd.DataFrame:
    """Week by week, with England's published rate beside it.

    `national_overall_absence_perc` comes from a loaded DfE weekly release when one covers the week (matched
    on ISO week), otherwise from the latest year-to-date figure for the phase (labelled in
    `national_basis`).
    """
    df = period_breakdown("week", start, end, **kwargs)
    weekly = benchmarks.national_weekly(phase)
    ytd = next((c for c in benchmarks.comparators(phase=phase) if c["comparator"] == "england"), None)
    national, basis = [], []
    for week in df["iso_week"]:
        value = weekly.get(week)
        if value is not None:
            national.append(value)
            basis.append("DfE weekly")
        else:
            national.append(ytd["overall_absence_perc"] if ytd else None)
            basis.append(f"DfE year to date {ytd['time_period']}" if ytd else "")
    df["national_overall_absence_perc"] = national
    df["national_basis"] = basis
    return df
