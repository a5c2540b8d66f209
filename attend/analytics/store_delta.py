"""Apply a small change to the persistent store instead of rebuilding it (store.py builds it whole).

The change arrives as: the whole enrolment dimension as it is now (tens of thousands of rows: cheap to compare),
marks to put in (new marks and the current state of corrected ones, keyed by enrolment, day and session: any
stored mark with the same key is replaced) and keys of marks that are gone. The store file is copied, the change is
applied to the copy in one transaction, and the copy is swapped in by an atomic rename, exactly as a full build is:
readers never see a half-applied store.

What the change touches is worked out here, set-based in DuckDB:
- enrolments that left the dimension lose their marks; enrolments whose school or date of birth changed get their
  marks' school and cohort age recomputed;
- the daily rollup is recounted for the (school, day) pairs whose marks changed, and only those.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .store import (
    ENROLMENT_SCHEMA,
    coded_marks_sql,
    cohort_age_sql,
    daily_sql,
    new_version,
    stage_marks,
)

GONE_SCHEMA = pa.schema([("enrolment_id", pa.int32()), ("day", pa.int32()), ("session", pa.int8())])
_SAME_MARK = "m.enrolment_id = k.enrolment_id and m.day = k.day and m.session = k.session"


@dataclass
class Applied:
    """What one delta changed in the store."""

    marks_in: int = 0  # marks written (new, or replacing a stored one)
    marks_out: int = 0  # stored marks removed (replaced, gone, or of an enrolment that left)
    enrolments_changed: int = 0  # enrolments added, removed, or moved to another school or date of birth
    days_recounted: int = 0  # (school, day) pairs of the daily rollup recounted
    marks: int = 0  # marks in the store afterwards


def apply_delta(
    directory: Path | str,
    *,
    enrolments: pa.Table,
    upserts: Iterable[pa.RecordBatch | pa.Table],
    gone: pa.Table | None,
    meta: Mapping[str, object],
) -> Applied:
    """Apply a change to the store in `directory` (which must exist) and swap the result in atomically.

    `upserts`: batches of marks (RAW_MARK_SCHEMA or CODED_MARK_SCHEMA), each replacing any stored mark with the same
    (enrolment, day, session). `gone`: keys (GONE_SCHEMA) of marks deleted from the database. `meta`: keys to set in
    the meta table (the rest stay)."""
    with new_version(Path(directory), from_current=True) as con:
        con.execute("begin")
        applied = Applied()
        con.execute("create temp table touched (school_id integer, day integer)")
        applied.enrolments_changed = _apply_enrolments(con, enrolments, applied)
        stage_marks(con, upserts, "upserts")
        con.execute("create temp table gone (enrolment_id integer, day integer, session tinyint)")
        if gone is not None and gone.num_rows:
            con.register("gone_in", gone.cast(GONE_SCHEMA))
            con.execute("insert into gone select * from gone_in")
            con.unregister("gone_in")
        # Every key that is written or gone leaves first; its day is recounted.
        con.execute(
            "create temp table keys as select distinct enrolment_id, day, session from "
            "(select enrolment_id, day, session from upserts union all select * from gone)"
        )
        con.execute(
            f"insert into touched select distinct m.school_id, m.day from marks m join keys k on {_SAME_MARK}"
        )
        applied.marks_out += _count(con, f"delete from marks m using keys k where {_SAME_MARK}")
        # A key twice in the upserts (a mark added, then corrected, before this refresh): the rows are the
        # current state read from the database, so they are identical; keep one.
        con.execute(f"insert into marks {coded_marks_sql('(select distinct * from upserts)')}")
        applied.marks_in = _count(
            con,
            "select count(*) from (select distinct * from upserts) u "
            "semi join enrolments using (enrolment_id)",
        )
        con.execute(
            "insert into touched select distinct e.school_id, u.day from upserts u join enrolments e "
            "using (enrolment_id)"
        )
        con.execute("create temp table pairs as select distinct school_id, day from touched")
        applied.days_recounted = _count(con, "select count(*) from pairs")
        con.execute("delete from daily d using pairs p where d.school_id = p.school_id and d.day = p.day")
        con.execute(
            "insert into daily " + daily_sql("where (school_id, day) in (select (school_id, day) from pairs)")
        )
        applied.marks = _count(con, "select count(*) from marks")
        rows = {
            **{k: v if isinstance(v, str) else json.dumps(v) for k, v in meta.items()},
            "marks": str(applied.marks),
        }
        con.executemany("delete from meta where key = ?", [(k,) for k in rows])
        con.executemany("insert into meta values (?, ?)", list(rows.items()))
        con.execute("commit")
    return applied


def _apply_enrolments(con, enrolments: pa.Table, applied: Applied) -> int:
    """Replace the enrolment dimension; move or drop the marks of enrolments whose school or date of birth changed
    or that are gone. Returns how many enrolments were added, removed or moved."""
    enrolments = enrolments.select(ENROLMENT_SCHEMA.names).cast(ENROLMENT_SCHEMA)
    con.register("enrolments_in", enrolments)
    con.execute(
        "create temp table moved as select o.enrolment_id, n.enrolment_id is null as left_store "
        "from enrolments o left join enrolments_in n using (enrolment_id) "
        "where n.enrolment_id is null or n.school_id <> o.school_id or n.birth_day is distinct from o.birth_day"
    )
    added = _count(con, "select count(*) from enrolments_in anti join enrolments using (enrolment_id)")
    changed = _count(con, "select count(*) from moved")
    if changed:
        # The old (school, day) pairs of marks that move or go are recounted.
        con.execute(
            "insert into touched select distinct m.school_id, m.day from marks m semi join moved using (enrolment_id)"
        )
        applied.marks_out += _count(
            con, "delete from marks where enrolment_id in (select enrolment_id from moved where left_store)"
        )
    con.execute("delete from enrolments")
    con.execute("insert into enrolments select * from enrolments_in order by enrolment_id")
    con.unregister("enrolments_in")
    if changed:
        con.execute(
            f"""
            update marks set school_id = e.school_id, age = {cohort_age_sql("marks.academic_year", "e.birth_day")}
            from enrolments e
            where marks.enrolment_id = e.enrolment_id
              and marks.enrolment_id in (select enrolment_id from moved where not left_store)
            """
        )
        con.execute(
            "insert into touched select distinct m.school_id, m.day from marks m "
            "where m.enrolment_id in (select enrolment_id from moved where not left_store)"
        )
    return added + changed


def _count(con, sql: str) -> int:
    """The row count a statement reports (DuckDB returns it as the result of a DELETE or an INSERT), or the value
    of a count(*) query."""
    result = con.execute(sql).fetchone()
    return int(result[0]) if result else 0
