"""DfE measures for the API from the statistics API (attend.stats.queries), shaped as plain dicts.

Figures go through the dashboards' memo (attend.web.dashboards.cached): it serialises calls to the statistics
store and keeps results until the data changes. Callers pass schools already scoped to the user."""

from __future__ import annotations

import datetime as dt

from attend.stats import queries as q
from attend.web.dashboards import cached, records

MEASURES = [
    "enrolments",
    "pupils",
    "possible_sessions",
    "overall_attendance",
    "overall_absence",
    "authorised_absence",
    "unauthorised_absence",
    "attendance_perc",
    "overall_absence_perc",
    "authorised_absence_perc",
    "unauthorised_absence_perc",
    "persistent_absence_enrolments",
    "pa_perc",
    "severe_absence_enrolments",
    "sa_perc",
]


def _measures(row: dict | None) -> dict:
    row = row or {}
    return {name: row.get(name) if name.endswith("_perc") else int(row.get(name) or 0) for name in MEASURES}


def school_measures(school, start: dt.date, end: dt.date) -> dict:
    rows = cached(
        "api-school",
        end,
        lambda: records(q.school_measures(start, end, schools=[school])),
        school.pk,
        start.isoformat(),
    )
    return _measures(rows[0] if rows else None)


def la_rows(schools: list, start: dt.date, end: dt.date) -> list[dict]:
    if not schools:
        return []
    ids = ",".join(str(s.pk) for s in schools)

    def compute():
        totals = records(q.group_measures("la", start, end, schools=schools))
        return totals

    totals = cached("api-la", end, compute, start.isoformat(), ids)
    counts: dict[str, int] = {}
    for school in schools:
        code = school.local_authority.code
        counts[code] = counts.get(code, 0) + 1
    return [
        {
            "la_code": r["la_code"],
            "la_name": r["la_name"],
            "schools": counts.get(r["la_code"], 0),
            "measures": _measures(r),
        }
        for r in totals
    ]
