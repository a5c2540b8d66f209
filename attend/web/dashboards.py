"""Figures for the school and LA dashboards, from the statistics API (attend.stats.queries) and the DfE
comparators (attend.stats.benchmarks). Callers pass schools already scoped to the user."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from collections import OrderedDict

import pandas as pd
from django.db import connection
from django.db.models import Max

from attend.analytics.reports import SCHOOL_FIELDS
from attend.people.ethnicity import ETHNICITY, ethnicity_label
from attend.people.models import Enrolment, Pupil
from attend.registers.models import ImportRun, Mark
from attend.schools.models import LocalAuthority, School
from attend.stats import benchmarks, store
from attend.stats import queries as q

# Pupil groups on the school dashboard: (group_measures field, heading, how to label each value).
SEX = dict(Pupil.Sex.choices)
SEN = dict(Pupil.SenStatus.choices)
YES_NO = {True: "Yes", False: "No"}
PUPIL_GROUPS = [
    ("fsm", "Free school meals", YES_NO),
    ("sen_status", "Special educational needs", SEN),
    ("sex", "Sex", SEX),
    ("looked_after", "Looked after", YES_NO),
    ("ethnicity", "Ethnicity", ETHNICITY),
]
# Pupil-list filters: query parameter -> (Pupil field, parse).
LIST_FILTERS = {
    "fsm": "fsm",
    "sen_status": "sen_status",
    "sex": "sex",
    "looked_after": "looked_after",
    "ethnicity": "ethnicity",
}


CACHE_SECONDS = 15 * 60


def data_version() -> str:
    """Changes whenever marks, enrolments or an import land: three MAX(id) look-ups on primary keys (cheap, unlike
    counting the marks). The dashboards key their figures on the statistics store's version instead."""
    marks = Mark.objects.aggregate(last=Max("id"))["last"]
    enrolments = Enrolment.objects.aggregate(last=Max("id"))["last"]
    run = ImportRun.objects.aggregate(last=Max("id"))["last"]
    return f"{connection.settings_dict['NAME']}:{marks}:{enrolments}:{run}"


# Guards the memo only: statistics queries run in parallel, each on its own DuckDB cursor (stats.store.source).
_memo_lock = threading.RLock()
# One lock per memo key, so two requests for the same cold figures compute them once.
_key_locks: dict[str, threading.Lock] = {}


# In-process memo (not Django's default cache: its 300-entry limit culls a large LA's three entries per school).
_memo: OrderedDict[str, tuple[float, object]] = OrderedDict()
MEMO_ENTRIES = 3000


def clear_cache() -> None:
    with _memo_lock:
        _memo.clear()
        _key_locks.clear()
        _freshness.clear()


def _memo_get(key: str):
    with _memo_lock:
        hit = _memo.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        _memo.move_to_end(key)
        return hit[1]


# The freshness check costs three aggregate queries (~5 ms at 50,000 pupils); a page asks several times, and
# pages may show figures a little old anyway, so one answer serves the whole process for a couple of seconds.
FRESHNESS_SECONDS = 2.0
_freshness: list = []  # [(expires, store directory, Status)]


def freshness() -> store.Status:
    """The statistics store the pages read: built if there is none; if the database has moved on, served as it
    is while a background task rebuilds it (the page says how old its figures are)."""
    now, where = time.monotonic(), str(store.store_dir())
    if _freshness and _freshness[0][0] > now and _freshness[0][1] == where:
        return _freshness[0][2]
    with store.serving_last_good():
        store.ensure()
    status = store.status()
    _freshness[:] = [(now + FRESHNESS_SECONDS, where, status)]
    return status


def cached(name: str, today: dt.date, compute, *parts):
    """The dashboards keep their figures for a quarter of an hour, keyed on the day and on the statistics store's
    version (a rebuilt store, e.g. after an import, shows at once). Returned values are shared: callers copy
    before changing them. Figures come from the last good store: a request never waits for a rebuild."""
    version = freshness().version
    key = ":".join(str(p) for p in (name, today.isoformat(), version, *parts))
    value = _memo_get(key)
    if value is None:
        with _memo_lock:
            lock = _key_locks.setdefault(key, threading.Lock())
        with lock:
            value = _memo_get(key)
            if value is None:
                with store.serving_last_good():
                    value = compute()
                with _memo_lock:
                    _memo[key] = (time.monotonic() + CACHE_SECONDS, value)
                    while len(_memo) > MEMO_ENTRIES:
                        _memo.popitem(last=False)
                    _key_locks.pop(key, None)
    return value


def clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: clean(v) for k, v in row.items()} for row in df.to_dict("records")]


def comparator_columns(school=None, *, la_code=None, region_name=None, phase=None) -> list[dict]:
    found = benchmarks.comparators(school=school, la_code=la_code, region_name=region_name, phase=phase)
    names = {"local_authority": "LA", "region": "Region", "england": "England"}
    out = []
    for c in found:
        # "England", not "England: England" (issue 23); an LA or region is named.
        name = names[c["comparator"]]
        label = name if c["area_name"] in ("", name) else f"{name}: {c['area_name']}"
        note = ""
        if c.get("stands_in_for"):
            label += " (stand-in)"
            ours = (
                LocalAuthority.objects.filter(code=c["stands_in_for"]).values_list("name", flat=True).first()
            )
            note = (
                f"{ours or 'This local authority'} is fictional and has no DfE figures of its own: the LA column "
                f"shows {c['area_name']}'s published figures instead, as a stand-in."
            )
        out.append({**c, "label": label, "note": note})
    return out


def school_overview(school, today: dt.date) -> dict:
    return cached("school-overview", today, lambda: _school_overview(school, today), school.pk)


# The school columns of a per-school statistics row, as the reports name them.
SCHOOL_KEYS = SCHOOL_FIELDS


def every_school(today: dt.date) -> dict:
    """Per-school figures for every school in the statistics store, computed together and kept per store version.

    Four queries over all schools cost about as much as four queries over one school (the time goes on compiling
    the Ibis expressions, ~0.1 s each, not on scanning), so after a rebuild the first dashboard computes them for
    everyone and every other school's first view is a dictionary look-up. Each school's slice is exactly what the
    single-school call returns (attend/web/tests/test_pages.py checks it). Internal: callers look up only schools
    the user may see."""

    def compute():
        schools = list(School.objects.values_list("pk", "phase"))
        ids = [pk for pk, _ in schools]
        if not ids:
            return {"rows": {}, "trend": {}, "weekday": {}, "enrolments": {}}
        rows = {r["school_id"]: r for r in records(q.school_measures(end=today, schools=ids))}
        trend: dict[int, list[dict]] = {}
        for phase in sorted({p for _, p in schools}):
            df = q.weekly_trend(
                end=today, schools=[pk for pk, p in schools if p == phase], phase=phase, by="school"
            )
            trend.update(_split(df))
        weekday = _split(q.weekday_breakdown(end=today, schools=ids, by="school"))
        enrolments = q.enrolment_measures(end=today, schools=ids, extras=False)
        by_urn = {
            int(urn): g.reset_index(drop=True) for urn, g in enrolments.groupby("school_urn", sort=False)
        }
        empty = enrolments.iloc[0:0].reset_index(drop=True)
        return {"rows": rows, "trend": trend, "weekday": weekday, "enrolments": by_urn, "empty": empty}

    return cached("every-school", today, compute)


def _split(df: pd.DataFrame) -> dict[int, list[dict]]:
    """Rows grouped by school, without the school columns (as a single-school breakdown returns them)."""
    keys = [c for c in SCHOOL_KEYS if c in df.columns]
    out = {}
    for school_id, g in df.groupby("school_id", sort=False):
        out[int(school_id)] = records(g.drop(columns=keys).reset_index(drop=True))
    return out


def school_figures(school, today: dt.date) -> tuple[dict, list[dict]]:
    """The school's own row and weekly trend with England beside it (also used by the pupil page)."""
    every = every_school(today)
    return every["rows"].get(school.pk, {}), every["trend"].get(school.pk, [])


def school_enrolments(school, today: dt.date) -> pd.DataFrame:
    """One row per enrolment (the statistics API's pupil report), shared by the groups and the pupil lists."""
    every = every_school(today)
    return every["enrolments"].get(school.urn, every.get("empty", pd.DataFrame()))


def group_rows(enrolments: pd.DataFrame, by: pd.Series) -> list[dict]:
    """Group measures from the enrolment rows, with DfE's definitions (as attend.analytics.measures): rates are
    summed sessions over summed possible sessions; PA and SA are shares of enrolments."""
    df = enrolments.assign(_group=by.values)
    out = []
    for value, g in df.groupby("_group", dropna=False, sort=True):
        possible = float(g["possible_sessions"].sum())
        attended, absent = float(g["attendance"].sum()), float(g["overall_absence"].sum())
        out.append(
            {
                "value": value,
                "pupils": int(g["upn"].nunique()),
                "enrolments": len(g),
                "attendance_perc": 100 * attended / possible if possible else None,
                "overall_absence_perc": 100 * absent / possible if possible else None,
                "pa_perc": 100 * float(g["persistent_absence"].astype(bool).mean()),
                "sa_perc": 100 * float(g["severe_absence"].astype(bool).mean()),
            }
        )
    return out


def _school_overview(school, today: dt.date) -> dict:
    overall, trend = school_figures(school, today)
    overall = overall or None
    comparators = comparator_columns(school)
    england = next((c for c in comparators if c["comparator"] == "england"), None)
    measures = [
        ("Attendance", "attendance_perc"),
        ("Overall absence", "overall_absence_perc"),
        ("Authorised absence", "authorised_absence_perc"),
        ("Unauthorised absence", "unauthorised_absence_perc"),
        ("Persistent absence (10% or more missed)", "pa_perc"),
        ("Severe absence (50% or more missed)", "sa_perc"),
    ]
    headline = [
        {
            "label": label,
            "school": overall.get(field) if overall else None,
            "comparators": [c.get(field) for c in comparators],
        }
        for label, field in measures
    ]
    weekday = every_school(today)["weekday"].get(school.pk, [])
    enrolments = school_enrolments(school, today)
    years = []
    groups = []
    if len(enrolments):
        years = [
            {**r, "nc_year": r["value"]} for r in group_rows(enrolments, enrolments["nc_year"].astype(str))
        ]
        years.sort(
            key=lambda r: (not r["nc_year"].isdigit(), int(r["nc_year"]) if r["nc_year"].isdigit() else 0)
        )
        fields = [field for field, _, _ in PUPIL_GROUPS]
        attributes = {
            p["upn"]: p
            for p in Pupil.objects.filter(upn__in=enrolments["upn"].tolist()).values("upn", *fields)
        }
        school_absence = overall.get("overall_absence_perc") if overall else None
        for field, heading, labels in PUPIL_GROUPS:
            by = enrolments["upn"].map(lambda upn, f=field: attributes.get(upn, {}).get(f))
            rows = group_rows(enrolments, by.fillna(""))
            for r in rows:
                value = r["value"]
                r["label"] = (
                    ethnicity_label(value)
                    if field == "ethnicity"
                    else (labels or {}).get(value, value or "Not recorded")
                )
                r["value"] = str(value)
                r["gap"] = (
                    r["overall_absence_perc"] - school_absence
                    if school_absence is not None and r["overall_absence_perc"] is not None
                    else None
                )
            groups.append({"field": field, "heading": heading, "rows": rows})
    return {
        "overall": overall,
        "comparators": comparators,
        "england": england,
        "headline": headline,
        "trend": trend,
        "weekday": weekday,
        "years": years,
        "groups": groups,
    }


def pupil_rows(school, today: dt.date, *, which: str, filters: dict[str, str]) -> list[dict]:
    """The school's pupils this year (all, persistently or severely absent), with names and the filters applied."""
    df = school_enrolments(school, today)
    if which == "pa":
        df = df[df["persistent_absence"]]
    elif which == "sa":
        df = df[df["severe_absence"]]
    if filters.get("nc_year"):
        df = df[df["nc_year"].astype(str) == filters["nc_year"]]
    rows = records(df)
    pupils = Pupil.objects.filter(upn__in=[r["upn"] for r in rows])
    for name, field in LIST_FILTERS.items():
        value = filters.get(name)
        if value in (None, ""):
            continue
        if field in ("fsm", "looked_after"):
            pupils = pupils.filter(**{field: value in ("True", "yes", "1")})
        else:
            pupils = pupils.filter(**{field: value})
    by_upn = {p.upn: p for p in pupils}
    out = []
    for r in rows:
        pupil = by_upn.get(r["upn"])
        if pupil is None:
            continue
        r["pupil"] = pupil
        out.append(r)
    out.sort(key=lambda r: (r["attendance_pct"] if r["attendance_pct"] is not None else 101, r["upn"]))
    return out


LA_COLUMNS = [
    ("school_name", "School"),
    ("phase", "Phase"),
    ("pupils", "Pupils"),
    ("attendance_perc", "Attendance"),
    ("overall_absence_perc", "Absence"),
    ("unauthorised_absence_perc", "Unauthorised"),
    ("pa_perc", "Persistent absence"),
    ("sa_perc", "Severe absence"),
    ("gap_england", "Absence vs England"),
]


def _la_figures(schools, today: dt.date, by: str = "la") -> tuple[list[dict], list[dict]]:
    every = every_school(today)["rows"]
    rows = [every[s.pk] for s in sorted(schools, key=lambda s: s.pk) if s.pk in every]
    totals = records(q.group_measures(by, end=today, schools=schools)) if schools else []
    return rows, totals


def la_overview(schools, today: dt.date, *, sort: str, descending: bool, by: str = "la") -> dict:
    """Schools side by side with their totals (per LA, or per trust with by="trust") and DfE benchmarks."""
    ids = hashlib.sha1(",".join(str(s.pk) for s in sorted(schools, key=lambda s: s.pk)).encode()).hexdigest()
    rows, totals = cached(by, today, lambda: _la_figures(schools, today, by), ids)
    rows = [dict(r) for r in rows]
    england = {}
    for phase in {r["phase"] for r in rows} | {"total"}:
        found = benchmarks.comparators(phase=phase)
        match = next((c for c in found if c["comparator"] == "england"), None)
        if match:
            england[phase] = match
    urns = {s.urn: s for s in schools}
    phases = dict(School.Phase.choices)
    for r in rows:
        r["school"] = urns.get(r["school_urn"])
        r["phase_label"] = phases.get(r["phase"], r["phase"])
        e = england.get(r["phase"]) or england.get("total")
        r["england_absence"] = e["overall_absence_perc"] if e else None
        r["gap_england"] = (
            r["overall_absence_perc"] - r["england_absence"]
            if r["england_absence"] is not None and r["overall_absence_perc"] is not None
            else None
        )
    if sort not in dict(LA_COLUMNS):
        sort = "school_name"

    def key(r):
        v = r.get(sort)
        return (v is None, v if v is not None else 0)

    rows.sort(key=key, reverse=descending)
    if descending:  # keep schools without a figure at the bottom either way
        rows.sort(key=lambda r: r.get(sort) is None)
    la_codes = sorted({r["la_code"] for r in rows})
    benchmarks_for_la = []
    for code in la_codes:
        benchmarks_for_la.extend(comparator_columns(la_code=code, phase="total"))
    if not la_codes:
        benchmarks_for_la = comparator_columns(phase="total")
    return {"rows": rows, "totals": totals, "england": england, "benchmarks": benchmarks_for_la, "sort": sort}


def sort_columns(sort: str, descending: bool) -> list[dict]:
    """Column headings for the schools table: which is sorted, and the order a click on each would give."""
    return [
        {
            "field": field,
            "label": label,
            "active": field == sort,
            "next_order": "asc"
            if field == sort and descending
            else "desc"
            if field == sort or field not in ("school_name", "phase")
            else "asc",
        }
        for field, label in LA_COLUMNS
    ]
