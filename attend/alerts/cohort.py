"""Rule 10, `cohort`: a group at a school (a year group, pupils eligible for free school meals, SEN support, EHC
plans) whose absence is worsening against the same group in the LA's other schools of the same phase.

Figures come from the statistics API (attend.stats.queries.group_absence: DfE definitions, compulsory school age,
pooled rates), never from loops over marks: two queries per evaluation, grouped by school, phase and the group
fields, then summed here. England's year-to-date figure for the phase (attend.stats.benchmarks, DfE "Pupil attendance
in schools") is quoted in the reason as the national context; DfE publishes no weekly figures by these groups.

A hit needs, in the last 4 weeks: at least 10 enrolments in the group, an absence rate at least 3 percentage points
above the comparator, and a gap at least 2 points wider than in the weeks before (the year to date before them).
The alert is school-level (no pupil), keyed by the group, e.g. "nc_year:9".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .rules import DEFAULTS, RuleHit
from .wording import percent, short_date

log = logging.getLogger(__name__)

FIELDS = ("nc_year", "fsm", "sen_status")
SEN = {"K": "pupils on SEN support", "E": "pupils with an EHC plan"}


def label(field: str, value: Any) -> str | None:
    """The group in words, or None for groups the rule does not watch (not FSM, no SEN)."""
    if field == "nc_year":
        return "Reception" if str(value) == "R" else f"Year {value}"
    if field == "fsm":
        return "Pupils eligible for free school meals" if bool(value) else None
    if field == "sen_status":
        text = SEN.get(str(value))
        return text[0].upper() + text[1:] if text else None
    return None


def _sums(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = ["overall_absence", "possible_sessions", "enrolments"]
    return df.astype({c: float for c in columns}).groupby(keys, dropna=False)[columns].sum()


def _gap(school_row, la_row) -> tuple[float, float] | None:
    """(the school group's absence rate, the same group's rate in the LA's other schools)."""
    others_possible = la_row.possible_sessions - school_row.possible_sessions
    if others_possible <= 0 or not school_row.possible_sessions:
        return None
    rate = school_row.overall_absence * 100 / school_row.possible_sessions
    others = (la_row.overall_absence - school_row.overall_absence) * 100 / others_possible
    return rate, others


def _wide_gaps(recent: pd.DataFrame, wanted: set[int], settings: Mapping[int, Mapping[str, Any]]):
    """Each watched group of the wanted schools whose recent gap is at least gap_pp: (field, school_id, phase,
    value, its row, its name, its settings, rate, comparator rate)."""
    for field in FIELDS:
        now = _sums(recent, ["school_id", "phase", field])
        now_la = _sums(recent, ["phase", field])
        for (school_id, phase, value), row in now.iterrows():
            if school_id not in wanted:
                continue
            name = label(field, value)
            if name is None:
                continue
            s = {**DEFAULTS["cohort"], **settings.get(school_id, {})}
            if row.enrolments < s["min_enrolments"] or not row.possible_sessions:
                continue
            current = _gap(row, now_la.loc[(phase, value)])
            if current is None or current[0] - current[1] < s["gap_pp"]:
                continue
            yield field, school_id, phase, value, row, name, s, *current


def compare_groups(
    recent: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    school_ids: Iterable[int],
    settings: Mapping[int, Mapping[str, Any]] | None = None,
    recent_from: dt.date,
    earlier_from: dt.date,
    england: Mapping[str, float] | None = None,
) -> dict[int, list[RuleHit]]:
    """Cohort hits per school from two group_measures frames (rows per school_id, phase and FIELDS; columns
    overall_absence, possible_sessions, enrolments). Comparator: the same phase and group in the other schools."""
    hits: dict[int, list[RuleHit]] = defaultdict(list)
    before = {field: _sums(earlier, ["school_id", "phase", field]) for field in FIELDS}
    before_la = {field: _sums(earlier, ["phase", field]) for field in FIELDS}
    for field, school_id, phase, value, row, name, s, rate, others in _wide_gaps(
        recent, set(school_ids), settings or {}
    ):
        gap_now = rate - others
        previous = None
        if (school_id, phase, value) in before[field].index and (phase, value) in before_la[field].index:
            previous = _gap(
                before[field].loc[(school_id, phase, value)], before_la[field].loc[(phase, value)]
            )
        gap_before = previous[0] - previous[1] if previous else 0.0
        if gap_now - gap_before < s["widen_pp"]:
            continue
        reason = (
            f"{name} ({int(row.enrolments)} enrolments): absent {percent(rate)} of sessions since "
            f"{short_date(recent_from)}, against {percent(others)} for the same group in the LA's other "
            f"{phase.replace('_', '/')} schools: {round(gap_now, 1):g} percentage points higher"
        )
        if previous:
            reason += (
                f", up from {round(gap_before, 1):g} points higher from {short_date(earlier_from)} to "
                f"{short_date(recent_from - dt.timedelta(days=1))}"
            )
        reason += "."
        if england and england.get(phase) is not None:
            reason += f" England, {phase.replace('_', '/')} schools, year to date: {percent(england[phase])}."
        reason += " Raise it at the school's targeting support meeting."
        hits[int(school_id)].append(
            RuleHit(
                rule="cohort",
                measure=round(gap_now, 2),
                reason=reason,
                key=f"{field}:{value}"[:20],
                since=recent_from,
                details={
                    "group": field,
                    "value": str(value),
                    "enrolments": int(row.enrolments),
                    "rate": round(rate, 2),
                    "comparator_rate": round(others, 2),
                    "gap_before": round(gap_before, 2),
                },
            )
        )
    return dict(hits)


def cohort_hits(schools, *, as_of: dt.date, settings_by_school=None) -> dict[int, list[RuleHit]] | None:
    """Cohort hits for these schools, compared with the other schools of their local authorities. None if the
    statistics cannot be computed (the evaluation then leaves existing cohort alerts alone)."""
    from attend.schools.models import AcademicYear, School
    from attend.stats import benchmarks, queries

    schools = list(schools)
    if not schools:
        return {}
    recent_weeks = DEFAULTS["cohort"]["recent_weeks"]
    recent_from = as_of - dt.timedelta(weeks=recent_weeks) + dt.timedelta(days=1)
    year_start = dt.date(AcademicYear.start_year_for(as_of), 8, 1)
    if recent_from <= year_start:
        return {}
    las = {s.local_authority_id for s in schools}
    # The comparator is the same phase in the LA's other schools: other phases' marks need not be read.
    phases = {s.phase for s in schools}
    comparators = list(
        School.objects.filter(local_authority_id__in=las, phase__in=phases).values_list("pk", flat=True)
    )
    by = ["school_id", "phase", *FIELDS]
    try:
        recent = queries.group_absence(by, recent_from, as_of, schools=comparators)
        # The weeks before are only needed for a group already 3 points above its comparator now: after a
        # one-school import there is usually none, and the year-to-date query is most of the rule's time.
        if not any(_wide_gaps(recent, {s.pk for s in schools}, settings_by_school or {})):
            return {}
        earlier = queries.group_absence(
            by, year_start, recent_from - dt.timedelta(days=1), schools=comparators
        )
        england = {}
        for phase in {s.phase for s in schools}:
            row = next((c for c in benchmarks.comparators(phase=phase) if c["comparator"] == "england"), None)
            if row and row.get("overall_absence_perc") is not None:
                england[phase] = row["overall_absence_perc"]
    except Exception:  # the statistics store is optional for the rules: log it and carry on without cohorts
        log.exception("cohort rule: statistics unavailable; cohort alerts left as they were")
        return None
    return compare_groups(
        recent,
        earlier,
        school_ids=[s.pk for s in schools],
        settings=settings_by_school,
        recent_from=recent_from,
        earlier_from=year_start,
        england=england,
    )
