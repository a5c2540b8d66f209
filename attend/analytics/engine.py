"""Connections: the only place that opens an engine. DuckDB by default; Spark imported only when asked for."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from .definitions import CodeSpec
from .store import store_path


@dataclass
class Source:
    """The three tables every measure reads, on one engine, plus the code dimension as plain data."""

    con: Any
    marks: ibis.Table
    enrolments: ibis.Table
    codes: dict[int, CodeSpec]  # code_id -> spec
    columns: dict[int, str]  # code_id -> count column name
    # Marks pre-counted per (school, day, code, age band): see store.py. None = scan the marks.
    daily: ibis.Table | None = None
    # Split scans into key ranges of at most this many values (DuckDB only; see measures.chunked_counts).
    chunks: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # column -> (min, max, size)
    _sql: dict[Any, str] = field(default_factory=dict, repr=False)
    _plans: dict[Any, tuple[list[tuple[str, str, str]], list[str]]] = field(default_factory=dict, repr=False)
    _recording: list[tuple[str, str, str]] | None = field(default=None, repr=False)

    @property
    def engine(self) -> str:
        return self.con.name

    def _compiled(self, expr: ibis.Table) -> str:
        # Ibis expressions hash structurally, so an identical query (same dates, cohort, schools) skips the
        # Ibis-to-SQL compile (~0.1 s for the wide measure tables): a prepared statement, in effect.
        sql = self._sql.get(expr)
        if sql is None:
            if len(self._sql) > 256:
                self._sql.clear()
            sql = self._sql[expr] = str(self.con.compile(expr))
        return sql

    def to_arrow(self, expr: ibis.Table) -> pa.Table:
        """Run an expression and return an Arrow table (DuckDB: cached SQL on the raw connection)."""
        if self.engine == "duckdb":
            sql = self._compiled(expr)
            if self._recording is not None:
                self._recording.append(("fetch", "", sql))
            return self.con.con.sql(sql).to_arrow_table()
        return expr.to_pyarrow()

    def materialize(self, name: str, expr: ibis.Table) -> ibis.Table:
        """Compute an intermediate result once so several roll-ups can read it without rescanning marks."""
        if self.engine == "duckdb":
            sql = f'create or replace temp table "{name}" as {self._compiled(expr)}'
            if self._recording is not None:
                self._recording.append(("execute", name, sql))
            self.con.con.execute(sql)
            return self.con.table(name)
        return expr.cache()

    def run_plan(self, key: Any, build: Callable[[], dict[str, pa.Table]]) -> dict[str, pa.Table]:
        """Run `build` (which calls materialize / to_arrow), remembering its SQL under `key` on DuckDB.

        A repeat call with the same key replays the SQL without building any Ibis expression: the Ibis layer
        costs ~0.05 s per wide expression, which matters when the whole query takes a fraction of a second.
        `key` must capture every argument that changes the expressions.
        """
        if self.engine != "duckdb":
            return build()
        plan = self._plans.get(key)
        if plan is None:
            self._recording = []
            try:
                out = build()
                steps = self._recording
            finally:
                self._recording = None
            fetches = [s for s in steps if s[0] == "fetch"]
            if len(fetches) == len(out):
                self._plans[key] = (steps, list(out))
            return out
        steps, names = plan
        results = []
        for kind, _, sql in steps:
            if kind == "execute":
                self.con.con.execute(sql)
            else:
                results.append(self.con.con.sql(sql).to_arrow_table())
        return dict(zip(names, results, strict=True))


def _configure_duckdb(con: Any, threads: int | None) -> None:
    # Group keys here are small integers (enrolment x code, school x day x code): let DuckDB use its perfect
    # (array-indexed) hash aggregate for key spaces up to 2^24 instead of the default 2^12. ~2x on the scans.
    con.raw_sql("set perfect_ht_threshold = 24")
    if threads:
        con.raw_sql(f"set threads = {int(threads)}")


def duckdb_cursor(src: Source, *, threads: int | None = None) -> Source:
    """Another Source on the same DuckDB database, with its own connection (`cursor()`).

    One DuckDB connection runs one statement at a time and refuses a second caller ("connection is busy"), and
    temp tables (`materialize`) belong to a connection: each thread that queries at the same time as another
    needs a Source of its own. Cursors share the database and its buffer cache, so opening one is cheap.
    """
    if src.engine != "duckdb":
        raise ValueError("cursors are for the DuckDB store")
    con = ibis.duckdb.from_connection(src.con.con.cursor())
    _configure_duckdb(con, threads)
    daily = con.table("daily") if src.daily is not None else None
    return Source(
        con, con.table("marks"), con.table("enrolments"), src.codes, src.columns, daily, dict(src.chunks)
    )


def _codes_from(table: ibis.Table) -> tuple[dict[int, CodeSpec], dict[int, str]]:
    df = table.to_pandas()
    specs = {int(r.code_id): CodeSpec(code=r.code, category=r.category) for r in df.itertuples()}
    columns = {int(r.code_id): r.column for r in df.itertuples()}
    return specs, columns


def _reader_path(path: Path) -> Path:
    """A path naming this version of the store file only: a hard link `.read-<inode>-<mtime>.duckdb` beside it.

    DuckDB keeps one database instance per path string in a process: once the store is swapped for a new file,
    connecting to the same path while any old connection is alive returns the *old* file's data. A name per file
    version avoids that. Links to older versions are removed (open readers keep their file until they close).
    """
    st = path.stat()
    alias = path.with_name(f".read-{st.st_ino}-{st.st_mtime_ns}.duckdb")
    for old in path.parent.glob(".read-*-*.duckdb"):
        # Only older versions: another process may have just linked a newer file than the one stat() saw.
        if (
            old != alias
            and old.stem.rsplit("-", 1)[-1].isdigit()
            and int(old.stem.rsplit("-", 1)[-1]) < st.st_mtime_ns
        ):
            old.unlink(missing_ok=True)
    try:
        os.link(path, alias)
    except FileExistsError:
        pass
    except OSError:  # no hard links on this filesystem: fall back to the plain path
        return path
    return alias


def duckdb_store(directory: Path | str, *, threads: int | None = None) -> Source:
    """Open the persistent store read-only with DuckDB."""
    path = store_path(directory)
    if not path.exists():
        raise FileNotFoundError(f"No statistics store at {path}: run `attend stats refresh`")
    con = ibis.duckdb.connect(str(_reader_path(path)), read_only=True)
    _configure_duckdb(con, threads)
    specs, columns = _codes_from(con.table("codes"))
    lo_e, hi_e, lo_s, hi_s = con.con.execute(
        "select min(enrolment_id), max(enrolment_id), min(school_id), max(school_id) from enrolments"
    ).fetchall()[0]
    # Aggregating 200M marks by (enrolment, code) in one hash table is ~10x slower than in 2^14-enrolment
    # slices: each slice's filter narrows the key statistics, so DuckDB picks its perfect hash aggregate.
    chunks = {}
    if lo_e is not None:
        chunks = {"enrolment_id": (lo_e, hi_e, 1 << 14), "school_id": (lo_s, hi_s, 1 << 5)}
    tables = {r[0] for r in con.con.execute("select table_name from information_schema.tables").fetchall()}
    daily = con.table("daily") if "daily" in tables else None
    return Source(con, con.table("marks"), con.table("enrolments"), specs, columns, daily, chunks)


def parquet_source(con: Any, directory: Path | str) -> Source:
    """Read an `export_parquet` directory with any Ibis backend that reads Parquet (DuckDB, Spark, Polars)."""
    d = Path(directory)
    marks = con.read_parquet(str(d / "marks"), **_partitioned(con))
    enrolments = con.read_parquet(str(d / "enrolments.parquet"))
    specs, columns = _codes_from(con.read_parquet(str(d / "codes.parquet")))
    # Partition columns come back as whatever the engine infers: make the types identical everywhere.
    marks = marks.select(
        enrolment_id=marks.enrolment_id.cast("int32"),
        school_id=marks.school_id.cast("int32"),
        day=marks.day.cast("int32"),
        session=marks.session.cast("int8"),
        code_id=marks.code_id.cast("int8"),
        academic_year=marks.academic_year.cast("int16"),
        age=marks.age.cast("int8"),
    )
    return Source(con, marks, enrolments, specs, columns)


def _partitioned(con: Any) -> dict[str, Any]:
    if con.name == "duckdb":
        return {"hive_partitioning": True}
    return {}


def spark_session(*, master: str | None = "local[2]", shuffle_partitions: int = 4, **conf: str):
    """A Spark session (imported lazily: the web app and DuckDB path never import pyspark).

    On a cluster, pass master="yarn" / "spark://host:7077" / "k8s://..." or build the session yourself and
    hand it to `spark_connect`.
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if master:  # None: take the master from spark-submit / spark-defaults.conf
        builder = builder.master(master)
    builder = (
        builder.appName("attend-stats")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if master and master.startswith("local"):
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_connect(session=None):
    """An Ibis backend over a Spark session (creates a local one if none is given)."""
    return ibis.pyspark.connect(session or spark_session())
