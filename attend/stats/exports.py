"""Exports of the statistics store (reached through `attend export marks --format parquet DIR`)."""

from __future__ import annotations

from pathlib import Path

from attend.analytics.store import export_parquet

from . import store

FORMATS = ("parquet",)


def export_marks(directory: str | Path, *, format: str = "parquet") -> Path:
    """Write the marks store as Parquet partitioned by academic year and school, refreshing it first if stale.

    Layout: marks/academic_year=Y/school_id=N/*.parquet, enrolments.parquet, codes.parquet (docs/statistics.md).
    """
    if format not in FORMATS:
        raise ValueError(f"Unknown export format {format!r}: choose from {', '.join(FORMATS)}")
    store.refresh(force=False)
    return export_parquet(store.store_dir(), directory)
