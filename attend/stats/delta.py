"""The incremental refresh of the statistics store: what changed in the database since the store was built.

The store's meta table records the database's latest mark id, latest MarkChange id and identity (StoreState) it was
built from. The changes since then are:
- new marks: ids above the recorded latest mark id (and up to the one read now, so a refresh never reads past its
  own fingerprint);
- corrected marks: MarkChange rows above the recorded id; the mark's current code is read from the marks table (a
  mark corrected twice is read once, in its latest state; a corrected mark since deleted is "gone");
- enrolments: the whole dimension is read again (tens of thousands of rows) and compared inside DuckDB, so new,
  changed, moved and deleted enrolments (retention) all arrive.
attend.analytics.store_delta applies them. Anything it cannot see falls back to a full rebuild (`why_not_incremental`):
no store, a store from another database or an older layout, ids that went backwards, a bumped generation, or a
change too big to be worth applying mark by mark.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.db import connection

from attend.analytics import store_delta
from attend.registers.models import Mark, MarkChange

# Above this share of the store's marks (or this many), a full rebuild is about as quick and leaves the marks sorted.
FULL_SHARE = 0.25
FULL_MIN = 1_000_000
_KEYS = ("db_last_mark_id", "db_last_markchange_id", "db_identity")


def why_not_incremental(meta: dict | None, now: dict) -> str | None:
    """Why the changes since the store was built cannot be applied one by one (None: they can)."""
    if meta is None:
        return "there is no store yet"
    if any(k not in meta for k in _KEYS):
        return "the store was built by an older version"
    if meta["db_identity"] != now["db_identity"]:
        return (
            "the store was built from another database, or marks changed outside imports (generation bumped)"
        )
    if int(now["db_last_mark_id"]) < int(meta["db_last_mark_id"]) or int(now["db_last_markchange_id"]) < int(
        meta["db_last_markchange_id"]
    ):
        return "the database's ids went backwards (restored or rolled back)"
    new = int(now["db_last_mark_id"]) - int(meta["db_last_mark_id"])
    changed = int(now["db_last_markchange_id"]) - int(meta["db_last_markchange_id"])
    if new + changed > max(FULL_MIN, int(int(meta.get("marks", 0)) * FULL_SHARE)):
        return f"{new + changed:,} new or changed marks: a full rebuild is as quick"
    return None


def apply_changes(meta: dict, now: dict, started: dt.datetime) -> store_delta.Applied:
    """Apply the database's changes since `meta` up to `now` (a fingerprint read before any change was read) to the
    store. Returns what changed."""
    from .store import enrolment_table, marks_between, store_dir

    changed, gone = corrected_marks(int(meta["db_last_markchange_id"]), int(now["db_last_markchange_id"]))
    upserts = [*marks_between(int(meta["db_last_mark_id"]), int(now["db_last_mark_id"])), changed]
    increments = int(meta.get("increments", "0")) + 1
    return store_delta.apply_delta(
        store_dir(),
        enrolments=enrolment_table(),
        upserts=upserts,
        gone=gone,
        meta={
            **now,
            "built_at": started.isoformat(timespec="seconds"),
            "refresh_started_at": started.isoformat(),
            "refresh_kind": "incremental",
            "increments": str(increments),
        },
    )


def corrected_marks(after: int, upto: int) -> tuple[pa.Table, pa.Table]:
    """Marks corrected by MarkChange rows with ids in (after, upto], in their current state (RAW_MARK_SCHEMA), and
    the keys of those no longer in the marks table (GONE_SCHEMA)."""
    rows: list[tuple] = []
    if upto > after:
        changes, marks = MarkChange._meta.db_table, Mark._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                f"select distinct c.enrolment_id, c.date, c.session, m.code from {changes} c "
                f"left join {marks} m on m.enrolment_id = c.enrolment_id and m.date = c.date "
                f"and m.session = c.session where c.id > %s and c.id <= %s",
                [after, upto],
            )
            rows = cur.fetchall()
    present = [r for r in rows if r[3] is not None]
    missing = [r for r in rows if r[3] is None]
    return (
        pa.table({**_keys(present), "code": pa.array([r[3] for r in present], pa.string())}),
        pa.table(_keys(missing)),
    )


def _keys(rows: list[tuple]) -> dict[str, pa.Array]:
    """(enrolment, day, session) columns of (enrolment_id, date, session, ...) rows, as the store codes them."""
    from attend.analytics.measures import day_number  # here: Ibis stays out of start-up

    return {
        "enrolment_id": pa.array([r[0] for r in rows], pa.int32()),
        "day": pa.array([day_number(_date(r[1])) for r in rows], pa.int32()),
        "session": pa.array([1 if r[2] == "PM" else 0 for r in rows], pa.int8()),
    }


def _date(value) -> dt.date:
    """SQLite hands dates back as text through a raw cursor."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
