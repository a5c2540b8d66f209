"""A whole school's marks for the rules, read from the statistics store (DuckDB) instead of the database.

The store holds every mark sorted by school, enrolment, day and session, so one school's year is a contiguous range
that DuckDB hands over as four numpy columns. Reading the same 18 million marks from SQLite row by row cost most of
a whole-LA evaluation (issue 22: ~50 s of fetching and date parsing); from the store it is a few seconds. The
result is exactly what inputs._all_marks builds from the database (tested: test_store_marks.py).

The store is brought up to date first (attend.stats.store.source), so marks imported a moment ago are in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from .rules import ATTENDED, POSSIBLE, SessionT

_SESSIONS = np.array(["AM", "PM"], dtype=object)


def _code_lookup(codes: Mapping[int, object]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """By code_id: the code's text, and whether it is a possible session, attended, a real mark (not '#')."""
    size = max(codes) + 1 if codes else 1
    text = np.empty(size, dtype=object)
    possible = np.zeros(size, dtype=bool)
    attended = np.zeros(size, dtype=bool)
    met = np.zeros(size, dtype=bool)
    for code_id, spec in codes.items():
        text[code_id] = spec.code
        possible[code_id] = spec.code in POSSIBLE
        attended[code_id] = spec.code in POSSIBLE and spec.code in ATTENDED
        met[code_id] = spec.code != "#"
    return text, possible, attended, met


def school_marks(school_id: int, start: dt.date, end: dt.date):
    """What inputs._all_marks returns, from the store: (marks by enrolment as tuples of (date, session, code),
    session -> has a mark other than '#', the school's [possible, attended] by day)."""
    from attend.analytics.measures import day_number  # here: Ibis stays out of start-up
    from attend.stats import store

    first, last = day_number(start), day_number(end)
    with store.up_to_date(), store.source() as src:
        columns = src.con.con.execute(
            "select enrolment_id, day, session, code_id from marks where school_id = ? and day between ? and ? "
            "order by enrolment_id, day, session",
            [school_id, first, last],
        ).fetchnumpy()
        text, possible, attended, met = _code_lookup(src.codes)
    enrolment = np.asarray(columns["enrolment_id"], dtype=np.int64)
    offset = np.asarray(columns["day"], dtype=np.int64) - first
    session = np.asarray(columns["session"], dtype=np.int64)
    code = np.asarray(columns["code_id"], dtype=np.int64)
    span = last - first + 1
    dates = np.array([start + dt.timedelta(days=i) for i in range(span)], dtype=object)

    # The school as a whole: which sessions it met, and its possible and attended sessions by day.
    slot = offset * 2 + session
    seen = np.bincount(slot, minlength=2 * span) > 0
    real = np.bincount(slot, weights=met[code], minlength=2 * span) > 0
    session_codes: dict[SessionT, bool] = {
        (dates[i // 2], _SESSIONS[i % 2]): bool(real[i]) for i in np.flatnonzero(seen).tolist()
    }
    day_possible = np.bincount(offset, weights=possible[code], minlength=span).astype(np.int64)
    day_attended = np.bincount(offset, weights=attended[code], minlength=span).astype(np.int64)
    by_day = {
        dates[i]: [int(day_possible[i]), int(day_attended[i])] for i in np.flatnonzero(day_possible).tolist()
    }

    # Each enrolment's marks as one tuple of (date, session, code) tuples, cut at the enrolment boundaries.
    rows = list(zip(dates[offset].tolist(), _SESSIONS[session].tolist(), text[code].tolist(), strict=True))
    cuts = np.flatnonzero(np.diff(enrolment)) + 1
    starts = [0, *cuts.tolist()]
    stops = [*cuts.tolist(), len(rows)]
    marks = {int(enrolment[a]): tuple(rows[a:b]) for a, b in zip(starts, stops, strict=True) if b > a}
    return marks, session_codes, by_day
