"""Benchmark the marks import: a synthetic local authority, one year of marks, timed through `attend import marks`.

    uv run python bench/import_marks.py                      # 20 million marks into a temporary SQLite database
    uv run python bench/import_marks.py --marks 1000000      # scaled down
    uv run python bench/import_marks.py --postgres postgres://attend:attend@127.0.0.1:5432/attend
    uv run python bench/import_marks.py --reimport           # also time re-importing the same file (no changes)

Builds ~52,000 enrolments in ~120 schools (all data synthetic: LA 999 "Benchshire"), writes marks.csv in date order
(as an MIS export would), then runs `python -m attend import marks` in a child process (the same service function
the command uses) and prints rows, seconds, marks/s and the child's peak RSS. With --postgres (or a PostgreSQL
DATABASE_URL) a temporary database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--marks", type=int, default=20_000_000)
    parser.add_argument("--enrolments", type=int, default=ENROLMENTS)
    parser.add_argument(
        "--postgres", help="PostgreSQL server URL (default: DATABASE_URL if it is PostgreSQL)"
    )
    parser.add_argument("--reimport", action="store_true", help="also time a second import of the same file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory / database")
    args = parser.parse_args()

    postgres = args.postgres or (os.environ.get("DATABASE_URL", "") if
                                 os.environ.get("DATABASE_URL", "").startswith("postgres") else None)  # fmt: skip
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
        path = workdir / "marks.csv"
        rows = write_marks(path, upns, urns, args.marks)
        from django.db import connection

        connection.close()
        print(f"database: {'PostgreSQL' if postgres else 'SQLite'}; built {len(upns):,} enrolments and "
              f"{rows:,} marks ({path.stat().st_size / 1e6:,.0f} MB CSV) in {time.perf_counter() - t:.1f} s")  # fmt: skip
        runs = [("first import", path)] + ([("re-import (unchanged)", path)] if args.reimport else [])
        for label, file in runs:
            load = os.getloadavg()[0]
            seconds, cpu, rss_kb, summary = run_import(file, env)
            print(f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} marks/s; "
                  f"CPU {cpu:.1f} s; peak RSS {rss_kb / 1024:,.0f} MB; load average before {load:.1f}")  # fmt: skip
            print(f"  {summary}")
        from attend.registers.models import Mark

        print(f"marks in database: {Mark.objects.count():,}")
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


if __name__ == "__main__":
    main()
