"""Benchmark the demo generator: a whole year of marks for a large LA, vectorised (no Python loop per mark).

    uv run python bench/generate_demo.py                 # 100,000 pupils, 2025/26: > 30 million marks
    uv run python bench/generate_demo.py --pupils 20000

Prints the seconds, the marks made and marks per second. Target (2-core machine): 100,000 pupils in < 30 s. This
was a timed unit test until the suite ran on a busy machine; speed targets live here, not in the tests.
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

TARGET_SECONDS = 30


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    import django

    django.setup()
    from attend.demo.generator import DemoConfig, generate

    started = time.perf_counter()
    la = generate(
        DemoConfig(pupils=args.pupils, seed=args.seed, start=dt.date(2025, 9, 1), end=dt.date(2026, 7, 31))
    )
    seconds = time.perf_counter() - started
    marks = la.mark_count()
    print(
        f"pupils: {args.pupils:,}  marks: {marks:,}  seconds: {seconds:.1f}  marks/s: {marks / seconds:,.0f}"
    )
    if args.pupils == 100_000:
        print(f"target < {TARGET_SECONDS} s: {'met' if seconds < TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
