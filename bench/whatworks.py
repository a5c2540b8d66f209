"""What-works benchmark: the matched comparison for an LA of 50,000 pupils (target < 5 s).

    uv run python bench/whatworks.py                    # 50,000 pupils (store cached in var/bench)
    uv run python bench/whatworks.py --pupils 5000

Data: a synthetic statistics store from bench/stats_data.py (one academic year, 380 sessions a pupil, the
national reason mix) and synthetic episodes for 2% of pupils (support plans, meetings, part-time timetables),
their start dates spread over 40 school days in the autumn term, the report as of late January. Timed: the
set-based DuckDB part (`whatworks.episode_figures`: windows for every episode and every candidate comparison
pupil, and the matching) plus the grouping and confidence intervals, warm, median of --runs. The ORM queries that
list the episodes (one per kind of intervention, a few thousand rows) are not in the timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from stats_data import generate_store, school_days  # noqa: E402

from attend.analytics.engine import duckdb_store  # noqa: E402
from attend.analytics.store import store_path  # noqa: E402
from attend.partnership import whatworks  # noqa: E402

KINDS = [
    ("plan", "Support plan"),
    ("meeting:parent", "Meeting: parents"),
    ("part_time", "Part-time timetable"),
]


def episodes(pupils: int, share: float = 0.02, seed: int = 7) -> list[whatworks.Episode]:
    rng = np.random.default_rng(seed)
    days = school_days(2025)[25:65]  # 40 school days, October to early December
    chosen = rng.choice(np.arange(1, pupils + 1), int(pupils * share), replace=False)
    out = []
    for i, pupil_id in enumerate(chosen):
        key, label = KINDS[i % len(KINDS)]
        start = whatworks.EPOCH + dt.timedelta(days=int(rng.choice(days)))
        out.append(whatworks.Episode(key, label, int(pupil_id), start))
    return out


def run(con, eps, school_ids, as_of) -> list[whatworks.Group]:
    figures = {f["ep_id"]: f for f in whatworks.episode_figures(con, eps, school_ids, as_of)}
    groups: dict[str, whatworks.Group] = {}
    for i, e in enumerate(eps):
        if i in figures:
            groups.setdefault(e.label, whatworks.Group("intervention", e.label))._rows.append(figures[i])
    return [whatworks._summarise(g) for g in groups.values()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args()
    directory = Path(args.dir) / f"whatworks_{args.pupils}"
    if not store_path(directory).exists():
        t = time.perf_counter()
        generate_store(directory, pupils=args.pupils)
        print(f"generated the store in {time.perf_counter() - t:.1f} s")
    src = duckdb_store(directory)
    con = src.con.con
    marks = con.execute("select count(*) from marks").fetchone()[0]
    school_ids = [
        r[0] for r in con.execute("select distinct school_id from enrolments order by 1").fetchall()
    ]
    eps = episodes(args.pupils)
    as_of = dt.date(2026, 1, 28)
    print(f"data: {args.pupils:,} pupils, {len(school_ids)} schools, {marks:,} marks, {len(eps):,} episodes")
    times = []
    for _ in range(args.runs + 1):
        t = time.perf_counter()
        groups = run(con, eps, school_ids, as_of)
        times.append(time.perf_counter() - t)
    for g in groups:
        figure = f"{g.difference:+.2f} ({g.ci_low:+.2f} to {g.ci_high:+.2f})" if g.shown else "not shown"
        print(
            f"  {g.label}: {g.matched} of {g.episodes} matched, {g.comparison_matches:,} comparison matches, "
            f"difference {figure}"
        )
    med = statistics.median(times[1:])
    print(
        f"what-works report: cold {times[0]:.2f} s, warm median {med:.2f} s over {args.runs} runs (target < 5 s)"
    )


if __name__ == "__main__":
    main()
