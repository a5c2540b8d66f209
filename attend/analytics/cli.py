"""Run the statistics on Spark (or DuckDB) over a Parquet export, with no Django and no database.

For an LA or DfE-sized estate: export on the Attend server (`attend export marks --format parquet DIR`), copy
DIR to shared storage (HDFS, S3, ADLS...), then on the cluster:

    spark-submit --master yarn --py-files attend.zip -m attend.analytics.cli \\
        --parquet s3a://bucket/attend --report pupils --from 2025-09-01 --to 2026-07-17 --out s3a://bucket/out/pupils

or locally: `python -m attend.analytics.cli --engine spark --master local[4] --parquet DIR --report schools`.
Small reports (schools, groups, periods) print CSV; with --out they and the pupil table are written as Parquet
by the engine itself, so the pupil-level table never has to fit on the driver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from . import measures as m
from . import reports
from .engine import parquet_source


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parquet", required=True, help="directory written by `attend export marks`")
    parser.add_argument(
        "--report", default="schools", choices=["pupils", "schools", "groups", "weekday", "week", "month"]
    )
    parser.add_argument("--by", action="append", default=[], help="group field (groups)")
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat)
    parser.add_argument("--cohort", default=m.DEFAULT_COHORT, choices=list(m.COHORTS))
    parser.add_argument("--engine", default="spark", choices=["spark", "duckdb"])
    parser.add_argument(
        "--master", default=None, help="Spark master (default: from spark-submit, else local[*])"
    )
    parser.add_argument("--out", help="write Parquet here instead of printing CSV")
    args = parser.parse_args(argv)

    if args.engine == "spark":
        from .engine import spark_connect, spark_session

        con = spark_connect(spark_session(master=args.master, shuffle_partitions=200))
    else:
        import ibis

        con = ibis.duckdb.connect()
    src = parquet_source(con, args.parquet)
    kw = {"start": args.start, "end": args.end, "cohort": args.cohort}
    if args.report == "pupils":
        expr = m.enrolment_measures(src, **kw)
    elif args.report in ("schools", "groups"):
        fields = (
            reports.group_fields(args.by or "school") if args.report == "groups" else reports.SCHOOL_FIELDS
        )
        expr = m.group_measures(m.enrolment_measures(src, **kw), fields, src)
    else:
        expr = m.period_measures(m.daily_measures(src, **kw), ["school_id"], args.report, src)
    if args.out:
        con.to_parquet(expr, args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        src.to_arrow(expr).to_pandas().to_csv(sys.stdout, index=False)


if __name__ == "__main__":
    main()
