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
