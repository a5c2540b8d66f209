"""Statistics engine benchmark: the product's store and Ibis measures against a hand-written NumPy pass.

    uv run python bench/stats_engine.py                  # 2M, 20M and 200M marks (stores cached in var/bench)
    uv run python bench/stats_engine.py --sizes 20       # just 20 million
    uv run python bench/stats_engine.py --polars         # also time Ibis's Polars backend on the same data

Workload (each timed run, warm, median of --runs): the full pupil-level table with every DfE measure and PA/SA
flags, the per-school roll-up, and per-school x weekday and x ISO-week breakdowns, for the compulsory-age
cohort, year to date, read from the persistent store (var/bench/marks_<N>m/attend.duckdb) via
attend.analytics.reports.core_tables. The anchor is a NumPy bincount pass computing the same tables from
arrays already in memory. Each engine runs in its own subprocess so peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PUPILS_PER_MILLION = 2632  # 380 sessions each: 52,632 pupil-years = 20 million marks
START, END = dt.date(2025, 8, 1), dt.date(2026, 7, 31)


def store_for(size_m: int, base: Path) -> Path:
    directory = base / f"marks_{size_m}m"
    if not (directory / "attend.duckdb").exists() or not _has_daily(directory):
        from stats_data import generate_store

        t = time.perf_counter()
        n = generate_store(directory, pupils=PUPILS_PER_MILLION * size_m, seed=size_m)
        print(f"  generated {n:,} marks into {directory} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return directory


def _has_daily(directory: Path) -> bool:
    import duckdb

    con = duckdb.connect(str(directory / "attend.duckdb"), read_only=True)
    try:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables where table_name = 'daily'"
            ).fetchall()[0][0]
        )
    finally:
        con.close()


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def summary(result) -> dict:
    e = result["enrolments"]
    return {
        "enrolments": e.num_rows,
        "possible": int(sum(e.column("possible_sessions").to_pylist())),
        "absence": int(sum(e.column("overall_absence").to_pylist())),
        "pa": int(sum(e.column("persistent_absence").to_pylist())),
    }


def engine_runner(directory: Path, backend: str):
    """Open the store; return a function that runs the workload once, returning (tables, seconds)."""
    from attend.analytics import reports
    from attend.analytics.engine import duckdb_store

    if backend in ("duckdb", "duckdb-raw"):
        src = duckdb_store(directory, threads=os.cpu_count())
        if backend == "duckdb-raw":  # ignore the store's daily rollup: both scans read the marks
            src.daily = None
    else:  # Ibis's Polars backend over the same store, loaded into memory first (not timed as part of runs)
        import duckdb
        import ibis

        from attend.analytics.engine import Source

        raw = duckdb.connect(str(directory / "attend.duckdb"), read_only=True)
        con = ibis.polars.connect()
        marks = con.create_table("marks", raw.sql("select * from marks").to_arrow_table())
        enrolments = con.create_table("enrolments", raw.sql("select * from enrolments").to_arrow_table())
        codes_src = duckdb_store(directory)
        src = Source(con, marks, enrolments, codes_src.codes, codes_src.columns)

    def run():
        t = time.perf_counter()
        tables = reports.core_tables(src, start=START, end=END, cohort="compulsory")
        return tables, time.perf_counter() - t

    return run


def run_engine(directory: Path, runs: int, backend: str) -> dict:
    """Engine alone in its process: times and peak memory."""
    engine = engine_runner(directory, backend)
    cold = engine()[1]
    times, result = [], None
    for _ in range(runs):
        result, seconds = engine()
        times.append(seconds)
    return {
        "backend": backend,
        "cold_s": cold,
        "median_s": statistics.median(times),
        "runs": times,
        **summary(result),
        "schools": result["schools"].num_rows,
        "peak_rss_gib": peak_rss_gib(),
    }


def numpy_pass(directory: Path):
    """The anchor: the same four tables from in-memory arrays with np.bincount (load time not counted).

    Returns a function that does one pass."""
    import duckdb
    import numpy as np

    from attend.analytics.definitions import REASON_RATES

    con = duckdb.connect(str(directory / "attend.duckdb"), read_only=True)
    cols = con.sql("select enrolment_id, school_id, day, code_id, age from marks").fetchnumpy()
    codes = con.sql("select code_id, code, category from codes").fetchall()
    enrol_school = con.sql(
        "select enrolment_id, school_id from enrolments order by enrolment_id"
    ).fetchnumpy()
    con.close()
    enr, school, day, code, age = (
        np.asarray(cols[k]) for k in ("enrolment_id", "school_id", "day", "code_id", "age")
    )
    n_codes = 64
    onehot_names = ["present", "aea", "auth", "unauth", "late", *REASON_RATES]
    onehot = np.zeros((n_codes, len(onehot_names)), dtype=np.int64)
    cat_index = {
        "present": 0,
        "approved_educational_activity": 1,
        "authorised_absence": 2,
        "unauthorised_absence": 3,
    }
    for cid, c, category in codes:
        if category in cat_index:
            onehot[cid, cat_index[category]] = 1
        if c in ("L", "U"):
            onehot[cid, 4] = 1
        for k, name in enumerate(REASON_RATES):
            if REASON_RATES[name] == (c,):
                onehot[cid, 5 + k] = 1
    s_day, e_day = (START - dt.date(1970, 1, 1)).days, (END - dt.date(1970, 1, 1)).days
    n_enrol = int(enrol_school["enrolment_id"].max()) + 1
    school_of = np.zeros(n_enrol, dtype=np.int64)
    school_of[enrol_school["enrolment_id"]] = enrol_school["school_id"]
    n_school = int(school_of.max()) + 1

    def once():
        mask = (age >= 5) & (age <= 15) & (day >= s_day) & (day <= e_day)
        e_, c_ = enr[mask].astype(np.int64), code[mask].astype(np.int64)
        per = np.bincount(e_ * n_codes + c_, minlength=n_enrol * n_codes).reshape(n_enrol, n_codes)
        cat = per @ onehot
        attendance = cat[:, 0] + cat[:, 1]
        absence = cat[:, 2] + cat[:, 3]
        possible = attendance + absence
        keep = possible > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = cat[:, [0, 1, 2, 3, *range(5, cat.shape[1])]] / possible[:, None] * 100
        pa_flag = keep & (absence * 10 >= possible)
        sa_flag = keep & (absence * 2 >= possible)
        sch = school_of[keep]
        school_counts = np.stack(
            [np.bincount(sch, weights=cat[keep, j], minlength=n_school) for j in range(cat.shape[1])], axis=1
        )
        school_pa = np.bincount(sch, weights=pa_flag[keep], minlength=n_school)
        school_sa = np.bincount(sch, weights=sa_flag[keep], minlength=n_school)
        school_n = np.bincount(sch, minlength=n_school)
        d_ = day[mask].astype(np.int64) - s_day
        n_days = e_day - s_day + 1
        daily = np.bincount(
            (school[mask].astype(np.int64) * n_days + d_) * n_codes + c_,
            minlength=n_school * n_days * n_codes,
        ).reshape(n_school, n_days, n_codes)
        daily_cat = daily @ onehot
        weekday = (np.arange(s_day, e_day + 1) + 3) % 7
        week = (np.arange(s_day, e_day + 1) - weekday - s_day + 7) // 7
        by_weekday = np.stack([daily_cat[:, weekday == w].sum(axis=1) for w in range(7)], axis=1)
        by_week = np.zeros((n_school, week.max() + 1, daily_cat.shape[2]), dtype=np.int64)
        np.add.at(by_week, (slice(None), week), daily_cat)
        return {
            "enrolments": int(keep.sum()),
            "possible": int(possible.sum()),
            "absence": int(absence.sum()),
            "pa": int(pa_flag.sum()),
            "rates": rates,
            "school": (school_counts, school_pa, school_sa, school_n),
            "weekday": by_weekday,
            "week": by_week,
        }

    return once


def run_interleaved(directory: Path, runs: int, backend: str) -> dict:
    """Engine and NumPy anchor timed alternately in one process, so both see the same machine load."""
    once = numpy_pass(directory)
    engine = engine_runner(directory, backend)
    cold = engine()[1]
    once()
    engine_times, numpy_times = [], []
    for _ in range(runs):
        result, seconds = engine()
        engine_times.append(seconds)
        t = time.perf_counter()
        out = once()
        numpy_times.append(time.perf_counter() - t)
    got = summary(result)
    want = {k: out[k] for k in got}
    assert got == want, (got, want)
    return {
        "backend": backend,
        "cold_s": cold,
        "median_s": statistics.median(engine_times),
        "numpy_median_s": statistics.median(numpy_times),
        "runs": engine_times,
        "numpy_runs": numpy_times,
        **got,
    }


def child(args) -> None:
    directory = Path(args.child_dir)
    if args.child.startswith("ratio-"):
        result = run_interleaved(directory, args.runs, args.child.removeprefix("ratio-"))
    else:
        result = run_engine(directory, args.runs, args.child)
    print(json.dumps(result))


def measure(kind: str, directory: Path, runs: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--child-dir", str(directory), "--runs", str(runs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 20, 200], help="millions of marks")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--polars", action="store_true", help="also time Ibis's Polars backend")
    parser.add_argument("--numpy-up-to", type=int, default=20, help="NumPy anchor only up to this size (M)")
    parser.add_argument("--child")
    parser.add_argument("--child-dir")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    base = Path(args.dir)
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} cores, load average {load:.1f} at start; medians of {args.runs} warm runs; seconds"
    )
    print(
        f"{'marks':>6} {'engine':>10} {'cold':>6} {'median':>7} {'numpy':>7} {'ratio':>6} {'alone':>7} "
        f"{'peak GiB':>8} {'enrolments':>10} {'PA %':>6}"
    )
    alone_times = []
    for size in args.sizes:
        directory = store_for(size, base)
        for kind in ["duckdb", "duckdb-raw", *(["polars"] if args.polars else [])]:
            # Ratio: engine and anchor interleaved in one process. Alone: the engine in a fresh process, for
            # its own peak memory (max RSS) without the anchor's arrays.
            ratio = measure(f"ratio-{kind}", directory, args.runs) if size <= args.numpy_up_to else None
            alone = measure(kind, directory, args.runs)
            if kind == "duckdb":
                alone_times.append((size, alone["median_s"]))
            nan = float("nan")
            print(
                f"{size:>5}M {kind:>10} {alone['cold_s']:6.3f} {ratio['median_s'] if ratio else nan:7.3f} "
                f"{ratio['numpy_median_s'] if ratio else nan:7.3f} "
                f"{ratio['median_s'] / ratio['numpy_median_s'] if ratio else nan:6.2f} {alone['median_s']:7.3f} "
                f"{alone['peak_rss_gib']:8.2f} {alone['enrolments']:>10,} "
                f"{100 * alone['pa'] / alone['enrolments']:6.2f}",
                flush=True,
            )
    for (s1, t1), (s2, t2) in zip(alone_times, alone_times[1:], strict=False):
        print(f"growth {s1}M -> {s2}M: x{s2 / s1:.0f} marks, x{t2 / t1:.2f} time")
    print(f"load average {os.getloadavg()[0]:.1f} at end (other processes share these 2 cores)")


if __name__ == "__main__":
    main()
