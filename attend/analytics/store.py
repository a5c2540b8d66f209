"""The persistent columnar copy of the marks: one DuckDB file, rebuilt whole and swapped in atomically.

DuckDB cannot read the Django database here (its sqlite/postgres extensions download at run time), so the
product keeps its own columnar copy (shared/stack.md). Tables, all integer-coded:

- ``marks``: enrolment_id int32, school_id int32, day int32 (days since 1970-01-01, Arrow's date32), session
  int8 (0 = AM, 1 = PM), code_id int8, academic_year int16 (start year), age int8 (age on 31 August before that
  academic year: the DfE cohort age). Sorted by school, enrolment, day, session.
- ``enrolments``: one row per enrolment with the pupil and school characteristics that reports group by.
- ``codes``: code_id, code, category, column (the DfE reason column name, or code_<x> when DfE has none).
- ``daily``: marks counted per school, day, code and cohort age band (a rollup for school x period views).
- ``meta``: key/value pairs saying what the copy was built from (for lazy refresh).

This is the only module besides `engine` that talks to DuckDB directly; the measures are Ibis expressions.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from .definitions import CodeSpec

STORE_FILE = "attend.duckdb"

MARK_COLUMNS = ("enrolment_id", "school_id", "day", "session", "code_id", "academic_year", "age")

ENROLMENT_SCHEMA = pa.schema(
    [
        ("enrolment_id", pa.int32()),
        ("pupil_id", pa.int64()),
        ("upn", pa.string()),
        ("school_id", pa.int32()),
        ("school_urn", pa.int32()),
        ("school_name", pa.string()),
        ("phase", pa.string()),
        ("la_code", pa.string()),
        ("la_name", pa.string()),
        ("region_name", pa.string()),
        ("trust_name", pa.string()),
        ("school_day_hours", pa.float64()),
        ("nc_year", pa.string()),
        ("registration", pa.string()),
        ("admission_day", pa.int32()),
        ("leaving_day", pa.int32()),
        ("birth_day", pa.int32()),
        ("sex", pa.string()),
        ("ethnicity", pa.string()),
        ("eal", pa.bool_()),
        ("fsm", pa.bool_()),
        ("fsm6", pa.bool_()),
        ("sen_status", pa.string()),
        ("looked_after", pa.bool_()),
        ("child_in_need", pa.bool_()),
        ("child_protection_plan", pa.bool_()),
    ]
)

# Marks as a loader hands them over: the writer derives school, academic year and cohort age itself.
RAW_MARK_SCHEMA = pa.schema(
    [("enrolment_id", pa.int32()), ("day", pa.int32()), ("session", pa.int8()), ("code", pa.string())]
)
CODED_MARK_SCHEMA = pa.schema(
    [("enrolment_id", pa.int32()), ("day", pa.int32()), ("session", pa.int8()), ("code_id", pa.int8())]
)


def code_column(spec: CodeSpec) -> str:
    """The column name for one code's session count: DfE's own reason column where it has one."""
    if spec.dfe_column.startswith("reason_"):
        return spec.dfe_column
    return "code_" + spec.code.lower()


def code_ids(codes: Mapping[str, CodeSpec]) -> dict[str, int]:
    """A stable small integer per code (1-based, in sorted code order)."""
    return {code: i + 1 for i, code in enumerate(sorted(codes))}


def codes_table(codes: Mapping[str, CodeSpec]) -> pa.Table:
    ids = code_ids(codes)
    rows = sorted(codes.values(), key=lambda s: ids[s.code])
    return pa.table(
        {
            "code_id": pa.array([ids[s.code] for s in rows], pa.int8()),
            "code": [s.code for s in rows],
            "category": [s.category for s in rows],
            "column": [code_column(s) for s in rows],
        }
    )


def store_path(directory: Path | str) -> Path:
    return Path(directory) / STORE_FILE


def read_meta(directory: Path | str) -> dict[str, str] | None:
    """What the store was built from, or None if there is no store yet."""
    import duckdb

    path = store_path(directory)
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("select key, value from meta").fetchall())
    finally:
        con.close()


def coded_marks_sql(staged: str) -> str:
    """Marks in `staged` (enrolment_id, day, session, code_id) with the columns the store derives: the school from
    the enrolment, the academic year (1 August to 31 July) and the DfE cohort age (age on 31 August before the
    academic year starts). Marks whose enrolment is not in the enrolments table are dropped."""
    return f"""
        with m as (
            select *, (year(date '1970-01-01' + day) - case when month(date '1970-01-01' + day) < 8
                       then 1 else 0 end)::smallint as academic_year
            from {staged}
        )
        select m.enrolment_id, e.school_id, m.day, m.session, m.code_id, m.academic_year,
               {cohort_age_sql("m.academic_year", "e.birth_day")} as age
        from m join enrolments e using (enrolment_id)
    """


def cohort_age_sql(academic_year: str, birth_day: str) -> str:
    """The DfE cohort age of a mark: age on 31 August before its academic year starts."""
    return (
        f"({academic_year} - year(date '1970-01-01' + {birth_day}) "
        f"- case when month(date '1970-01-01' + {birth_day}) > 8 then 1 else 0 end)::tinyint"
    )


def daily_sql(where: str = "") -> str:
    """The daily rollup: marks counted per school, day, code and cohort age band, kept beside the marks so
    school-by-day breakdowns (weekday, week, month, trend) read ~1/50 of the rows. Age bands are the cohort
    boundaries (under 4 -> 3, 4, 5 to 15 -> 5, 16 and over -> 16), so every standard cohort's age filter selects
    exactly the same marks from it as from the marks table."""
    return f"""
        select school_id, day, code_id,
               (case when age < 4 then 3 when age = 4 then 4 when age <= 15 then 5 else 16 end)::tinyint as age,
               count(*)::bigint as n
        from marks {where} group by all
    """


def stage_marks(con, marks: Iterable[pa.RecordBatch | pa.Table], table: str = "staged") -> None:
    """Load batches of marks (RAW_MARK_SCHEMA or CODED_MARK_SCHEMA) into a temporary table of coded marks.
    Unknown codes raise."""
    con.execute(
        f"create temp table {table} (enrolment_id integer, day integer, session tinyint, code_id tinyint)"
    )
    unknown: set[str] = set()
    for batch in marks:
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        if batch.num_rows == 0:
            continue
        con.register("batch_in", batch)
        if "code_id" in batch.column_names:
            con.execute(f"insert into {table} select enrolment_id, day, session, code_id from batch_in")
        else:
            found = con.execute(
                "select distinct b.code from batch_in b anti join codes c on b.code = c.code"
            ).fetchall()
            unknown.update(r[0] for r in found)
            con.execute(
                f"insert into {table} select b.enrolment_id, b.day, b.session, c.code_id "
                "from batch_in b join codes c on b.code = c.code"
            )
        con.unregister("batch_in")
    if unknown:
        raise ValueError(f"Marks use codes not in the code table: {sorted(unknown)}")


def write_store(
    directory: Path | str,
    *,
    enrolments: pa.Table,
    marks: Iterable[pa.RecordBatch | pa.Table],
    codes: Mapping[str, CodeSpec],
    meta: Mapping[str, object],
    sort: bool = True,
    memory_limit: str | None = None,
) -> Path:
    """Build a new store from enrolments and batches of marks, then swap it in atomically.

    Mark batches have either RAW_MARK_SCHEMA (code as text) or CODED_MARK_SCHEMA (code_id from `code_ids`).
    Marks whose enrolment is unknown are dropped; unknown codes raise. Readers holding the old file keep
    reading it until they reopen (POSIX rename semantics).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with new_version(directory) as con:
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        enrolments = enrolments.select(ENROLMENT_SCHEMA.names).cast(ENROLMENT_SCHEMA)
        con.register("enrolments_in", enrolments)
        con.execute("create table enrolments as select * from enrolments_in order by enrolment_id")
        con.unregister("enrolments_in")
        con.register("codes_in", codes_table(codes))
        con.execute("create table codes as select * from codes_in")
        con.unregister("codes_in")
        stage_marks(con, marks)
        order = "order by e.school_id, m.enrolment_id, m.day, m.session" if sort else ""
        con.execute(f"create table marks as {coded_marks_sql('staged')} {order}")
        con.execute("drop table staged")
        con.execute(f"create table daily as {daily_sql()} order by school_id, day, code_id")
        con.execute("create table meta (key varchar, value varchar)")
        rows = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in meta.items()]
        rows.append(("marks", str(con.execute("select count(*) from marks").fetchone()[0])))
        con.executemany("insert into meta values (?, ?)", rows)
    return store_path(directory)


@contextmanager
def new_version(directory: Path, *, from_current: bool = False) -> Iterator:
    """A read-write DuckDB connection on a temporary file beside the store (a copy of the current store when
    `from_current`). When the block ends without an error the file is checkpointed and swapped in by an atomic
    rename, so readers never see a half-written store and a reader holding the old file keeps reading it until it
    reopens (POSIX rename semantics); on an error it is removed and the store is left as it was."""
    import duckdb

    final = store_path(directory)
    tmp = directory / f".{STORE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    wal = Path(str(tmp) + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    if from_current:
        shutil.copyfile(final, tmp)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("set preserve_insertion_order = false")
        con.execute("set enable_progress_bar = false")
        yield con
        con.execute("checkpoint")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, final)
    wal.unlink(missing_ok=True)


def export_parquet(directory: Path | str, out_dir: Path | str) -> Path:
    """Export the store as Parquet for Spark (or any engine): marks partitioned by academic year and school.

    Writes ``marks/academic_year=YYYY/school_id=N/*.parquet``, ``enrolments.parquet`` and ``codes.parquet``.
    """
    import duckdb

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(store_path(directory)), read_only=True)
    try:
        q = lambda p: "'" + str(p).replace("'", "''") + "'"  # noqa: E731
        con.execute(
            f"copy (select enrolment_id, school_id, day, session::smallint as session, code_id::smallint as "
            f"code_id, academic_year, age::smallint as age from marks) to {q(out / 'marks')} "
            "(format parquet, partition_by (academic_year, school_id), overwrite_or_ignore true)"
        )
        # Data minimisation: marks already carry the age that every measure needs, so the date of birth stays
        # behind. The UPN stays: pupil-level reports (PA/SA lists) are how an LA acts on the figures.
        con.execute(
            f"copy (select * exclude (birth_day) from enrolments) to {q(out / 'enrolments.parquet')} "
            "(format parquet)"
        )
        con.execute(
            f'copy (select code_id::smallint as code_id, code, category, "column" from codes) to '
            f"{q(out / 'codes.parquet')} (format parquet)"
        )
    finally:
        con.close()
    return out
