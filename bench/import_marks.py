"""Benchmark the marks import: a synthetic local authority, one year of marks, timed through `attend import marks`.

    uv run python bench/import_marks.py                      # 20 million marks: SQLite, then PostgreSQL if it answers
    uv run python bench/import_marks.py --marks 2000000      # scaled down (time targets scaled linearly)
    uv run python bench/import_marks.py --postgres postgres://attend:attend@127.0.0.1:5432/attend
    uv run python bench/import_marks.py --sqlite-only        # or --postgres-only
    uv run python bench/import_marks.py --reimport           # also time re-importing the same file (no changes)
    uv run python bench/import_marks.py --pycache            # time the import with its bytecode compiled, as installed

Builds ~52,000 enrolments in ~120 schools (all data synthetic: LA 999 "Benchshire"), writes marks.csv in date order
(as an MIS export would), then runs `python -m attend import marks` in a child process (the same service function
the command uses) and prints rows, seconds per phase, marks/s, CPU seconds and the child's peak RSS, and PASS/MISS
against issue 22's targets (20 million marks: SQLite < 30 s, PostgreSQL < 20 s, peak memory < 2 GiB). Each engine
runs in its own child process (a temporary SQLite file; a temporary PostgreSQL database on the server given by
--postgres, a PostgreSQL DATABASE_URL or the default local server, dropped afterwards); both use the same CSV.
Quote `uptime` with any figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ENROLMENTS = 52_000
START = dt.date(2024, 9, 2)
# A rough national mix (domain.md 2.3): mostly present, some illness, a little of everything else.
CODES = ["/", "I", "M", "C", "N", "O", "G", "U", "L", "B", "C1", "C2", "J1", "Y1", "E", "R", "T"]
WEIGHTS = [0.925, 0.025, 0.006, 0.004, 0.004, 0.012, 0.006, 0.002, 0.008, 0.002, 0.001, 0.001, 0.001, 0.001,
           0.001, 0.0005, 0.0005]  # fmt: skip


def school_days(n: int) -> list[dt.date]:
    """The first n weekdays from September 2024, skipping half terms and the holidays (roughly)."""
    breaks = [(dt.date(2024, 10, 28), dt.date(2024, 11, 1)), (dt.date(2024, 12, 23), dt.date(2025, 1, 3)),
              (dt.date(2025, 2, 17), dt.date(2025, 2, 21)), (dt.date(2025, 4, 7), dt.date(2025, 4, 21)),
              (dt.date(2025, 5, 26), dt.date(2025, 5, 30))]  # fmt: skip
    days, day = [], START
    while len(days) < n:
        if day.isoweekday() <= 5 and not any(a <= day <= b for a, b in breaks):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def build_la(enrolments: int) -> tuple[list[str], list[int]]:
    """Schools, pupils and enrolments, bulk-created. Returns each enrolment's UPN and school URN."""
    from attend.people.models import Enrolment, Pupil
    from attend.people.upn import make_upn
    from attend.schools.models import LocalAuthority, School

    la = LocalAuthority.objects.create(code="999", name="Benchshire")
    sizes = [1100] * 20 + [300] * ((enrolments - 22_000) // 300)
    sizes[-1] += enrolments - sum(sizes)
    schools = School.objects.bulk_create(
        School(urn=190000 + i, laestab=f"999{2000 + i:04d}", name=f"Benchshire School {i}",
               phase="secondary" if size > 300 else "primary", local_authority=la)
        for i, size in enumerate(sizes)
    )  # fmt: skip
    schools = list(School.objects.order_by("urn"))
    upns, urns, pupils = [], [], []
    for i, (school, size) in enumerate(zip(schools, sizes, strict=True)):
        for k in range(size):
            upn = make_upn("999", f"{2000 + i:04d}", 10 + k // 1000, k % 1000)
            pupils.append(Pupil(upn=upn, legal_forename="Bench", legal_surname=f"Pupil{len(pupils)}",
                                date_of_birth=dt.date(2012, 1, 1), sex="F"))  # fmt: skip
            upns.append(upn)
            urns.append(school.urn)
    Pupil.objects.bulk_create(pupils, batch_size=5000)
    ids = dict(Pupil.objects.values_list("upn", "id"))
    by_urn = {s.urn: s.pk for s in schools}
    Enrolment.objects.bulk_create(
        (Enrolment(pupil_id=ids[u], school_id=by_urn[s], admission_date=START, nc_year="7")
         for u, s in zip(upns, urns, strict=True)),
        batch_size=5000,
    )  # fmt: skip
    return upns, urns


def write_marks(path: Path, upns: list[str], urns: list[int], marks: int, seed: int = 20241) -> int:
    rng = np.random.default_rng(seed)
    n = len(upns)
    sessions_needed = -(-marks // n)
    days = school_days(-(-sessions_needed // 2))
    upn_arr, urn_arr = pa.array(upns), pa.array(urns, pa.int32())
    codes = pa.array(CODES)
    p = np.array(WEIGHTS) / sum(WEIGHTS)
    written = 0
    with pacsv.CSVWriter(path, pa.schema([("upn", pa.string()), ("school_urn", pa.int32()),
                                          ("date", pa.string()), ("session", pa.string()),
                                          ("code", pa.string())])) as writer:  # fmt: skip
        for day in days:
            for session in ("AM", "PM"):
                count = min(n, marks - written)
                if count <= 0:
                    return written
                code_idx = rng.choice(len(CODES), size=count, p=p)
                code = codes.take(pa.array(code_idx))
                if session == "PM":  # present in the afternoon is "\"
                    code = pa.array(np.where(code_idx == 0, "\\", np.array(CODES, dtype=object)[code_idx]))
                writer.write_table(pa.table({
                    "upn": upn_arr.slice(0, count), "school_urn": urn_arr.slice(0, count),
                    "date": pa.array([day.isoformat()] * count), "session": pa.array([session] * count),
                    "code": code,
                }))  # fmt: skip
                written += count
    return written


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


DEFAULT_POSTGRES = "postgres://attend:attend@127.0.0.1:5432/attend"
TARGETS = {"SQLite": 30.0, "PostgreSQL": 20.0}  # seconds for 20 million marks (issue 22)
TARGET_MARKS = 20_000_000
TARGET_RSS_MB = 2048


def run_import(path: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "attend", "import", "marks", str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"import failed ({proc.returncode}):\n{err[-4000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.strip()


def phases_of(summary: str) -> dict[str, float]:
    """The importer's own phase times, from its summary line: "... in 4.2 s (read 0.2 s, validate 0.6 s, ...)"."""
    found = re.search(r"\(([^()]*)\)\s*$", summary)
    return {m[1]: float(m[2]) for m in re.finditer(r"(\w+) ([\d.]+) s", found[1])} if found else {}


def verdict(engine: str, marks: int, seconds: float, import_seconds: float, rss_mb: float) -> str:
    """PASS/MISS against issue 22's targets. At 20 million marks the whole child process's wall time counts; a
    scaled-down run compares the import's own phases (process start excluded: it does not scale) with the time
    target scaled linearly, which is only a hint."""
    target = TARGETS[engine] * marks / TARGET_MARKS
    if marks == TARGET_MARKS:
        timed, what = seconds, ""
    else:
        timed, what = import_seconds, f" (hint only: import phases vs target scaled to {marks:,} marks)"
    time_ok = "PASS" if timed < target else "MISS"
    rss_ok = "PASS" if rss_mb < TARGET_RSS_MB else "MISS"
    return (f"{time_ok} time {timed:.1f} s vs < {target:.1f} s{what}; "
            f"{rss_ok} peak memory {rss_mb:,.0f} MB vs < {TARGET_RSS_MB:,} MB")  # fmt: skip


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable": the bench then runs SQLite only
        return False


# Server settings that shape a bulk load (docs/import-formats.md): printed so figures can be compared.
PG_SETTINGS = ["max_wal_size", "checkpoint_timeout", "shared_buffers", "maintenance_work_mem",
               "max_parallel_maintenance_workers", "wal_level", "synchronous_commit"]  # fmt: skip


def postgres_settings(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
            [PG_SETTINGS],
        ).fetchall()
    return ", ".join(f"{name} {value}" for name, value in rows)


def one_engine(args, postgres: str | None, csv_path: Path) -> None:
    """Build the LA in a fresh database, write marks.csv (unless csv_path exists: same LA, same file), import."""
    engine = "PostgreSQL" if postgres else "SQLite"
    workdir = Path(tempfile.mkdtemp(prefix="attend-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="attend.settings", ATTEND_VAR_DIR=str(workdir))
    bench_db = None
    if postgres:
        import psycopg

        bench_db = f"attend_bench_{os.getpid()}"
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {bench_db}")
        env["DATABASE_URL"] = _with_db(postgres, bench_db)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(env)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        upns, urns = build_la(args.enrolments)
        if not csv_path.exists():
            write_marks(csv_path, upns, urns, args.marks)
        rows = sum(1 for _ in csv_path.open("rb")) - 1
        from django.db import connection

        connection.close()
        print(f"{engine}: built {len(upns):,} enrolments and {rows:,} marks "
              f"({csv_path.stat().st_size / 1e6:,.0f} MB CSV) in {time.perf_counter() - t:.1f} s")  # fmt: skip
        if postgres:
            print(f"  server: {postgres_settings(env['DATABASE_URL'])}")
        if args.pycache:
            # An installed deployment imports from compiled bytecode; with PYTHONDONTWRITEBYTECODE set (as on the
            # development machine) every process compiles ~1,650 modules from source first (~3 s of its start).
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
            subprocess.run(
                [sys.executable, "-m", "attend", "check"], env=env, check=True, capture_output=True
            )
            print("  bytecode: compiled once before timing (--pycache)")
        runs = [("first import", csv_path)] + ([("re-import (unchanged)", csv_path)] if args.reimport else [])
        for label, file in runs:
            load = os.getloadavg()
            seconds, cpu, rss_kb, summary = run_import(file, env)
            phases = phases_of(summary)
            startup = seconds - sum(phases.values())
            print(f"  {engine} {label}: {rows:,} marks in {seconds:.1f} s = {rows / seconds:,.0f} marks/s; "
                  f"CPU {cpu:.1f} s; peak RSS {rss_kb / 1024:,.0f} MB; load average before "
                  f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
            print("    phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
                  + f", process start and shutdown {startup:.1f} s")  # fmt: skip
            print(f"    {summary}")
            if label == "first import":
                print(f"    {engine} {verdict(engine, rows, seconds, sum(phases.values()), rss_kb / 1024)}")
        from attend.registers.models import Mark

        print(f"  marks in database: {Mark.objects.count():,}")
        connection.close()
    finally:
        if bench_db and not args.keep:
            import psycopg

            with psycopg.connect(postgres, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}" + (f" and database {bench_db}" if bench_db else ""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--marks", type=int, default=TARGET_MARKS)
    parser.add_argument("--enrolments", type=int, default=ENROLMENTS)
    parser.add_argument("--postgres", help=f"PostgreSQL server URL (default: DATABASE_URL if it is PostgreSQL, "
                        f"else {DEFAULT_POSTGRES} if it answers)")  # fmt: skip
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even if a server answers")
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite")
    parser.add_argument("--reimport", action="store_true", help="also time a second import of the same file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory / database")
    parser.add_argument(
        "--pycache", action="store_true", help="time the import with its bytecode compiled (as installed)"
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)  # one child run
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = args.postgres or (database_url if database_url.startswith("postgres") else DEFAULT_POSTGRES)
    if args.engine:
        one_engine(args, postgres if args.engine == "postgres" else None, args.csv)
        return
    engines = [] if args.postgres_only else ["sqlite"]
    if not args.sqlite_only:
        if postgres_reachable(postgres):
            engines.append("postgres")
        else:
            print(f"PostgreSQL at {urlsplit(postgres).hostname}:{urlsplit(postgres).port} does not answer: "
                  "SQLite only")  # fmt: skip
    shared = Path(tempfile.mkdtemp(prefix="attend-bench-csv-"))
    try:
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        for engine in engines:  # one child per engine: Django is set up once per process, for one database
            command = [
                sys.executable,
                __file__,
                "--engine",
                engine,
                "--csv",
                str(shared / "marks.csv"),
                "--marks",
                str(args.marks),
                "--enrolments",
                str(args.enrolments),
                "--postgres",
                postgres,
            ]
            command += ["--reimport"] * args.reimport + ["--keep"] * args.keep + ["--pycache"] * args.pycache  # fmt: skip
            subprocess.run(command, check=True)
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    finally:
        shutil.rmtree(shared, ignore_errors=True)


if __name__ == "__main__":
    main()
