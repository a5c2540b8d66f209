"""Alert evaluation benchmark (issue 22): how long the rules take, and how many alert rows they write.

    uv run python bench/alerts_evaluate.py --var-dir /tmp/prof-alerts --today 2026-07-17   # an LA already loaded
    uv run python bench/alerts_evaluate.py --pupils 5000 --schools 20                      # builds one (kept)

Passes, each printing the evaluation's own seconds and its summary (rows written = raised + returned + changed +
cleared):
  1. whole LA   — `alerts_evaluate` of every school as of today, as the nightly schedule runs it; run again if the
                  first run found changes (the data's first evaluation with this code), so the figure is the
                  "nothing changed" one (target < 30 s at 50,000 pupils, no rows written);
  2. one school — the school with the most pupils, whole;
  3. ~1,000 marks — a one-school one-day marks file (that day's marks of the school, one in ten changed) is
                  imported, then the evaluation the import queues (only the enrolments it carried, with the school's
                  school-level rules) and the statistics store's refresh are timed (target < 10 s together);
  4. 5 marks    — a five-mark correction, the same way (target < 5 s together).
The imports change the data folder: use a copy. The store refresh is attend.stats.tasks.refresh_store (the task
the import queues); its seconds are printed beside the evaluation's.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return out, seconds


def _marks_file(folder: Path, name: str, rows) -> Path:
    path = folder / name
    lines = ["upn,school_urn,date,session,code"]
    lines += [f"{upn},{urn},{day.isoformat()},{session},{code}" for upn, urn, day, session, code in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _day_rows(school, day, every: int, limit: int | None = None):
    """The school's marks on `day` as file rows, one in `every` changed (present <-> unauthorised absence)."""
    from attend.registers.models import Mark

    marks = (
        Mark.objects.filter(enrolment__school=school, date=day)
        .order_by("enrolment_id", "session")
        .values_list("enrolment__pupil__upn", "session", "code")
    )
    rows = []
    for i, (upn, session, code) in enumerate(marks[:limit] if limit else marks):
        if i % every == 0:
            code = "O" if code in ("/", "\\", "L") else ("/" if session == "AM" else "\\")
        rows.append((upn, school.urn, day, session, code))
    return rows


def _after_import(path: Path, label: str) -> None:
    from attend.alerts.tasks import evaluate_schools
    from attend.registers.imports import import_file
    from attend.stats.tasks import refresh_store

    result, _ = _timed(f"{label}: import", lambda: import_file("marks", path))
    ids = result.enrolment_ids
    print(f"  {label}: {result.rows:,} marks for {len(ids):,} enrolments")
    _, store = _timed(f"{label}: statistics store refresh", lambda: refresh_store.call())
    outcome, evaluation = _timed(
        f"{label}: evaluation",
        lambda: evaluate_schools.call(school_ids=sorted(result.school_ids), as_of=None, enrolment_ids=ids),
    )
    print(f"  {label}: {outcome['summary']}")
    print(
        f"  {label}: background work {store + evaluation:.1f} s (store {store:.1f} s + alerts {evaluation:.1f} s)"
    )


def measure() -> None:
    """In a child process (ATTEND_VAR_DIR, ATTEND_TODAY set)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from attend.alerts.evaluation import alerts_evaluate
    from attend.core import clock
    from attend.schools.models import School

    settings.ALERTS_AFTER_IMPORT = "off"  # the evaluation after each import is timed here, not inline
    today = clock.today()
    print(f"Evaluating as of {today}; {os.getloadavg()[0]:.2f} load average (1 min)", flush=True)
    result, seconds = _timed("whole LA", lambda: alerts_evaluate(as_of=today))
    print(f"  whole LA: {result}; {result.written:,} rows written", flush=True)
    if result.written:
        result, seconds = _timed("whole LA, nothing changed", lambda: alerts_evaluate(as_of=today))
        print(f"  whole LA, nothing changed: {result}; {result.written:,} rows written", flush=True)
    school = School.objects.annotate(n=Count("enrolments")).order_by("-n", "urn").first()
    result, _ = _timed(f"one school ({school.urn})", lambda: alerts_evaluate(as_of=today, school=school))
    print(f"  one school: {result}; {result.written:,} rows written", flush=True)
    folder = Path(settings.VAR_DIR)
    _after_import(_marks_file(folder, "bench-day.csv", _day_rows(school, today, every=10)), "~1,000 marks")
    _after_import(
        _marks_file(folder, "bench-five.csv", _day_rows(school, today, every=1, limit=5)), "5 marks"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--var-dir", type=Path, help="an LA already loaded (e.g. a copy of the bench LA)")
    parser.add_argument("--today", default="2026-07-17", help="the evaluation's today (the data's last day)")
    parser.add_argument("--pupils", type=int, default=5000, help="without --var-dir: the LA to build")
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return
    folder = (args.var_dir or ROOT / "var" / "bench" / f"web_{args.pupils}p").resolve()
    env = {
        **os.environ,
        "ATTEND_VAR_DIR": str(folder),
        "ATTEND_TODAY": args.today,
        "ATTEND_SECRET_KEY": os.environ.get("ATTEND_SECRET_KEY") or secrets.token_urlsafe(50),
    }
    env.pop("DATABASE_URL", None)
    if not (folder / "attend.sqlite3").exists():  # build it as bench/web_pages.py does (and for it to reuse)
        folder.mkdir(parents=True, exist_ok=True)
        load = [sys.executable, str(ROOT / "bench" / "web_pages.py"), "--load-only"]
        load += ["--pupils", str(args.pupils), "--schools", str(args.schools), "--year-end", args.today]
        subprocess.run(load, env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, "-m", "attend", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True
    )
    subprocess.run([sys.executable, __file__, "--measure"], env=env, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
