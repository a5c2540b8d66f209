"""Who has many marks of a kind: one grouped count over the statistics store instead of over the marks table.

Work-list syncs that look for candidates across a whole LA (e.g. the s19 health and exclusion prompts, attend.cme)
count a year of marks by code. In the database that reads every mark of the year through the marks index (~4 s per
count at 18 million marks on SQLite); the store answers from its columns in a fraction of a second. The store is
used only when it is up to date, so the answer is the database's; otherwise (or if it cannot be read) the caller is
told to ask the database (None).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

log = logging.getLogger(__name__)


def marked_at_least(
    codes: Collection[str],
    start: dt.date,
    end: dt.date,
    *,
    minimum: int,
    per: str = "enrolment",
    distinct_days: bool = False,
) -> set[int] | None:
    """The enrolments (`per="enrolment"`) or pupils (`per="pupil"`, over all their enrolments) with at least
    `minimum` sessions (or, with `distinct_days`, days) from start to end marked with one of `codes`. None when the
    store is not up to date or cannot be read."""
    from attend.analytics.measures import day_number  # here: Ibis stays out of start-up

    from . import store

    if per not in ("enrolment", "pupil"):
        raise ValueError(f"per must be 'enrolment' or 'pupil', not {per!r}")
    try:
        if store.is_stale():
            return None
        with store.source(refresh_if_stale=False) as src:
            code_ids = sorted(i for i, spec in src.codes.items() if spec.code in codes)
            if not code_ids:
                return set()
            counted = "count(distinct m.day)" if distinct_days else "count(*)"
            key = "m.enrolment_id" if per == "enrolment" else "e.pupil_id"
            join = "" if per == "enrolment" else "join enrolments e using (enrolment_id)"
            rows = src.con.con.execute(
                f"select {key} from marks m {join} where m.code_id in ({','.join(map(str, code_ids))}) "
                f"and m.day between ? and ? group by {key} having {counted} >= ?",
                [day_number(start), day_number(end), minimum],
            ).fetchall()
    except Exception:
        log.exception("statistics store unreadable: counting marks in the database instead")
        return None
    return {int(row[0]) for row in rows}
