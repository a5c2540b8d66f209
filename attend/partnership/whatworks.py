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

import numpy as np
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


def _referrals(la_ids: list[int]) -> Iterable[Episode]:
    """A referral the service accepted, by the kind of service: a declined referral is no intervention."""
    from attend.directory.models import Service

    from .models_referrals import Referral

    labels = dict(Service.Kind.choices)
    rows = (
        Referral.objects.filter(
            case__local_authority_id__in=la_ids,
            case__pupil__isnull=False,
            updates__status=Referral.Status.ACCEPTED,  # accepted, now or before it closed
        )
        .distinct()
        .values_list("case_id", "case__pupil_id", "sent_on", "service__kind")
    )
    for case_id, pupil_id, sent_on, kind in rows:
        yield Episode(f"referral:{kind}", f"Referral: {labels.get(kind, kind)}", pupil_id, sent_on, case_id)


# One line per kind of intervention.
INTERVENTIONS: list[Callable[[list[int]], Iterable[Episode]]] = [_plans, _meetings, _timetables, _referrals]


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


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _breakpoints(eps: list[Episode], as_of: dt.date) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """The days whose running totals the windows need (sorted), and per start day the indexes of the day before
    the start and the day before the before window. The as-of day is always the last point."""
    as_of_day = _day(as_of)
    starts = {}
    for start in {_day(e.started_on) for e in eps}:
        before = start - (as_of_day - start + 1)
        starts[start] = (start - 1, before - 1)
    points = sorted({as_of_day} | {p for pair in starts.values() for p in pair})
    index = {p: i for i, p in enumerate(points)}
    return points, {s: (index[a], index[b]) for s, (a, b) in starts.items()}


def episode_figures(con, eps: list[Episode], school_ids: list[int], as_of: dt.date) -> list[dict]:
    """Per episode: the pupil's attendance before and after, the number of matched comparison pupils and their
    mean change. Set-based: a handful of DuckDB statements whatever the number of pupils."""
    if not eps:
        return []
    points, starts = _breakpoints(eps, as_of)
    keys = sorted({e.key for e in eps})
    tables = {
        "ww_eps_in": pa.table(
            {
                "ep_id": pa.array(range(len(eps)), pa.int32()),
                "key_id": pa.array([keys.index(e.key) for e in eps], pa.int16()),
                "pupil_id": pa.array([e.pupil_id for e in eps], pa.int64()),
                "start_day": pa.array([_day(e.started_on) for e in eps], pa.int32()),
            }
        ),
        "ww_starts_in": pa.table(
            {
                "start_day": pa.array(list(starts), pa.int32()),
                "ks": pa.array([k for k, _ in starts.values()], pa.int32()),
                "kb": pa.array([k for _, k in starts.values()], pa.int32()),
            }
        ),
        "ww_schools_in": pa.table({"school_id": pa.array(school_ids, pa.int32())}),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        return _run(con, points)
    finally:
        for name in tables:
            con.unregister(name)


def _code_ids(con, categories: tuple[str, ...]) -> str:
    rows = con.execute(
        f"select code_id from codes where category in ({', '.join('?' * len(categories))})", list(categories)
    ).fetchall()
    return ", ".join(str(r[0]) for r in rows) or "-1"


CELL = ("phase", "nc_year", "fsm", "sen_status")


def _running_totals(con, points: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted pupil ids, and their running totals of possible and attended sessions at each breakpoint
    (arrays pupils x breakpoints). Marks are read as columns once and counted with NumPy's bincount: each day
    goes to the first breakpoint on or after it, so the total at breakpoint k is the sum of buckets 0..k."""
    possible = _code_ids(con, ("present", "approved_educational_activity", "authorised_absence",
                               "unauthorised_absence"))  # fmt: skip
    attended = _code_ids(con, ("present", "approved_educational_activity"))
    marks = con.execute(
        f"""select enrolment_id, day, code_id from marks
            where day > {points[0]} and day <= {points[-1]} and code_id in ({possible})
              and school_id in (select school_id from ww_schools_in)"""
    ).fetchnumpy()
    enrol = con.execute("select enrolment_id, pupil_id from enrolments").fetchnumpy()
    pupils, pupil_index = np.unique(enrol["pupil_id"], return_inverse=True)
    by_enrolment = np.zeros(int(enrol["enrolment_id"].max(initial=0)) + 1, dtype=np.int64)
    by_enrolment[enrol["enrolment_id"]] = pupil_index
    attended_ids = np.array([int(i) for i in attended.split(", ")], dtype=np.int16)
    n_points = len(points)
    slot = by_enrolment[marks["enrolment_id"]] * n_points + np.searchsorted(points, marks["day"], side="left")
    size = len(pupils) * n_points
    cp = np.bincount(slot, minlength=size).reshape(len(pupils), n_points).cumsum(axis=1)
    is_attended = np.isin(marks["code_id"], attended_ids)
    ca = np.bincount(slot[is_attended], minlength=size).reshape(len(pupils), n_points).cumsum(axis=1)
    return pupils, cp, ca


def _windows(con, points: list[int]) -> None:
    """ww_win: before and after attendance for every (start day, pupil) in a cell some episode falls in."""
    pupils, cp, ca = _running_totals(con, points)
    r = con.execute("select start_day, pupil_id, ks, kb from ww_r").fetchnumpy()
    i = np.searchsorted(pupils, r["pupil_id"])
    i[i >= len(pupils)] = 0
    known = pupils[i] == r["pupil_id"]
    last, ks, kb = len(points) - 1, r["ks"], r["kb"]
    bp, ba = cp[i, ks] - cp[i, kb], ca[i, ks] - ca[i, kb]
    ap, aa = cp[i, last] - cp[i, ks], ca[i, last] - ca[i, ks]
    keep = known & (bp > 0) & (ap > 0)
    before = 100.0 * ba[keep] / bp[keep]
    after = 100.0 * aa[keep] / ap[keep]
    edges = np.array([edge for edge, _ in BANDS[:-1]], dtype=float)
    win = pa.table(
        {
            "start_day": r["start_day"][keep],
            "pupil_id": r["pupil_id"][keep],
            "before_perc": before,
            "after_perc": after,
            "change": after - before,
            "band": np.searchsorted(edges, before, side="left").astype(np.int8),
        }
    )
    con.register("ww_win_in", win)
    try:
        con.execute(
            "create or replace temp table ww_win as select r.*, w.before_perc, w.after_perc, w.change, w.band "
            "from ww_r r join ww_win_in w using (start_day, pupil_id)"
        )
    finally:
        con.unregister("ww_win_in")


def _run(con, points: list[int]) -> list[dict]:
    x = con.execute
    on_roll = """e.admission_day <= s.start_day and (e.leaving_day is null or e.leaving_day >= s.start_day)
                 and e.registration <> 'subsidiary' and e.school_id in (select school_id from ww_schools_in)"""
    same_cell = " and ".join(f"e.{c} is not distinct from c.{c}" for c in CELL)
    # The cells (start day x phase x year x FSM x SEN) that episodes fall in, then every pupil on roll in one.
    x(f"""create or replace temp table ww_cells as
          select distinct s.start_day, s.ks, s.kb, {", ".join("e." + c for c in CELL)}
          from ww_eps_in t join ww_starts_in s using (start_day) join enrolments e using (pupil_id)
          where {on_roll}""")
    x(f"""create or replace temp table ww_r as
          select c.start_day, c.ks, c.kb, e.pupil_id, {", ".join("any_value(e." + c + ") as " + c for c in CELL)}
          from ww_cells c join enrolments e on {same_cell}
          join ww_starts_in s on s.start_day = c.start_day
          where {on_roll}
          group by c.start_day, c.ks, c.kb, e.pupil_id""")
    _windows(con, points)
    same = " and ".join(f"c.{col} is not distinct from t.{col}" for col in (*CELL, "start_day", "band"))
    rows = x(f"""
        with t as (select e.ep_id, e.key_id, w.* from ww_eps_in e join ww_win w using (start_day, pupil_id)),
        m as (
          select t.ep_id, t.key_id, c.pupil_id, c.change from t join ww_win c on {same} and c.pupil_id <> t.pupil_id
        ), kept as (
          select m.* from m anti join (select distinct key_id, pupil_id from ww_eps_in) x using (key_id, pupil_id)
        )
        select t.ep_id, any_value(t.before_perc), any_value(t.after_perc), any_value(t.change),
               count(k.pupil_id), avg(k.change)
        from t left join kept k using (ep_id)
        group by t.ep_id order by t.ep_id""").fetchall()
    for name in ("ww_cells", "ww_r", "ww_win"):
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
