"""Attendance statistics as engine-portable Ibis expressions. Plain Python: nothing here imports Django.

Layers (see docs/statistics.md):

- `definitions` - the DfE measures, defined once over per-code session counts (plain numbers or Ibis columns);
- `store` - the persistent columnar copy of the marks (a DuckDB file) and its Parquet export;
- `engine` - the only place that opens connections (DuckDB by default; Spark on request, imported lazily);
- `measures` - one row per enrolment / group / day, as Ibis expressions over the store's tables;
- `reports` - the shapes the CLI, exports and web pages use.
"""
