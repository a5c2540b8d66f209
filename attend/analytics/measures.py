"""DfE measures as Ibis expressions over the marks store: one row per enrolment, group, day or period.

Every function takes a `Source` (tables on one engine) and returns an Ibis table expression; nothing here knows
which engine runs it. The arithmetic comes from `definitions.derive_measures`, the same code that computes
`measures_from_counts`, applied to per-code count columns.

Shape of the computation (two scans of the marks, the rest on small tables):
1. marks -> (enrolment, code) counts -> one wide row per enrolment with a count column per code -> measures;
2. marks -> (school, day, code) counts -> daily rows, rolled up to weekday / ISO week / month.
Groups (schools, LAs, characteristics) are rolled up from the enrolment rows, never by rescanning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis

from .definitions import (
    APPROVED_EDUCATIONAL_ACTIVITY,
    AUTHORISED,
    COUNT_COLUMNS,
    LATE_CODES,
    NOT_POSSIBLE,
    PRESENT,
    RATE_COLUMNS,
    REASON_RATES,
    UNAUTHORISED,
    derive_measures,
)
from .engine import Source

EPOCH = dt.date(1970, 1, 1)

CATEGORY_COLUMNS = {
    "present_sessions": PRESENT,
    "approved_educational_activity": APPROVED_EDUCATIONAL_ACTIVITY,
    "authorised_absence": AUTHORISED,
    "unauthorised_absence": UNAUTHORISED,
}


@dataclass(frozen=True)
class Cohort:
    """Which enrolments a figure covers, by age on 31 August before the academic year (DfE convention)."""

    name: str
    label: str
    min_age: int | None
    max_age: int | None


COHORTS = {
    c.name: c
    for c in (
        Cohort("compulsory", "Compulsory school age (5 to 15 on 31 August)", 5, 15),
        Cohort("reception", "Reception age (4 on 31 August)", 4, 4),
        Cohort("sixth_form", "Sixth-form age (16 or over on 31 August)", 16, None),
        Cohort("all", "All enrolments, any age", None, None),
    )
}
DEFAULT_COHORT = "compulsory"

# Enrolment dimension columns that reports can group by.
GROUP_FIELDS = (
    "school_id",
    "school_urn",
    "school_name",
    "phase",
    "la_code",
    "la_name",
    "region_name",
    "trust_name",
    "nc_year",
    "sex",
    "ethnicity",
    "eal",
    "fsm",
    "fsm6",
    "sen_status",
    "looked_after",
    "child_in_need",
    "child_protection_plan",
    "registration",
)


def day_number(day: dt.date | int) -> int:
    return day if isinstance(day, int) else (day - EPOCH).days


def cohort_of(cohort: str | Cohort) -> Cohort:
    if isinstance(cohort, Cohort):
        return cohort
    try:
        return COHORTS[cohort]
    except KeyError:
        raise ValueError(f"Unknown cohort {cohort!r}: choose from {', '.join(COHORTS)}") from None


def select_marks(
    src: Source,
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str | Cohort = DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> ibis.Table:
    """Marks in a date range (inclusive), for a cohort and optionally some schools (by school id)."""
    return _restrict(src.marks, start=start, end=end, cohort=cohort, schools=schools)


def _restrict(m: ibis.Table, *, start, end, cohort, schools) -> ibis.Table:
    preds = []
    if start is not None:
        preds.append(m.day >= day_number(start))
    if end is not None:
        preds.append(m.day <= day_number(end))
    c = cohort_of(cohort)
    if c.min_age is not None:
        preds.append(m.age >= c.min_age)
    if c.max_age is not None:
        preds.append(m.age <= c.max_age)
    if schools is not None:
        preds.append(m.school_id.isin(list(schools)))
    return m.filter(*preds) if preds else m


def _code_ids(src: Source, *categories: str) -> list[int]:
    return sorted(i for i, spec in src.codes.items() if spec.category in categories)


def count_sets(src: Source, detail: bool = False) -> dict[str, list[int]]:
    """The count columns the measures are built from (name -> code ids): one per DfE category, late sessions
    and each code with a reason rate; with `detail`, one for every register code (DfE's reason column names).

    Each column is a conditional sum over (key, code) counts, so fewer columns is faster: detail is opt-in.
    """
    rate_codes = {c for cs in REASON_RATES.values() for c in cs}
    out = {src.columns[i]: [i] for i in sorted(src.codes) if detail or src.codes[i].code in rate_codes}
    for name, category in CATEGORY_COLUMNS.items():
        out[name] = _code_ids(src, category)
    out["late_sessions"] = sorted(i for i, spec in src.codes.items() if spec.code in LATE_CODES)
    return out


def wide_counts(marks: ibis.Table, keys: Sequence[str], src: Source, detail: bool = False) -> ibis.Table:
    """One row per `keys` with the count columns of `count_sets` (per code: DfE's reason column names)."""
    # Pre-aggregated rows (the store's daily table) carry a count `n`; raw marks count one each.
    n = marks.n.sum() if "n" in marks.columns else marks.count()
    per_code = marks.group_by([*keys, "code_id"]).aggregate(n=n)
    aggs = {}
    for name, ids in count_sets(src, detail).items():
        hit = per_code.code_id == ids[0] if len(ids) == 1 else per_code.code_id.isin(ids)
        aggs[name] = ibis.ifelse(hit, per_code.n, 0).sum().cast("int64") if ids else ibis.literal(0, "int64")
    return per_code.group_by(list(keys)).aggregate(**aggs)


def chunked_counts(marks: ibis.Table, keys: Sequence[str], src: Source, detail: bool = False) -> ibis.Table:
    """`wide_counts`, computed per range of the first key that the Source says to slice by, then unioned.

    Ranges are disjoint in a grouping key, so the union has exactly the rows of the unsliced query.
    """
    column = next((k for k in keys if k in src.chunks), None)
    if column is None:
        return wide_counts(marks, keys, src, detail)
    lo, hi, size = src.chunks[column]
    if hi - lo < 4 * size:  # small enough for one perfect-hash aggregate: slicing would only add overhead
        return wide_counts(marks, keys, src, detail)
    parts = [
        wide_counts(marks.filter(marks[column].between(a, min(a + size - 1, hi))), keys, src, detail)
        for a in range(lo, hi + 1, size)
    ]
    return ibis.union(*parts, distinct=False)


def rollup_counts(t: ibis.Table, src: Source) -> dict[str, ibis.Expr]:
    """Aggregations that sum the count columns of `count_sets` over a group."""
    return {name: t[name].sum().cast("int64") for name in count_sets(src, detail=True) if name in t.columns}


def with_measures(t: ibis.Table, src: Source) -> ibis.Table:
    """Add the DfE count and rate columns to a table that has the count columns of `count_sets`."""
    column_of = {(spec.code,): src.columns[i] for i, spec in src.codes.items()}
    codes = {spec.code: spec for spec in src.codes.values()}
    by_ids = {tuple(ids): name for name, ids in count_sets(src).items()}
    code_id = {spec.code: i for i, spec in src.codes.items()}

    def count(cs: tuple[str, ...]):
        if not cs:
            return ibis.literal(0, "int64")
        if cs in column_of:
            return t[column_of[cs]]
        return t[by_ids[tuple(sorted(code_id[c] for c in cs))]]

    def rate(numerator, possible):
        return ibis.ifelse(possible > 0, numerator.cast("float64") / possible.cast("float64") * 100, None)

    derived = derive_measures(count, codes, rate, reasons=False)
    return t.mutate(**{name: derived[name] for name in (*COUNT_COLUMNS, *RATE_COLUMNS)})


def enrolment_measures(
    src: Source,
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str | Cohort = DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
    detail: bool = False,
) -> ibis.Table:
    """One row per enrolment with possible sessions in the range: every DfE measure, PA/SA flags, time missed.

    PA: overall absence >= 10% of the enrolment's own possible sessions; SA: >= 50% (integer comparisons, so
    17 of 170 is persistent absence and 16 is not). Days missed = absence sessions / 2; hours missed = days x the
    school's day length. Enrolments with no possible sessions are left out, as DfE does.
    """
    c = cohort_of(cohort)
    m = select_marks(src, start=start, end=end, cohort=c, schools=schools)
    t = with_measures(chunked_counts(m, ["enrolment_id"], src, detail), src)
    t = t.filter(t.possible_sessions > 0)
    t = t.mutate(
        persistent_absence=t.overall_absence * 10 >= t.possible_sessions,
        severe_absence=t.overall_absence * 2 >= t.possible_sessions,
        days_missed=t.overall_absence.cast("float64") / 2,
    )
    e = src.enrolments
    if "birth_day" in e.columns:
        # Age is on every mark already: the date of birth stays out of pupil-level outputs (data minimisation).
        e = e.drop("birth_day")
    t = t.join(e, "enrolment_id")
    return t.mutate(hours_missed=t.days_missed * t.school_day_hours, cohort=ibis.literal(c.name))


def group_measures(enrolments: ibis.Table, by: Sequence[str], src: Source) -> ibis.Table:
    """Pooled measures per group of enrolments (rates are sums of counts over sums of possible sessions).

    PA and SA rates are enrolments flagged / enrolments x 100, as DfE publishes them.
    """
    by = list(by)
    t = enrolments
    g = t.group_by(by).aggregate(
        enrolments=t.count(),
        pupils=t.pupil_id.nunique(),
        persistent_absence_enrolments=t.persistent_absence.cast("int64").sum(),
        severe_absence_enrolments=t.severe_absence.cast("int64").sum(),
        days_missed=t.days_missed.sum(),
        hours_missed=t.hours_missed.sum(),
        cohort=t.cohort.max(),
        **rollup_counts(t, src),
    )
    g = with_measures(g, src)
    return g.mutate(
        pa_perc=g.persistent_absence_enrolments.cast("float64") / g.enrolments * 100,
        sa_perc=g.severe_absence_enrolments.cast("float64") / g.enrolments * 100,
    )


def daily_measures(
    src: Source,
    *,
    by: Sequence[str] = ("school_id",),
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str | Cohort = DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> ibis.Table:
    """One row per group x school day with per-code counts and measures. `by` may name enrolment fields.

    Grouped by school only and for a standard cohort, this reads the store's daily table (marks counted per
    school, day, code and cohort age band when the store was built) when there is one: same numbers, a
    fraction of the rows. Otherwise it scans the marks.
    """
    if src.daily is not None and set(by) <= {"school_id"} and cohort_of(cohort) in COHORTS.values():
        d = _restrict(src.daily, start=start, end=end, cohort=cohort, schools=schools)
        return with_measures(wide_counts(d, [*by, "day"], src), src)
    m = select_marks(src, start=start, end=end, cohort=cohort, schools=schools)
    extra = [k for k in by if k not in m.columns]
    if extra:
        m = m.join(src.enrolments.select("enrolment_id", *extra), "enrolment_id")
    return with_measures(chunked_counts(m, [*by, "day"], src), src)


def weekday_of(day):
    """ISO weekday, 1 = Monday (1970-01-01 was a Thursday)."""
    return (day + 3) % 7 + 1


def week_start_of(day):
    """Day number of the Monday that starts the day's week."""
    return day - (day + 3) % 7


def month_of(day):
    """Calendar month as YYYYMM from a day number: integer civil-from-days (H. Hinnant), so it runs anywhere."""
    z = day + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = ibis.ifelse(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + ibis.ifelse(month <= 2, 1, 0)
    return year * 100 + month


PERIODS = {"weekday": weekday_of, "week": week_start_of, "month": month_of}


def period_measures(daily: ibis.Table, by: Sequence[str], period: str, src: Source) -> ibis.Table:
    """Roll daily rows up to `by` x period ("weekday", "week" (Monday's day number) or "month" (YYYYMM))."""
    try:
        key = PERIODS[period](daily.day)
    except KeyError:
        raise ValueError(f"Unknown period {period!r}: choose from {', '.join(PERIODS)}") from None
    t = daily.mutate(**{period: key})
    g = t.group_by([*by, period]).aggregate(school_days=t.day.nunique(), **rollup_counts(t, src))
    return with_measures(g, src)


def absence_spells(
    src: Source,
    *,
    start: dt.date | int | None = None,
    end: dt.date | int | None = None,
    cohort: str | Cohort = DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> ibis.Table:
    """Per enrolment: number of absence spells and the longest, in sessions.

    A spell is a run of consecutive possible sessions all marked absent; sessions that are not possible
    (weekends have no marks; D, X, Y, # marks) neither break nor extend a spell.
    """
    m = select_marks(src, start=start, end=end, cohort=cohort, schools=schools)
    m = m.filter(~m.code_id.isin(_code_ids(src, NOT_POSSIBLE)))
    m = m.mutate(
        seq=ibis.row_number().over(group_by=m.enrolment_id, order_by=[m.day, m.session]),
        absent=m.code_id.isin(_code_ids(src, AUTHORISED, UNAUTHORISED)),
    )
    a = m.filter(m.absent)
    a = a.mutate(spell=a.seq - ibis.row_number().over(group_by=a.enrolment_id, order_by=[a.day, a.session]))
    spells = a.group_by(["enrolment_id", "spell"]).aggregate(length=a.count())
    return spells.group_by("enrolment_id").aggregate(
        absence_spells=spells.count(), longest_spell_sessions=spells.length.max()
    )


def recent_unauthorised(
    src: Source,
    *,
    as_of: dt.date | int,
    weeks: int = 10,
    cohort: str | Cohort = DEFAULT_COHORT,
    schools: Sequence[int] | None = None,
) -> ibis.Table:
    """Per enrolment: unauthorised sessions (G, N, O, U) in the school's last `weeks` school weeks to `as_of`.

    A school week is any week in which the school had at least one possible session (the penalty notice
    framework's definition, domain.md 3.1); weeks are counted per school.
    """
    m = select_marks(src, end=as_of, cohort=cohort, schools=schools)
    m = m.mutate(week=week_start_of(m.day))
    possible = m.filter(~m.code_id.isin(_code_ids(src, NOT_POSSIBLE)))
    school_weeks = possible.select("school_id", "week").distinct()
    ranked = school_weeks.mutate(
        rank=ibis.row_number().over(group_by=school_weeks.school_id, order_by=school_weeks.week.desc())
    )
    cut = ranked.filter(ranked["rank"] < weeks).group_by("school_id").aggregate(from_week=ranked.week.min())
    u = m.filter(m.code_id.isin(_code_ids(src, UNAUTHORISED))).join(cut, "school_id")
    u = u.filter(u.week >= u.from_week)
    return u.group_by("enrolment_id").aggregate(unauthorised_recent_weeks=u.count())
