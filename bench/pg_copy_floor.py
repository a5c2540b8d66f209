"""The least time PostgreSQL itself needs to load 20 million marks into a table shaped like the marks table.

    uv run python bench/pg_copy_floor.py                       # default local server, 20 million rows
    uv run python bench/pg_copy_floor.py --rows 2000000 --postgres postgres://...

No file is read and nothing is validated: rows are made in memory and sent in binary COPY format with their ids
(as the importer sends them), into a scratch table with no indexes, then the primary key and the unique
(enrolment, date, session) index are built, each by one sort (the importer's bulk path does the same). The sum is
a floor for `bench/import_marks.py`'s PostgreSQL figure: the importer adds reading and validating the file, the
enrolment foreign key and its process start. Prints each step, the server's settings and the machine's load. The
scratch table is dropped at the end. All rows are synthetic.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")

DEFAULT_POSTGRES = "postgres://attend:attend@127.0.0.1:5432/attend"
TABLE = "attend_bench_copy_floor"


def synthetic_batch(rows: int):
    """`rows` marks for 52,000 enrolments, sorted by (enrolment, date, session), as the importer's MarkBatch."""
    import numpy as np

    from attend.registers.imports.marks import MarkBatch

    enrolments = 52_000
    per = -(-rows // enrolments)
    enrolment = np.repeat(np.arange(1, enrolments + 1, dtype=np.int64), per)[:rows]
    position = np.tile(np.arange(per), enrolments)[:rows]
    dates = [f"{2025 + i // 336}-{1 + (i % 336) // 28:02d}-{1 + i % 28:02d}" for i in range(per // 2 + 1)]
    codes = ["/", "\\", "I", "M", "C", "N", "C1"]
    code_idx = np.random.default_rng(1).integers(0, len(codes), rows).astype(np.uint8)
    return MarkBatch(enrolment, (position // 2).astype(np.uint16), dates, (position % 2).astype(np.int8),
                     code_idx, codes)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL", "").startswith("postgres")
                        and os.environ["DATABASE_URL"] or DEFAULT_POSTGRES)  # fmt: skip
    args = parser.parse_args()

    import django

    django.setup()
    import psycopg

    from attend.registers.imports.marks_write import _CHUNK, _COPY_HEADER, _COPY_TRAILER, binary_copy_rows

    batch = synthetic_batch(args.rows)
    print(f"uptime: {os.popen('uptime').read().strip()}")
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        settings = conn.execute(
            "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings "
            "WHERE name IN ('shared_buffers', 'max_wal_size', 'wal_level', 'max_parallel_maintenance_workers')"
        ).fetchone()[0]
        print(f"server: {settings}; {os.cpu_count()} cores")
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(
            f"CREATE TABLE {TABLE} (id bigint NOT NULL, date date NOT NULL, session varchar(2) NOT NULL, "
            "code varchar(2) NOT NULL, enrolment_id bigint NOT NULL)"
        )
    try:
        with psycopg.connect(args.postgres) as conn:
            conn.execute("SET LOCAL maintenance_work_mem = '512MB'")  # as the importer's bulk path
            steps = []
            started = time.perf_counter()
            with conn.cursor().copy(
                f"COPY {TABLE} (id, enrolment_id, date, session, code) FROM STDIN (FORMAT binary)"
            ) as copy:
                copy.write(_COPY_HEADER)
                for start in range(0, len(batch), _CHUNK):
                    copy.write(binary_copy_rows(batch, start, start + _CHUNK, 1))
                copy.write(_COPY_TRAILER)
            steps.append(("COPY (binary, ids in the data, no indexes)", time.perf_counter()))
            conn.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
            steps.append(("primary key", time.perf_counter()))
            conn.execute(
                f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_one UNIQUE (enrolment_id, date, session)"
            )
            steps.append(("unique (enrolment, date, session)", time.perf_counter()))
            conn.commit()
            steps.append(("commit", time.perf_counter()))
        before = started
        for name, at in steps:
            print(f"  {name}: {at - before:.1f} s")
            before = at
        total = steps[-1][1] - started
        print(f"floor: {len(batch):,} rows in {total:.1f} s = {len(batch) / total:,.0f} rows/s "
              f"(issue 22's target for the whole import: < 20 s at 20 million)")  # fmt: skip
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        print(f"uptime: {os.popen('uptime').read().strip()}")


if __name__ == "__main__":
    main()
