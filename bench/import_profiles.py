"""Benchmark import profiles: a wide register report against Attend's long marks.csv, the same marks, one run.

    uv run python bench/import_profiles.py                   # 1,500 pupils x 380 sessions = 570,000 marks, SQLite
    uv run python bench/import_profiles.py --postgres postgres://attend:attend@127.0.0.1:5432/attend
    uv run python bench/import_profiles.py --pupils 300      # scaled down

Builds one secondary school (synthetic: LA 999 "Benchshire", URN 190000) with 1,500 pupils on roll all year, and a
whole year of marks (190 school days, AM and PM). Writes them twice: as a wide register report (a title line, then
`UPN,Name,Mon 01/09/2025 AM,...`, one row per pupil, a blank cell where a pupil has no mark) read through a saved
import profile, and as Attend's long marks.csv. Each file is imported by `python -m attend import marks` in a child
process into its own copy of the freshly built database (so both write 570,000 new marks), and the seconds and
their ratio are printed (issue 21 target: wide < 15 s and <= 1.5x long on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_marks import CODES, WEIGHTS, _with_db  # noqa: E402

URN = 190000
START = dt.date(2025, 9, 1)
PROFILE = "Benchshire wide register"


def run_import(path: Path, env: dict[str, str], extra: list[str]) -> tuple[float, float, int, str]:
    """`python -m attend import marks PATH [extra]` in a child: wall seconds, CPU seconds, peak RSS (kB), output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "attend", "import", "marks", str(path), *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"import failed ({proc.returncode}):\n{err[-4000:]}")
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, usage.ru_maxrss, out.strip()


def school_days(n: int) -> list[dt.date]:
    """n weekdays from September 2025, skipping half terms and holidays (roughly)."""
    breaks = [(dt.date(2025, 10, 27), dt.date(2025, 10, 31)), (dt.date(2025, 12, 22), dt.date(2026, 1, 2)),
              (dt.date(2026, 2, 16), dt.date(2026, 2, 20)), (dt.date(2026, 3, 30), dt.date(2026, 4, 10)),
              (dt.date(2026, 5, 25), dt.date(2026, 5, 29))]  # fmt: skip
    days, day = [], START
    while len(days) < n:
        if day.isoweekday() <= 5 and not any(a <= day <= b for a, b in breaks):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def build_school(pupils: int) -> list[str]:
    from attend.people.models import Enrolment, Pupil
    from attend.people.upn import make_upn
    from attend.registers.imports.profiles import ProfileSpec, save_profile
    from attend.schools.models import LocalAuthority, School

    la = LocalAuthority.objects.create(code="999", name="Benchshire")
    school = School.objects.create(urn=URN, laestab="9994000", name="Benchshire Academy", phase="secondary",
                                   local_authority=la)  # fmt: skip
    upns = [make_upn("999", "4000", 10 + k // 1000, k % 1000) for k in range(pupils)]
    Pupil.objects.bulk_create(
        (Pupil(upn=u, legal_forename="Bench", legal_surname=f"Pupil{k}", date_of_birth=dt.date(2012, 1, 1), sex="F")
         for k, u in enumerate(upns)), batch_size=5000,
    )  # fmt: skip
    ids = dict(Pupil.objects.values_list("upn", "id"))
    Enrolment.objects.bulk_create(
        (Enrolment(pupil_id=ids[u], school=school, admission_date=START, nc_year="8") for u in upns),
        batch_size=5000,
    )
    spec = ProfileSpec(layout="wide", columns={"upn": "UPN"}, school_urn=str(URN), date_format="dd/mm/yyyy")
    save_profile(by=None, name=PROFILE, spec=spec, school=school)
    return upns


def make_codes(n: int, sessions: int, seed: int = 20251) -> np.ndarray:
    """codes[session, pupil] as indexes into CODES (PM present written as "\\")."""
    rng = np.random.default_rng(seed)
    p = np.array(WEIGHTS) / sum(WEIGHTS)
    return rng.choice(len(CODES), size=(sessions, n), p=p)


def code_text(idx: np.ndarray, pm: bool) -> pa.Array:
    text = np.array(CODES, dtype=object)[idx]
    if pm:
        text = np.where(idx == 0, "\\", text)
    return pa.array(text, pa.string())


def write_wide(
    path: Path, upns: list[str], days: list[dt.date], codes: np.ndarray, blanks: np.ndarray
) -> int:
    columns = {"UPN": pa.array(upns), "Name": pa.array([f"Pupil {k}" for k in range(len(upns))])}
    marks = 0
    for s in range(len(days) * 2):
        day, pm = days[s // 2], s % 2 == 1
        cells = code_text(codes[s], pm)
        cells = pa.array(np.where(blanks[s], "", np.asarray(cells.to_pylist(), dtype=object)), pa.string())
        marks += int((~blanks[s]).sum())
        columns[f"{day:%a %d/%m/%Y} {'PM' if pm else 'AM'}"] = cells
    with path.open("w", encoding="utf-8") as f:
        f.write("Attendance register report: Benchshire Academy, 2025/26\n")
    with path.open("ab") as f:
        pacsv.write_csv(pa.table(columns), f, pacsv.WriteOptions(quoting_style="needed"))
    return marks


def write_long(
    path: Path, upns: list[str], days: list[dt.date], codes: np.ndarray, blanks: np.ndarray
) -> int:
    upn_arr = pa.array(upns)
    schema = pa.schema([(n, pa.string()) for n in ("upn", "school_urn", "date", "session", "code")])
    written = 0
    with pacsv.CSVWriter(path, schema, write_options=pacsv.WriteOptions(quoting_style="needed")) as writer:
        for s in range(len(days) * 2):
            keep = pa.array(~blanks[s])
            count = int((~blanks[s]).sum())
            day, session = days[s // 2], "PM" if s % 2 else "AM"
            writer.write_table(pa.table({
                "upn": upn_arr.filter(keep), "school_urn": pa.repeat(pa.scalar(str(URN)), count),
                "date": pa.repeat(pa.scalar(day.isoformat()), count),
                "session": pa.repeat(pa.scalar(session), count),
                "code": code_text(codes[s], s % 2 == 1).filter(keep),
            }, schema=schema))  # fmt: skip
            written += count
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=1500)
    parser.add_argument("--days", type=int, default=190)
    parser.add_argument(
        "--postgres", help="PostgreSQL server URL (default: DATABASE_URL if it is PostgreSQL)"
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    postgres = args.postgres or (url if url.startswith("postgres") else None)
    workdir = Path(tempfile.mkdtemp(prefix="attend-bench-profiles-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="attend.settings", ATTEND_VAR_DIR=str(workdir))
    databases: list[str] = []
    if postgres:
        import psycopg

        base = f"attend_bench_prof_{os.getpid()}"
        databases = [base, f"{base}_wide", f"{base}_long"]
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {base}")
        env["DATABASE_URL"] = _with_db(postgres, base)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'base.sqlite3'}"
    os.environ.update(env)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        upns = build_school(args.pupils)
        days = school_days(args.days)
        codes = make_codes(len(upns), len(days) * 2)
        # A few cells with no mark (a pupil's sessions before a late start are blank in a register report).
        blanks = np.zeros(codes.shape, dtype=bool)
        blanks[:4, : len(upns) // 100] = True
        wide, long = workdir / "register-wide.csv", workdir / "marks.csv"
        marks = write_wide(wide, upns, days, codes, blanks)
        assert write_long(long, upns, days, codes, blanks) == marks
        from django.db import connection

        connection.close()
        print(f"database: {'PostgreSQL' if postgres else 'SQLite'}; {len(upns):,} pupils, {len(days)} days, "
              f"{marks:,} marks; wide file {wide.stat().st_size / 1e6:.1f} MB, long file "
              f"{long.stat().st_size / 1e6:.1f} MB; built in {time.perf_counter() - t:.1f} s")  # fmt: skip
        results = {}
        for label, file, extra in (("wide", wide, ["--profile", PROFILE]), ("long", long, [])):
            run_env = dict(env)
            if postgres:
                with psycopg.connect(postgres, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {base}_{label} TEMPLATE {base}")
                run_env["DATABASE_URL"] = _with_db(postgres, f"{base}_{label}")
            else:
                copy = workdir / f"{label}.sqlite3"
                shutil.copyfile(workdir / "base.sqlite3", copy)
                run_env["DATABASE_URL"] = f"sqlite:///{copy}"
            load = os.getloadavg()[0]
            seconds, cpu, rss_kb, summary = run_import(file, run_env, extra)
            # The import's own seconds (import_file's clock, in the summary); the process also starts Django.
            results[label] = float(re.search(r" unchanged in ([0-9.]+) s", summary)[1])
            print(f"{label}: {marks:,} marks imported in {results[label]:.1f} s (process {seconds:.1f} s, CPU "
                  f"{cpu:.1f} s, peak RSS {rss_kb / 1024:,.0f} MB; load average before {load:.1f})\n  {summary}")  # fmt: skip
        ratio = results["wide"] / results["long"]
        verdict = "meets" if results["wide"] < 15 and ratio <= 1.5 else "misses"
        print(f"wide / long = {ratio:.2f} ({verdict} the target: wide < 15 s and <= 1.5x long)")
        print(f"machine: {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f} (shared machine)")
    finally:
        if postgres and not args.keep:
            with psycopg.connect(postgres, autocommit=True) as conn:
                for name in databases:
                    conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")


if __name__ == "__main__":
    main()
