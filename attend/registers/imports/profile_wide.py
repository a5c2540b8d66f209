"""The wide layout: one row per pupil, one column per session, as register reports print them.

Session columns are found by their headers: one row ("Mon 08/09/2025 AM") or two (a date row, then an AM/PM row
under it; a date printed once above its two sessions, as a merged cell, is carried right). The melt to one row
per mark is vectorised: the UPN column is reused once per session column (no copy), the session columns are
concatenated, and blank cells (no mark) are filtered out, so there is no Python loop per mark.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from attend.registers.codes import valid_codes

from .common import Problems, header_name
from .profile_dates import parse_header, parse_session
from .profile_read import Grid, Marks, _clean, _locate, blank_below_filled, fill_down


def session_cells(header: list[str], date_format: str) -> int:
    return sum(1 for c in header if (h := parse_header(c, date_format)) is not None and h.session)


def is_two_rows(header: list[str], next_row: list[str] | None, date_format: str = "auto") -> bool:
    """A date row with an AM/PM row under it."""
    if not next_row:
        return False
    dates = sum(1 for c in header if (h := parse_header(c, date_format)) is not None and h.session is None)
    sessions = sum(1 for c in next_row if c.strip() and parse_session(c))
    return dates >= 1 and sessions >= 2


def session_columns(grid: Grid, date_format: str, problems: Problems) -> list[tuple[int, str, str, str]]:
    """(position, ISO date, AM/PM, label) of each session column, in file order."""
    out: list[tuple[int, str, str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    carried = None
    for i, cell in enumerate(grid.header):
        if grid.header2 is None:
            h = parse_header(cell, date_format)
            if h is None or h.session is None:
                continue
            date, session, label = h.date, h.session, " ".join(cell.split())
        else:
            h = parse_header(cell, date_format) if cell.strip() else None
            if h is not None and h.session is None:
                carried = h
            elif cell.strip():
                carried = None
            session = parse_session(grid.header2[i]) if grid.header2[i].strip() else None
            if session is None or carried is None:
                continue
            h, date = carried, carried.date
            label = (
                f"{' '.join(grid.header[i].split()) or date.strftime('%d/%m/%Y')} {grid.header2[i].strip()}"
            )
        if h.problem:
            problems.add(grid.header_line, "header", h.problem)
            continue
        key = (date.isoformat(), session)
        if key in seen:
            problems.add(grid.header_line, "header", f"{label!r} repeats the session of {seen[key]!r}")
            continue
        seen[key] = label
        out.append((i, date.isoformat(), session, label))
    if not out and not problems.total:
        problems.add(
            grid.header_line,
            "header",
            "no session columns: expected headers such as 'Mon 08/09/2025 AM', or a row of dates above a row "
            "of AM/PM",
        )
    return out


def _mask(array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def wide_marks(grid: Grid, spec, problems: Problems) -> Marks | None:
    needed = ["upn"] + ([] if spec.school_urn else ["school_urn"])
    where = _locate(grid, spec, needed, problems)
    sessions = session_columns(grid, spec.date_format, problems)
    if where is None or not sessions:
        return None
    body, lines = grid.body, grid.lines
    upn = _clean(body.column(where["upn"])).combine_chunks()
    marks = [_clean(body.column(i)).combine_chunks() for i, *_ in sessions]
    n = len(lines)
    # Repeated header rows (one per page): the UPN cell repeats its label, or (two-row headers) it is blank
    # and the first session cell repeats the date or AM/PM heading above it.
    labels = {header_name(grid.header[where["upn"]])}
    if grid.header2 is not None:
        labels.add(header_name(grid.header2[where["upn"]]))
    labels.discard("")
    repeat = _mask(pc.is_in(pc.utf8_lower(upn), pa.array(sorted(labels), pa.string())))
    first = sessions[0][0]
    heads = {grid.header[first].strip()} | ({grid.header2[first].strip()} if grid.header2 else set())
    upn_blank = _mask(pc.equal(upn, ""))
    repeat |= upn_blank & _mask(pc.is_in(marks[0], pa.array(sorted(heads - {""}), pa.string())))
    no_marks = np.ones(n, dtype=bool)
    for column in marks:
        no_marks &= _mask(pc.equal(column, ""))
    keep = ~repeat & ~(no_marks & upn_blank)
    has_marks = ~no_marks[keep]
    skipped = lines[repeat].tolist()
    lines = lines[keep]
    keep_arr = pa.array(keep)
    upn = upn.filter(keep_arr)
    marks = [m.filter(keep_arr) for m in marks]
    bad_rows = np.zeros(len(lines), dtype=bool)
    if "upn" in spec.fill_down:
        upn = fill_down(upn)
    else:
        bad_rows |= blank_below_filled(upn, lines, "upn", "UPN", problems)
    upn = pc.utf8_upper(upn)
    bad_rows |= _bad_upns(upn, lines, has_marks & ~bad_rows, problems)
    if spec.school_urn:
        urn = pa.repeat(pa.scalar(spec.school_urn), len(lines))
    else:
        urn = _clean(body.column(where["school_urn"])).combine_chunks().filter(keep_arr)
        if "school_urn" in spec.fill_down:
            urn = fill_down(urn)
        else:
            bad_rows |= blank_below_filled(urn, lines, "school_urn", "school URN", problems)
    return _melt(upn, urn, marks, sessions, lines, bad_rows, skipped, problems, spec.no_mark)


def _bad_upns(upn: pa.Array, lines: np.ndarray, rows: np.ndarray, problems: Problems) -> np.ndarray:
    """Rows (of those in `rows`) whose UPN the marks importer would refuse, each named once for the row rather
    than once per mark (same reasons as marks.py: required, the UPN check, unknown)."""
    from attend.people.models import Enrolment
    from attend.people.upn import upn_problem

    encoded = pc.dictionary_encode(upn)
    distinct = encoded.dictionary.to_pylist()
    known: set[str] = set()
    for start in range(0, len(distinct), 5000):
        chunk = distinct[start : start + 5000]
        known.update(Enrolment.objects.filter(pupil__upn__in=chunk).values_list("pupil__upn", flat=True))
    reasons = [
        "a UPN is required" if not v else upn_problem(v) or (None if v in known else f"unknown UPN {v!r}")
        for v in distinct
    ]
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    bad = np.array([r is not None for r in reasons] + [False], dtype=bool)[indices] & rows
    found = np.flatnonzero(bad)
    for row in found[:1000].tolist():
        problems.add(int(lines[row]), "upn", reasons[indices[row]])
    problems.total += max(0, len(found) - 1000)
    return bad


def _melt(upn, urn, marks, sessions, lines, bad_rows, skipped, problems: Problems, no_mark=()) -> Marks:
    n, k = len(lines), len(sessions)
    codes = pa.chunked_array(marks, pa.string()) if marks else pa.chunked_array([], pa.string())
    dates = pa.chunked_array([pa.repeat(pa.scalar(d), n) for _, d, _, _ in sessions], pa.string())
    halves = pa.chunked_array([pa.repeat(pa.scalar(s), n) for _, _, s, _ in sessions], pa.string())
    upns = pa.chunked_array([upn] * k, pa.string())
    urns = pa.chunked_array([urn] * k, pa.string())
    all_lines = np.tile(lines, k)
    column = np.repeat(np.arange(k, dtype=np.int64), n)
    # A blank cell is "no mark"; a row already refused (blank UPN under a filled one) adds nothing more.
    keep = ~_mask(pc.is_in(codes, pa.array(["", *no_mark], pa.string()))) & ~np.tile(bad_rows, k)
    # Codes are checked here, per distinct value, so a problem can name the column it is in.
    encoded = pc.dictionary_encode(codes).combine_chunks() if k else None
    if encoded is not None and len(encoded):
        distinct = encoded.dictionary.to_pylist()
        known = valid_codes()
        unknown = np.array([v not in known for v in distinct] + [False], dtype=bool)
        indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        bad_code = keep & unknown[indices]
        rows = np.flatnonzero(bad_code)
        if len(rows):
            order = np.lexsort((column[rows], all_lines[rows]))
            for row in rows[order][:1000].tolist():
                label = sessions[column[row]][3]
                problems.add(
                    int(all_lines[row]), f"code ({label})", f"unknown code {distinct[indices[row]]!r}"
                )
            problems.total += max(0, len(rows) - 1000)
            keep &= ~bad_code
    mask = pa.array(keep)
    table = pa.table(
        {
            "upn": upns.filter(mask),
            "school_urn": urns.filter(mask),
            "date": dates.filter(mask),
            "session": halves.filter(mask),
            "code": codes.filter(mask),
        }
    )
    kept_lines = all_lines[keep]
    order_key = kept_lines * (k + 1) + column[keep]
    return Marks(table, kept_lines, order_key, skipped)
