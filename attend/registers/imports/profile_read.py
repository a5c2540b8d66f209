"""Reading an MIS report through a profile: the file's grid of text -> Attend's five mark columns.

`read_grid` finds the header (title lines above it are skipped) and reads the body as a table of strings (pyarrow;
Python's csv module when pyarrow cannot parse it line for line, e.g. a ragged footer). `to_marks` turns the body
into the canonical table (upn, school_urn, date, session, code) that marks.py validates and writes, with each
row's physical line, the problems of the reading step (`file:line: field: reason`) and the rows with problems
left out (so the marks importer does not report them twice). Long and wide layouts: profile_wide.py has the melt.
"""

from __future__ import annotations

import csv
import io
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .common import Problems, header_name, is_gzip, non_utf8_line, open_bytes, open_text
from .profile_dates import SESSION_REASON, date_problem, parse_any_date, parse_header, parse_session

NOT_TEXT = "the file is neither UTF-8 nor Windows-1252 text (save it from the MIS or Excel as CSV)"
# How far down a file the header is looked for (report titles, filters, run dates above it).
HEADER_SEARCH_LINES = 60


@dataclass
class Grid:
    """The file as text: `header` (the header row's cells; for a two-row wide header, `header2` is the second
    row), `header_line` (physical, 1-based), and the body as a table of string columns c0..cN with `lines`."""

    header: list[str]
    header_line: int
    body: pa.Table
    lines: np.ndarray
    header2: list[str] | None = None
    title_lines: int = 0

    @property
    def last_header_line(self) -> int:
        return self.header_line + (1 if self.header2 is not None else 0)


@dataclass
class Marks:
    """The canonical table and what the reading step found."""

    table: pa.Table
    lines: np.ndarray
    order: np.ndarray  # sorts rows as the file shows them (line, then column for a wide report)
    skipped_headers: list[int] = field(default_factory=list)  # lines of repeated header rows (not problems)


@contextmanager
def readable_copy(path: Path):
    """The file as UTF-8: itself, or (a file that is not UTF-8 but is Windows-1252, as Excel's plain "CSV" saves
    it) a UTF-8 copy for as long as the block runs; None if it is neither. Only the text changes encoding: lines
    stay where they were, and UPNs, dates and codes are plain ASCII in both."""
    if non_utf8_line(path) is None:
        yield path
        return
    try:
        with open_bytes(path) as f:
            text = f.read().decode("cp1252")
    except (UnicodeDecodeError, OSError, EOFError):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="attend-profile-") as tmp:
        copy = Path(tmp) / path.name.removesuffix(".gz")
        copy.write_text(text, encoding="utf-8", newline="")
        yield copy


def _head_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The first HEADER_SEARCH_LINES records with their physical lines."""
    out: list[tuple[int, list[str]]] = []
    with open_text(path) as f:
        reader = csv.reader(f)
        line = 1
        try:
            for record in reader:
                out.append((line, [c.replace("\ufeff", "") for c in record]))
                line = reader.line_num + 1
                if len(out) >= HEADER_SEARCH_LINES:
                    break
        except (csv.Error, UnicodeDecodeError):
            pass
    return out


def _filled(record: list[str]) -> int:
    return sum(1 for c in record if c.strip())


def _looks_like_header(record: list[str], known: set[str]) -> bool:
    cells = [header_name(c) for c in record if c.strip()]
    if len(cells) < 2:
        return False
    named = sum(1 for c in cells if c in known)
    dated = sum(1 for c in cells if (h := parse_header(c)) is not None and h.session is not None)
    return named >= 1 or dated >= 2


def find_header(
    path: Path, known: set[str], header_line: int = 0, two_rows=None
) -> tuple[int, list[str]] | None:
    """(line, cells) of the header row: the given line, or the first row that names a known column (or carries
    two or more session headers), or failing that the first row with two or more cells filled. When that row
    is the second of a two-row header (`two_rows(row above, row)`: a date row above an AM/PM row), the first."""
    rows = _head_rows(path)
    if header_line:
        return next(((n, r) for n, r in rows if n == header_line), None)
    found = next(((n, r) for n, r in rows if _looks_like_header(r, known)), None)
    if found is None:
        found = next(((n, r) for n, r in rows if _filled(r) >= 2), None)
    if found is not None and two_rows is not None:
        above = dict(rows).get(found[0] - 1)
        if above is not None and two_rows(above, found[1]):
            return found[0] - 1, above
    return found


def _fast_body(path: Path, skip: int, width: int) -> pa.Table | None:
    names = [f"c{i}" for i in range(width)]
    try:
        source = pa.input_stream(str(path), compression="gzip" if is_gzip(path) else None)
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=16 << 20, column_names=names, skip_rows=skip),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
        return None


def _slow_body(path: Path, after_line: int, width: int, problems: Problems) -> tuple[pa.Table, np.ndarray]:
    """Python csv: exact lines; blank lines skipped; a short row is padded (reports drop trailing empty cells), a
    long one with text beyond the header's width is a problem."""
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    with open_text(path) as f:
        reader = csv.reader(io.StringIO(f.read(), newline=""))
    line = 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if start <= after_line or not any(c.strip() for c in record):
            continue
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.add(start, "row", f"expected {width} fields (as the header), found {len(record)}")
            continue
        record = record[:width] + [""] * (width - len(record))
        for i in range(width):
            columns[i].append(record[i])
        lines.append(start)
    body = pa.table({f"c{i}": pa.array(columns[i], pa.string()) for i in range(width)})
    return body, np.array(lines, dtype=np.int64)


def read_grid(path: Path, problems: Problems, *, known: set[str], header_line: int, two_rows) -> Grid | None:
    """The grid, or None (with a problem) if the file cannot be read. `two_rows(header, next_row) -> bool` says
    whether the header continues on the next row (a wide report's AM/PM row under its date row)."""
    if (bad_line := non_utf8_line(path)) is not None:
        problems.add(bad_line, "file", NOT_TEXT)
        return None
    found = find_header(path, known, header_line, two_rows)
    if found is None:
        what = f"line {header_line} is not in the file" if header_line else "no header row was found"
        problems.add(header_line or 1, "header", what)
        return None
    line, header = found
    rows = dict(_head_rows(path))
    header2 = rows.get(line + 1) if two_rows(header, rows.get(line + 1)) else None
    last = line + (1 if header2 is not None else 0)
    width = max(len(header), len(header2 or []))
    header = header + [""] * (width - len(header))
    if header2 is not None:
        header2 = header2 + [""] * (width - len(header2))
    body = None
    # Fast path only when every record so far is one physical line (then record number = line number).
    if all(n == i + 1 for i, n in enumerate(sorted(rows))):
        body = _fast_body(path, last, width)
    if body is not None and body.num_rows:
        lines = np.arange(last + 1, last + 1 + body.num_rows, dtype=np.int64)
    else:
        body, lines = _slow_body(path, last, width, problems)
    return Grid(header, line, body, lines, header2, title_lines=line - 1)


def _clean(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(column)


def column_index(header: list[str], wanted: str) -> int | None:
    name = header_name(wanted)
    matches = [i for i, h in enumerate(header) if header_name(h) == name]
    return matches[0] if matches else None


def fill_down(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Blank cells take the value of the nearest filled cell above (a merged cell exported as blanks)."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    blank = np.asarray(pc.equal(values, "").to_numpy(zero_copy_only=False), dtype=bool)
    source = np.where(blank, 0, np.arange(len(values)))
    source = np.maximum.accumulate(source) if len(source) else source
    return values.take(pa.array(source))


def blank_below_filled(values: pa.Array, lines: np.ndarray, field_name: str, label: str, problems: Problems):
    """Rows whose `values` cell is blank below a filled one (merged cells exported as blanks): one problem each;
    returns the mask of those rows."""
    blank = np.asarray(pc.equal(values, "").to_numpy(zero_copy_only=False), dtype=bool)
    seen_filled = np.maximum.accumulate(~blank) if len(blank) else blank
    below = blank & np.r_[False, seen_filled[:-1]] if len(blank) else blank
    for row in np.flatnonzero(below)[:1000].tolist():
        problems.add(
            int(lines[row]),
            field_name,
            f"blank, below a row with a {label}: merged cells exported as blanks? Fill them in, or set the "
            f"profile's fill_down for this column to copy the value above",
        )
    problems.total += max(0, int(below.sum()) - 1000)
    return below


def map_values(column: pa.Array, parse) -> tuple[pa.Array, np.ndarray]:
    """`parse(value) -> str | None` once per distinct value: the parsed column ("" where bad) and the bad mask."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks() if encoded.num_chunks != 1 else encoded.chunk(0)
    distinct = encoded.dictionary.to_pylist()
    parsed = [parse(v) for v in distinct]
    bad_values = np.array([p is None for p in parsed] or [False], dtype=bool)
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    mapped = pa.array([p or "" for p in parsed], pa.string()).take(pa.array(indices))
    return mapped, bad_values[indices] if len(distinct) else np.zeros(len(column), dtype=bool)


def long_marks(grid: Grid, spec, problems: Problems) -> Marks | None:
    """One row per pupil per session."""
    needed = ["upn", "date", "session", "code"] + ([] if spec.school_urn else ["school_urn"])
    where = _locate(grid, spec, needed, problems)
    if where is None:
        return None
    body, lines = grid.body, grid.lines
    cols = {f: _clean(body.column(i)).combine_chunks() for f, i in where.items()}
    n = len(lines)
    # A repeated header (reports print it on every page: every mapped cell is its header) is skipped.
    repeat = np.ones(n, dtype=bool)
    for f, i in where.items():
        repeat &= np.asarray(
            pc.equal(pc.utf8_lower(cols[f]), header_name(grid.header[i])).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
    blank = np.ones(n, dtype=bool)
    for f in where:
        blank &= np.asarray(pc.equal(cols[f], "").to_numpy(zero_copy_only=False), dtype=bool)
    if spec.no_mark:  # a row whose code means "no mark" carries no mark
        blank |= np.asarray(
            pc.is_in(cols["code"], pa.array(spec.no_mark, pa.string())).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
    keep = ~(repeat | blank)
    skipped = lines[repeat].tolist()
    lines = lines[keep]
    cols = {f: c.filter(pa.array(keep)) for f, c in cols.items()}
    bad = np.zeros(len(lines), dtype=bool)
    for f, label in (("upn", "UPN"), ("date", "date"), ("school_urn", "school URN")):
        if f not in cols:
            continue
        if f in spec.fill_down:
            cols[f] = fill_down(cols[f])
        else:
            bad |= blank_below_filled(cols[f], lines, f, label, problems)
    cols["upn"] = pc.utf8_upper(cols["upn"])
    # Each distinct date and session is read once; a bad one is reported as the file has it (after fill-down).
    raw_date, raw_session = cols["date"], cols["session"]
    cols["date"], bad_date = map_values(raw_date, lambda v: _iso(v, spec.date_format))
    _report_values(
        bad_date & ~bad, raw_date, lines, "date", lambda v: date_problem(v, spec.date_format), problems
    )
    bad |= bad_date
    cols["session"], bad_session = map_values(raw_session, parse_session)
    _report_values(bad_session & ~bad, raw_session, lines, "session", lambda v: f"{SESSION_REASON}, not {v!r}",
                   problems)  # fmt: skip
    bad |= bad_session
    if spec.school_urn:
        cols["school_urn"] = pa.repeat(pa.scalar(spec.school_urn), len(lines))
    good = pa.array(~bad)
    table = pa.table({f: cols[f].filter(good) for f in ["upn", "school_urn", "date", "session", "code"]})
    kept_lines = lines[~bad]
    return Marks(table, kept_lines, kept_lines.copy(), skipped)


def _iso(value: str, date_format: str) -> str | None:
    parsed = parse_any_date(value, date_format)
    return parsed.isoformat() if parsed else None


def _report_values(mask, raw, lines, field_name, reason, problems: Problems) -> None:
    rows = np.flatnonzero(mask)
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    for row in rows[:1000].tolist():
        problems.add(int(lines[row]), field_name, reason(raw[row].as_py()))
    problems.total += max(0, len(rows) - 1000)


def _locate(grid: Grid, spec, needed: list[str], problems: Problems) -> dict[str, int] | None:
    """Field -> column position, or problems on the header line for fields unmapped or not in the header."""
    from .profiles import FIELDS

    where: dict[str, int] = {}
    labels = grid.header2 if grid.header2 is not None else grid.header
    for f in needed:
        wanted = spec.columns.get(f, "")
        if not wanted:
            why = "not mapped to a column of the file"
            if f == "school_urn":
                why += " (map the column with the URN, or name the school in the profile)"
            problems.add(grid.header_line, f, f"{FIELDS[f]} is {why}")
            continue
        i = column_index(grid.header, wanted)
        if i is None and grid.header2 is not None:
            i = column_index(labels, wanted)
        if i is None:
            problems.add(
                grid.header_line,
                f,
                f"the profile reads {FIELDS[f]} from a column headed {wanted!r}, which the header row does not have",
            )
            continue
        where[f] = i
    return where if len(where) == len(needed) else None
