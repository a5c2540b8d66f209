"""What works: attendance before vs after each kind of support, beside a matched comparison group.

An *episode* is one intervention for one pupil with a start date (a support plan, a held meeting of one type, a
part-time timetable, and a referral of one type once referrals exist). Each kind comes from one function in
`INTERVENTIONS`: a new kind is one more line there.

For every episode, as `attend/casework/impact.py` does for one plan, the after window runs from the start date to
the as-of date and the before window is the same number of calendar days ending the day before the start. Here
the figures for every episode (and every possible comparison pupil) come from a few set-based DuckDB queries over
the statistics store (attend/stats/store.py): marks are summed per pupil and day, turned into running totals, and
each window is the difference of two running totals (an as-of join), never a Python loop over marks.

Matched comparison: at the episode's start date, pupils on roll at a school in scope with the same school phase,
NC year group, FSM and SEN status (as recorded now: the app keeps no history of those) and the same prior
attendance band (the before window) who never had that intervention. Exact matching, with replacement: an
episode's comparison change is the mean change of all its matches; an episode with no match is left out. The
estimate is the mean over matched episodes of (the pupil's change - their comparison group's change), with a 95%
confidence interval by normal approximation (mean +/- 1.96 standard errors of those differences). Nothing is
shown for a group of fewer than `MIN_GROUP` matched episodes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from attend.casework.impact import REGRESSION_NOTE
from attend.casework.models import Case, Meeting, PartTimeTimetable, SupportPlan
from attend.casework.models.cases import Stage
from attend.casework.models.plans import Barrier

MIN_GROUP = 10
Z95 = 1.96
EPOCH = dt.date(1970, 1, 1)

# Prior attendance bands (attendance % in the before window), on the DfE thresholds: severe absence is missing
# 50% or more (attendance <= 50), persistent absence 10% or more (attendance <= 90).
BANDS = [
    (50, "50% or less"),
    (80, "over 50% up to 80%"),
    (90, "over 80% up to 90%"),
    (95, "over 90% up to 95%"),
    (101, "over 95%"),
]

CAN_AND_CANNOT = [
    "This is not a randomised trial. Pupils were not given support at random, so the comparison cannot prove "
    "that the support caused the change.",
    "The comparison pupils are alike only in what Attend records: school phase, year group, prior attendance "
    "band, free school meals and SEN status. They may differ in things it does not record (why attendance "
    "fell, family circumstances, other help they get), and those differences can show up as a difference here.",
    REGRESSION_NOTE
    + " That is why each pupil is compared with similar pupils whose attendance was just as low before: their "
    "change shows how much of the improvement would probably have happened anyway.",
    "What it can show: whether pupils who had the support improved more or less than similar pupils who did "
    "not, over the same weeks, and how sure we can be of that from the numbers (the confidence interval).",
]


@dataclass(frozen=True)
class Episode:
    key: str  # intervention key, e.g. "plan", "meeting:parent"
    label: str
    pupil_id: int
    started_on: dt.date
    case_id: int | None = None


def _plans(la_ids: list[int]) -> Iterable[Episode]:
    rows = SupportPlan.objects.filter(
        case__local_authority_id__in=la_ids, case__pupil__isnull=False
    ).values_list("case_id", "case__pupil_id", "started_on")
    for case_id, pupil_id, started in rows:
        yield Episode("plan", "Support plan", pupil_id, started, case_id)


def _meetings(la_ids: list[int]) -> Iterable[Episode]:
    labels = dict(Meeting.Purpose.choices)
    rows = Meeting.objects.filter(
        case__local_authority_id__in=la_ids, case__pupil__isnull=False, status=Meeting.Status.HELD
    ).values_list("case_id", "case__pupil_id", "starts_at", "purpose")
    for case_id, pupil_id, starts_at, purpose in rows:
        yield Episode(
            f"meeting:{purpose}", f"Meeting: {labels[purpose]}", pupil_id, starts_at.date(), case_id
        )


def _timetables(la_ids: list[int]) -> Iterable[Episode]:
    rows = PartTimeTimetable.objects.filter(school__local_authority_id__in=la_ids).values_list(
        "pupil_id", "start"
    )
    for pupil_id, start in rows:
        yield Episode("part_time", "Part-time timetable", pupil_id, start)


# One line per kind of intervention. Referrals (attend/partnership/models_referrals.py) add theirs here, e.g.
# `_referrals` yielding Episode(f"referral:{service_kind}", f"Referral: {label}", pupil_id, sent_on, case_id).
INTERVENTIONS: list[Callable[[list[int]], Iterable[Episode]]] = [_plans, _meetings, _timetables]


def episodes(la_ids: list[int], as_of: dt.date) -> list[Episode]:
    """Every episode in these LAs that started on or before `as_of`."""
    found = [e for source in INTERVENTIONS for e in source(la_ids) if e.started_on <= as_of]
    return sorted(found, key=lambda e: (e.key, e.started_on, e.pupil_id))


@dataclass
class Group:
    dimension: str  # "intervention", "stage", "barrier"
    label: str
    episodes: int = 0
    matched: int = 0
    comparison_matches: int = 0
    treated_before: float | None = None
    treated_after: float | None = None
    treated_change: float | None = None
    comparison_change: float | None = None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    shown: bool = False
    _rows: list = field(default_factory=list, repr=False)

    @property
    def verdict(self) -> str:
        if not self.shown:
            return f"Too few matched pupils to show (fewer than {MIN_GROUP})"
        if self.ci_low > 0:
            return "Improved more than the comparison group"
        if self.ci_high < 0:
            return "Improved less than the comparison group"
        return "No clear difference from the comparison group"


def _band_sql(col: str) -> str:
    parts = " ".join(f"when {col} <= {edge} then {i}" for i, (edge, _) in enumerate(BANDS))
    return f"case {parts} end"


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def episode_figures(con, eps: list[Episode], school_ids: list[int], as_of: dt.date) -> list[dict]:
    """Per episode: the pupil's attendance before and after, the number of matched comparison pupils and their
    mean change. Set-based: a handful of DuckDB statements whatever the number of pupils."""
    if not eps:
        return []
    as_of_day = _day(as_of)
    keys = sorted({e.key for e in eps})
    table = pa.table(
        {
            "ep_id": pa.array(range(len(eps)), pa.int32()),
            "key_id": pa.array([keys.index(e.key) for e in eps], pa.int16()),
            "pupil_id": pa.array([e.pupil_id for e in eps], pa.int64()),
            "start_day": pa.array([_day(e.started_on) for e in eps], pa.int32()),
        }
    )
    schools = pa.table({"school_id": pa.array(school_ids, pa.int32())})
    con.register("ww_eps_in", table)
    con.register("ww_schools_in", schools)
    try:
        return _run(con, as_of_day)
    finally:
        con.unregister("ww_eps_in")
        con.unregister("ww_schools_in")


def _run(con, as_of_day: int) -> list[dict]:
    x = con.execute
    x(f"""create or replace temp table ww_eps as
          select *, start_day - ({as_of_day} - start_day + 1) as before_day from ww_eps_in""")
    lo = x("select min(before_day) from ww_eps").fetchone()[0]
    # Sessions per pupil and day (possible, attended), then running totals per pupil.
    x(f"""create or replace temp table ww_cum as
          with pd as (
            select e.pupil_id, m.day,
                   sum(case when c.category <> 'not_possible' then 1 else 0 end) as possible,
                   sum(case when c.category in ('present', 'approved_educational_activity') then 1 else 0 end)
                     as attended
            from marks m join enrolments e using (enrolment_id) join codes c using (code_id)
            where m.day between {lo} and {as_of_day} and m.school_id in (select school_id from ww_schools_in)
            group by all
          )
          select pupil_id, day,
                 sum(possible) over w as cp, sum(attended) over w as ca
          from pd window w as (partition by pupil_id order by day)""")
    # Who was on roll at each start date, with the characteristics matched on.
    x("""create or replace temp table ww_roll as
          select s.start_day, s.before_day, e.pupil_id, e.phase, e.nc_year, e.fsm, e.sen_status
          from (select distinct start_day, before_day from ww_eps) s
          join enrolments e on e.admission_day <= s.start_day
               and (e.leaving_day is null or e.leaving_day >= s.start_day)
          where e.school_id in (select school_id from ww_schools_in) and e.registration <> 'subsidiary'
          qualify row_number() over (partition by s.start_day, e.pupil_id order by e.enrolment_id) = 1""")
    # Only pupils in a cell some episode falls in need windows.
    x("""create or replace temp table ww_cand as
         select r.* from ww_roll r
         semi join (select distinct r2.start_day, r2.phase, r2.nc_year, r2.fsm, r2.sen_status
                    from ww_eps t join ww_roll r2 using (start_day, pupil_id)) c
           on r.start_day = c.start_day and r.phase = c.phase and r.nc_year is not distinct from c.nc_year
              and r.fsm = c.fsm and r.sen_status = c.sen_status""")
    x(f"""create or replace temp table ww_pts as
          select start_day, pupil_id, 0 as which, {as_of_day} as point from ww_cand
          union all select start_day, pupil_id, 1, start_day - 1 from ww_cand
          union all select start_day, pupil_id, 2, before_day - 1 from ww_cand""")
    x(f"""create or replace temp table ww_win as
          with v as (
            select p.start_day, p.pupil_id,
                   sum(case when which = 0 then coalesce(c.cp, 0) end) as p0,
                   sum(case when which = 1 then coalesce(c.cp, 0) end) as p1,
                   sum(case when which = 2 then coalesce(c.cp, 0) end) as p2,
                   sum(case when which = 0 then coalesce(c.ca, 0) end) as a0,
                   sum(case when which = 1 then coalesce(c.ca, 0) end) as a1,
                   sum(case when which = 2 then coalesce(c.ca, 0) end) as a2
            from ww_pts p asof left join ww_cum c on p.pupil_id = c.pupil_id and p.point >= c.day
            group by all
          ), w as (
            select start_day, pupil_id, 100.0 * (a1 - a2) / (p1 - p2) as before_perc,
                   100.0 * (a0 - a1) / (p0 - p1) as after_perc
            from v where p1 - p2 > 0 and p0 - p1 > 0
          )
          select w.*, after_perc - before_perc as change, {_band_sql("before_perc")} as band,
                 r.phase, r.nc_year, r.fsm, r.sen_status
          from w join ww_cand r using (start_day, pupil_id)""")
    rows = x("""
        with t as (select e.ep_id, e.key_id, w.* from ww_eps e join ww_win w using (start_day, pupil_id)),
        excluded as (select distinct key_id, pupil_id from ww_eps)
        select t.ep_id, any_value(t.before_perc), any_value(t.after_perc), any_value(t.change),
               count(c.pupil_id), avg(c.change)
        from t left join ww_win c
          on c.start_day = t.start_day and c.phase = t.phase and c.nc_year is not distinct from t.nc_year
             and c.fsm = t.fsm and c.sen_status = t.sen_status and c.band = t.band and c.pupil_id <> t.pupil_id
             and not exists (select 1 from excluded x where x.key_id = t.key_id and x.pupil_id = c.pupil_id)
        group by t.ep_id order by t.ep_id""").fetchall()
    for name in ("ww_eps", "ww_cum", "ww_roll", "ww_cand", "ww_pts", "ww_win"):
        x(f"drop table if exists {name}")
    return [
        {
            "ep_id": r[0],
            "before": r[1],
            "after": r[2],
            "change": r[3],
            "n_comparison": r[4],
            "comparison": r[5],
        }
        for r in rows
    ]


def _summarise(group: Group) -> Group:
    rows = group._rows
    group.episodes = len(rows)
    matched = [r for r in rows if r["n_comparison"]]
    group.matched = len(matched)
    group.comparison_matches = sum(r["n_comparison"] for r in matched)
    if group.matched < MIN_GROUP:
        return group
    n = len(matched)
    diffs = [r["change"] - r["comparison"] for r in matched]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = Z95 * sd / math.sqrt(n)
    group.treated_before = sum(r["before"] for r in matched) / n
    group.treated_after = sum(r["after"] for r in matched) / n
    group.treated_change = sum(r["change"] for r in matched) / n
    group.comparison_change = sum(r["comparison"] for r in matched) / n
    group.difference, group.ci_low, group.ci_high = mean, mean - half, mean + half
    group.shown = True
    return group


def _case_facts(case_ids: set[int], pupil_ids: set[int]) -> tuple[dict, dict, dict]:
    """Stage and barrier kinds per case, and each pupil's latest case (for episodes with no case)."""
    stages, latest = {}, {}
    for cid, pid, stage in (
        Case.objects.filter(pupil_id__in=pupil_ids)
        .order_by("opened_at", "id")
        .values_list("id", "pupil_id", "stage")
    ):
        stages[cid] = stage
        latest[pid] = cid
    barriers = defaultdict(set)
    for cid, kind in Barrier.objects.filter(
        assessment__case_id__in=case_ids | set(latest.values())
    ).values_list("assessment__case_id", "kind"):
        barriers[cid].add(kind)
    return stages, barriers, latest


@dataclass
class Report:
    as_of: dt.date
    groups: list[Group]
    cases_by_stage: list[tuple[str, int]]
    pupils_in_scope: int = 0

    def by(self, dimension: str) -> list[Group]:
        return [g for g in self.groups if g.dimension == dimension]


def build(con, la_ids: list[int], school_ids: list[int], as_of: dt.date) -> Report:
    eps = episodes(la_ids, as_of)
    figures = {f["ep_id"]: f for f in episode_figures(con, eps, school_ids, as_of)}
    stages, barriers, latest = _case_facts({e.case_id for e in eps if e.case_id}, {e.pupil_id for e in eps})
    stage_labels, barrier_labels = dict(Stage.choices), dict(Barrier.Kind.choices)
    groups: dict[tuple[str, str], Group] = {}

    def add(dimension: str, label: str, row: dict) -> None:
        groups.setdefault((dimension, label), Group(dimension, label))._rows.append(row)

    for i, e in enumerate(eps):
        row = figures.get(i)
        if row is None:  # no sessions in one of the windows, or not on roll in scope at the start
            continue
        case_id = e.case_id or latest.get(e.pupil_id)
        add("intervention", e.label, row)
        if case_id in stages:
            add("stage", stage_labels[stages[case_id]], row)
        for kind in sorted(barriers.get(case_id, ())):
            add("barrier", barrier_labels[kind], row)
    order = {"intervention": 0, "stage": 1, "barrier": 2}
    stage_rank = {label: i for i, label in enumerate(stage_labels.values())}
    ordered = sorted(groups.values(), key=lambda g: (order[g.dimension], stage_rank.get(g.label, 0), g.label))
    counts = defaultdict(int)
    for stage in Case.objects.filter(local_authority_id__in=la_ids, status=Case.Status.OPEN).values_list(
        "stage", flat=True
    ):
        counts[stage] += 1
    by_stage = [(label, counts[value]) for value, label in Stage.choices]
    return Report(as_of=as_of, groups=[_summarise(g) for g in ordered], cases_by_stage=by_stage)


def report_for(la_ids: list[int], school_ids: list[int], as_of: dt.date) -> Report:
    """The report on the statistics store (refreshed first when the database has moved on)."""
    from attend.stats import store

    with store.source() as src:
        return build(src.con.con, la_ids, school_ids, as_of)
