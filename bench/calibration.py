"""Calibration report: the demo LA's DfE-rule statistics beside the published figures (domain.md §2).

    uv run python bench/calibration.py [--pupils 100000] [--seed 1] [--schools 20] [--year 2025]

Generates a full academic year (the year starting in September of --year) in memory, computes PA, SA, absence
rates, reason mix, group gaps, year groups, weekday, end-of-term and monthly illness figures with the DfE rules,
and prints them with pass/fail against the targets. Exit status 1 if any target fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025, help="academic year start (default 2025 = 2025/26)")
    args = parser.parse_args()

    from attend.demo.checks import calibration_checks, compute, format_checks
    from attend.demo.generator import DemoConfig, generate

    t0 = time.perf_counter()
    la = generate(
        DemoConfig(
            pupils=args.pupils,
            schools=args.schools,
            seed=args.seed,
            start=dt.date(args.year, 9, 1),
            end=dt.date(args.year + 1, 7, 31),
        )
    )
    t1 = time.perf_counter()
    stats = compute(la)
    checks = calibration_checks(stats)
    t2 = time.perf_counter()
    print(
        f"Demo LA: {args.pupils:,} pupils, {len(la.pupils):,} enrolments, {args.schools} schools, seed {args.seed}, "
        f"{la.start} to {la.end}: {la.mark_count():,} marks"
    )
    print(f"generated in {t1 - t0:.1f} s, statistics in {t2 - t1:.1f} s")
    counts = stats.enrolments.phase.value_counts()
    print("cohort enrolments (Y1-Y11): " + ", ".join(f"{p} {counts.get(p, 0):,}" for p in counts.index))
    print()
    print(format_checks(checks))
    failed = [c for c in checks if c.passed is False]
    targets = [c for c in checks if c.passed is not None]
    print()
    print(f"{len(targets) - len(failed)} of {len(targets)} targets pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
