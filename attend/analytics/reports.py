"""Shapes for exports, the CLI and web pages, built from `measures` on any engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa

from . import measures as m
from .definitions import COUNT_COLUMNS, RATE_COLUMNS
from .engine import Source

SCHOOL_FIELDS = [
    "school_id",
    "school_urn",
    "school_name",
    "phase",
    "la_code",
    "la_name",
    "region_name",
    "trust_name",
]
GROUP_ALIASES = {
    "la": ["la_code", "la_name"],
    "school": SCHOOL_FIELDS,
    "trust": ["trust_name"],
    "region": ["region_name"],
    "sen": ["sen_status"],
    "cin": ["child_in_need"],
    "cp": ["child_protection_plan"],
    "lac": ["looked_after"],
}

# The pupil report: the columns the issue names first, then the rest.
PUPIL_COLUMNS = {
    "upn": "upn",
    "school_urn": "school_urn",
    "possible_sessions": "possible_sessions",
    "attendance": "overall_attendance",
    "authorised_absence": "authorised_absence",
    "unauthorised_absence": "unauthorised_absence",
    "overall_absence": "overall_absence",
    "attendance_pct": "attendance_perc",
    "persistent_absence": "persistent_absence",
    "severe_absence": "severe_absence",
    "overall_absence_pct": "overall_absence_perc",
    "authorised_absence_pct": "authorised_absence_perc",
    "unauthorised_absence_pct": "unauthorised_absence_perc",
    "illness_pct": "illness_perc",
    "present_sessions": "present_sessions",
    "approved_educational_activity": "approved_educational_activity",
    "late_sessions": "late_sessions",
    "sessions_missed": "overall_absence",
    "days_missed": "days_missed",
    "hours_missed": "hours_missed",
    "absence_spells": "absence_spells",
    "longest_spell_sessions": "longest_spell_sessions",
    "unauthorised_last_10_weeks": "unauthorised_recent_weeks",
    "school_name": "school_name",
    "nc_year": "nc_year",
    "cohort": "cohort",
    "enrolment_id": "enrolment_id",
}

GROUP_COLUMNS = [
    "cohort",
    "enrolments",
    "pupils",
    # Every DfE count and rate column, in the DfE file's order (the same lists measures_from_counts returns).
    *COUNT_COLUMNS,
    *RATE_COLUMNS,
    "persistent_absence_enrolments",
    "pa_perc",
    "severe_absence_enrolments",
    "sa_perc",
    "days_missed",
    "hours_missed",
]
PERIOD_COLUMNS = [
    "school_days",
    "possible_sessions",
    "overall_attendance",
    "overall_absence",
    "authorised_absence",
    "unauthorised_absence",
    "late_sessions",
    "attendance_perc",
    "overall_absence_perc",
    "authorised_absence_perc",
    "unauthorised_absence_perc",
    "illness_perc",
    "unauth_oth_perc",
    "unauth_hol_perc",
]
WEEKDAYS = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday", 7: "Sunday"}


def group_fields(by: str | Sequence[str]) -> list[str]:
    fields: list[str] = []
    for name in [by] if isinstance(by, str) else by:
        for f in GROUP_ALIASES.get(name, [name]):
            if f not in m.GROUP_FIELDS:
                raise ValueError(f"Cannot group by {name!r}: choose from {', '.join(m.GROUP_FIELDS)}")
            if f not in fields:
                fields.append(f)
    return fields


def core_tables(
    src: Source,
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str = m.DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> dict[str, pa.Table]:
    """The pupil-level table with PA/SA flags, the per-school roll-up, and per-school x weekday and x week.

    Two scans of the marks; the roll-ups read the materialised intermediate results.
    """
    args = {"start": start, "end": end, "cohort": cohort, "schools": schools}

    def build() -> dict[str, pa.Table]:
        enrolments = src.materialize("attend_enrolment_result", m.enrolment_measures(src, **args))
        daily = src.materialize("attend_daily_result", m.daily_measures(src, **args))
        out = {"enrolments": src.to_arrow(enrolments)}
        out["schools"] = src.to_arrow(m.group_measures(enrolments, ["school_id"], src))
        out["school_weekday"] = src.to_arrow(m.period_measures(daily, ["school_id"], "weekday", src))
        out["school_week"] = src.to_arrow(m.period_measures(daily, ["school_id"], "week", src))
        return out

    key = ("core_tables", _day(start), _day(end), m.cohort_of(cohort), tuple(schools) if schools else None)
    return src.run_plan(key, build)


def _day(day):
    return None if day is None else m.day_number(day)


def pupil_report(
    src: Source,
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str = m.DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
    extras: bool = True,
) -> pd.DataFrame:
    """One row per enrolment (columns: PUPIL_COLUMNS), sorted by school and UPN."""
    args = {"start": start, "end": end, "cohort": cohort, "schools": schools}
    df = src.to_arrow(m.enrolment_measures(src, **args)).to_pandas()
    if extras:
        spells = src.to_arrow(m.absence_spells(src, **args)).to_pandas()
        df = df.merge(spells, on="enrolment_id", how="left")
        if end is not None:
            recent = src.to_arrow(
                m.recent_unauthorised(src, as_of=end, cohort=cohort, schools=schools)
            ).to_pandas()
            df = df.merge(recent, on="enrolment_id", how="left")
        for col in ("absence_spells", "longest_spell_sessions", "unauthorised_recent_weeks"):
            df[col] = df[col].fillna(0).astype("int64") if col in df else 0
    cols = {out: src_col for out, src_col in PUPIL_COLUMNS.items() if src_col in df}
    out = pd.DataFrame({k: df[v] for k, v in cols.items()})
    for col in ("persistent_absence", "severe_absence"):
        out[col] = out[col].astype(bool)
    return out.sort_values(["school_urn", "upn", "enrolment_id"]).reset_index(drop=True)


def group_report(
    src: Source,
    by: str | Sequence[str],
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str = m.DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Pooled measures per group (school, LA, trust, NC year, phase, sex, FSM, SEN, ethnicity, LAC, CIN, CP)."""
    fields = group_fields(by)
    e = m.enrolment_measures(src, start=start, end=end, cohort=cohort, schools=schools)
    df = src.to_arrow(m.group_measures(e, fields, src)).to_pandas()
    return df[[*fields, *GROUP_COLUMNS]].sort_values(fields).reset_index(drop=True)


def school_report(src: Source, **kwargs) -> pd.DataFrame:
    return group_report(src, SCHOOL_FIELDS, **kwargs)


def period_report(
    src: Source,
    period: str,
    *,
    by: str | Sequence[str] = (),
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str = m.DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Measures by weekday, ISO week or month (optionally within groups), with readable period labels."""
    fields = group_fields(by) if by else []
    daily = m.daily_measures(src, by=fields, start=start, end=end, cohort=cohort, schools=schools)
    df = src.to_arrow(m.period_measures(daily, fields, period, src)).to_pandas()
    if period == "weekday":
        df.insert(len(fields) + 1, "weekday_name", df["weekday"].map(WEEKDAYS))
    elif period == "week":
        starts = [m.EPOCH + dt.timedelta(days=int(d)) for d in df["week"]]
        df["week"] = starts
        df.insert(
            len(fields) + 1, "iso_week", [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in starts]
        )
        df = df.rename(columns={"week": "week_commencing"})
        period = "week_commencing"
    elif period == "month":
        df["month"] = [f"{v // 100}-{v % 100:02d}" for v in df["month"]]
    df.insert(0, "cohort", cohort)
    keep = [c for c in df.columns if c in ("cohort", *fields, period, "weekday_name", "iso_week")]
    return df[[*keep, *PERIOD_COLUMNS]].sort_values([*fields, period]).reset_index(drop=True)
