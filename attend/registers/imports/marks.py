"""marks.csv, the fast path: tens of millions of rows, validated per line, written set-based.

Reading (marks_read.py): pyarrow's multi-threaded CSV reader, every column as text, named by the normalised header (so a header
with spaces, capitals or a byte order mark reads as it validates; gzip-compressed files are decompressed as read). If pyarrow cannot parse the file (ragged rows,
blank lines, newlines inside quotes) we fall back to Python's csv module, which knows exact physical line numbers;
either way every problem is reported as file:line: field: reason.

Validation is vectorised: each column is dictionary-encoded, so a UPN, URN, date, session or code is checked once per
distinct value, and the verdict is spread back to the rows with numpy. The importing user's scope is one of those
checks: a URN outside it refuses every row naming it, and rows match only enrolments at that URN. Rows are matched to enrolments by a sorted
search over (pupil, school, admission date); duplicates are found by sorting on (enrolment, date, session).

Writing (one transaction) is marks_write.py.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from attend.people.models import Enrolment
from attend.people.upn import upn_problem
from attend.registers.arrivals import record_arrival
from attend.registers.codes import valid_codes

from .common import (
    MAX_PROBLEMS_KEPT,
    ImportFailed,
    ImportResult,
    Problem,
    date_reason,
    finish_run,
    parse_date,
    sha256_of,
    start_run,
)
from .common import Problems as _Problems
from .marks_read import COLUMNS, encode_column, read_marks_encoded
from .marks_write import write_marks
from .scope import ImportScope, not_yours_school
from .sqlite_bulk import marks_transaction

SESSIONS = ["AM", "PM"]
# Rows matched to enrolments per step (bounds the 64-bit temporaries: memory, not speed).
_ROWS_PER_STEP = 2_000_000
_EPOCH = dt.date(1970, 1, 1)


def _arrow_int(values: np.ndarray) -> pa.Array:
    """A numpy int64 array as arrow, zero-copy (pa.array(numpy) would import pandas, seconds on a cold start)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


@dataclass
class MarkBatch:
    """Validated marks, dictionary-encoded, sorted by (enrolment, date, session), no duplicates."""

    enrolment_id: np.ndarray  # int64
    date_idx: np.ndarray  # indexes into dates
    dates: list[str]  # ISO dates
    session_idx: np.ndarray  # 0 = AM, 1 = PM
    code_idx: np.ndarray  # indexes into codes
    codes: list[str]

    def __len__(self) -> int:
        return len(self.enrolment_id)

    def take(self, mask: np.ndarray) -> MarkBatch:
        return MarkBatch(
            self.enrolment_id[mask], self.date_idx[mask], self.dates, self.session_idx[mask],
            self.code_idx[mask], self.codes,
        )  # fmt: skip

    def rows(self, start: int = 0, stop: int | None = None):
        """(enrolment_id, date, session, code) tuples, made lazily at C speed for executemany."""
        sl = slice(start, stop)
        return zip(
            self.enrolment_id[sl].tolist(),
            map(self.dates.__getitem__, self.date_idx[sl].tolist()),
            map(SESSIONS.__getitem__, self.session_idx[sl].tolist()),
            map(self.codes.__getitem__, self.code_idx[sl].tolist()),
            strict=True,
        )

    def arrow(self, start: int, stop: int) -> pa.Table:
        sl = slice(start, stop)
        return pa.table(
            {
                "enrolment_id": _arrow_int(self.enrolment_id[sl]),
                "date": pa.array(self.dates, pa.string()).take(_arrow_int(self.date_idx[sl])),
                "session": pa.array(SESSIONS).take(_arrow_int(self.session_idx[sl])),
                "code": pa.array(self.codes, pa.string()).take(_arrow_int(self.code_idx[sl])),
            }
        )


# ----- validation


class _RowProblems:
    """Per-check bad-row masks turned into the first MAX_PROBLEMS_KEPT Problems in line order."""

    def __init__(self, lines: np.ndarray | None):
        self.lines = lines
        self.found: list[Problem] = []
        self.total = 0
        self.out_of_scope = 0

    def line_of(self, row: int) -> int:
        return int(self.lines[row]) if self.lines is not None else row + 2

    def add(self, mask: np.ndarray, field_name: str, reason) -> None:
        rows = np.flatnonzero(mask)
        self.total += len(rows)
        for row in rows[:MAX_PROBLEMS_KEPT].tolist():
            self.found.append(Problem(self.line_of(row), field_name, reason(row)))


def _in_steps(step, n: int) -> None:
    """step(start) for each _ROWS_PER_STEP rows of n, two steps at a time: numpy lets go of the GIL, so the
    second core works too (each step writes only its own rows)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(step, range(0, n, _ROWS_PER_STEP)))


def _lookup(values: list[str], check) -> tuple[np.ndarray, list[str | None]]:
    """Run `check(value) -> (mapped, reason|None)` once per distinct value."""
    mapped, reasons = [], []
    for value in values:
        m, reason = check(value)
        mapped.append(m)
        reasons.append(reason)
    return np.array(mapped, dtype=np.int64), reasons


def encode_columns(table: pa.Table) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Dictionary-encode the five columns, two at a time (pyarrow releases the GIL)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(COLUMNS, pool.map(lambda name: encode_column(table[name]), COLUMNS), strict=True))


def validate_marks(
    encoded: dict[str, tuple[np.ndarray, list[str]]],
    n: int,
    lines: np.ndarray | None,
    scope: ImportScope | None = None,
) -> tuple[MarkBatch, _RowProblems]:
    scope = scope or ImportScope.everything()
    bad = _RowProblems(lines)
    ok = np.ones(n, dtype=bool)

    pupils: dict[str, int] = {}
    schools: dict[str, int] = {}
    spells = list(
        Enrolment.objects.values_list("id", "pupil__upn", "school__urn", "admission_date", "leaving_date")
    )
    for _, upn, urn, *_ in spells:
        pupils.setdefault(upn, len(pupils))
        schools.setdefault(str(urn), len(schools))

    upn_idx, upn_values = encoded.pop("upn")
    known_upns = set(pupils)

    def check_upn(value: str):
        if not value:
            return -1, "a UPN is required"
        if problem := upn_problem(value):
            return -1, problem
        if value not in known_upns:
            return -1, f"unknown UPN {value!r}"
        return pupils[value], None

    upn_map, upn_reasons = _lookup(upn_values, check_upn)

    urn_idx, urn_values = encoded.pop("school_urn")
    from attend.schools.models import School

    all_urns = {str(u): pk for u, pk in School.objects.values_list("urn", "pk")}

    def check_urn(value: str):
        if value in all_urns and not scope.allows(all_urns[value]):
            return -2, not_yours_school(value)
        if value in schools:
            return schools[value], None
        if value in all_urns:  # a real school with nobody on roll: every mark will be outside enrolment
            return len(schools) + 1_000_000, None
        return -1, f"unknown school URN {value!r}"

    urn_map, urn_reasons = _lookup(urn_values, check_urn)
    if len(urn_map):
        bad.out_of_scope = int(np.count_nonzero(urn_map[urn_idx] == -2))

    date_idx, date_values = encoded.pop("date")

    def check_date(value: str):
        parsed = parse_date(value)
        return ((parsed - _EPOCH).days, None) if parsed else (-1, date_reason(value))

    day_map, date_reasons = _lookup(date_values, check_date)

    session_idx, session_values = encoded.pop("session")
    session_map, session_reasons = _lookup(
        session_values,
        lambda v: (SESSIONS.index(v), None) if v in SESSIONS else (-1, f"must be AM or PM, not {v!r}"),
    )
    code_idx, code_values = encoded.pop("code")
    codes_ok = valid_codes()
    code_map, code_reasons = _lookup(
        code_values,
        lambda v: (0, None) if v in codes_ok else (-1, f"unknown code {v!r}" if v else "a code is required"),
    )

    for name, idx, mapped, reasons in [
        ("upn", upn_idx, upn_map, upn_reasons),
        ("school_urn", urn_idx, urn_map, urn_reasons),
        ("date", date_idx, day_map, date_reasons),
        ("session", session_idx, session_map, session_reasons),
        ("code", code_idx, code_map, code_reasons),
    ]:
        if not (mapped < 0).any():  # every distinct value is good: no need to look at the rows
            continue
        row_bad = (mapped < 0)[idx]
        if row_bad.any():
            bad.add(row_bad, name, lambda row, idx=idx, reasons=reasons: reasons[idx[row]])
            ok &= ~row_bad

    # ----- match each row to the enrolment of that pupil at that school whose admission is the latest on or
    # before the date, then check the date is not after its leaving date. Rows are matched in steps of a few
    # million so that the 64-bit temporaries stay small (memory, not speed: at 20 million rows in one go they
    # peaked at 2.2 GB).
    n_schools = len(schools) + 1_000_001
    enrol_ids = np.array([s[0] for s in spells], dtype=np.int64)
    e_pair = np.array([pupils[s[1]] * n_schools + schools[str(s[2])] for s in spells], dtype=np.int64)
    e_start = np.array([(s[3] - _EPOCH).days for s in spells], dtype=np.int64)
    e_end = np.array([(s[4] - _EPOCH).days if s[4] else 10**7 for s in spells], dtype=np.int64)
    order = np.lexsort((e_start, e_pair))
    enrol_ids, e_pair, e_start, e_end = enrol_ids[order], e_pair[order], e_start[order], e_end[order]
    span = 1 << 20  # days since 1970 stay far below this
    e_key = e_pair * span + e_start
    row_spell = np.full(n, -1, dtype=np.int32)  # position in the sorted spells, -1 for a refused row

    def match(start: int) -> None:
        sl = slice(start, start + _ROWS_PER_STEP)
        pair = upn_map[upn_idx[sl]] * n_schools + urn_map[urn_idx[sl]]
        day = day_map[date_idx[sl]]
        pos = np.searchsorted(e_key, np.where(ok[sl], pair * span + day, -1), side="right") - 1
        safe = np.clip(pos, 0, len(e_key) - 1)
        on_roll = ok[sl] & (pos >= 0) & (e_pair[safe] == pair) & (day <= e_end[safe])
        row_spell[sl] = np.where(on_roll, safe, -1)

    _in_steps(match, n if len(e_key) else 0)
    outside = ok & (row_spell < 0)
    if outside.any():

        def reason(row: int) -> str:
            return (
                f"mark outside enrolment: UPN {upn_values[upn_idx[row]]} is not on roll at school "
                f"{urn_values[urn_idx[row]]} on {date_values[date_idx[row]]}"
            )

        bad.add(outside, "date", reason)
        ok &= ~outside
    del outside

    # ----- sort by (enrolment, date, session); adjacent equal keys are duplicates. Enrolments are ranked by id
    # and dates in calendar order, so that the sort key follows the unique index and fits 32 bits when it can.
    spell_rank = np.empty(len(enrol_ids), dtype=np.int64)
    spell_rank[np.argsort(enrol_ids, kind="stable")] = np.arange(len(enrol_ids))
    date_rank = np.zeros(len(date_values), dtype=np.int64)
    valid_dates = [i for i, d in enumerate(day_map.tolist()) if d >= 0]
    for rank, i in enumerate(sorted(valid_dates, key=lambda i: day_map[i])):
        date_rank[i] = rank
    key_type = np.int32 if (len(enrol_ids) + 1) * (len(date_values) + 1) * 2 < 1 << 31 else np.int64
    session_of = np.where(session_map >= 0, session_map, 0).astype(np.int8)
    good = np.flatnonzero(ok).astype(np.int32 if n < 1 << 31 else np.int64)
    key = np.empty(len(good), dtype=key_type)

    def sort_key(start: int, key: np.ndarray = key) -> None:
        rows = good[start : start + _ROWS_PER_STEP]
        key[start : start + len(rows)] = (
            spell_rank[row_spell[rows]] * (len(date_values) + 1) + date_rank[date_idx[rows]]
        ) * 2 + session_of[session_idx[rows]]

    _in_steps(sort_key, len(good))
    if len(key) > 1 and not np.all(key[1:] > key[:-1]):
        order = np.argsort(key, kind="stable")
        good = good[order]
        key = key[order]
        del order
    if len(key) > 1:
        same = np.flatnonzero(key[1:] == key[:-1]) + 1
        if len(same):
            # Cite the first line of each run of duplicates.
            run_start = np.maximum.accumulate(
                np.where(np.r_[True, key[1:] != key[:-1]], np.arange(len(key)), 0)
            )
            dup_rows = good[same]
            first_rows = good[run_start[same]]
            dup_mask = np.zeros(n, dtype=bool)
            dup_mask[dup_rows] = True
            first_of = dict(zip(dup_rows.tolist(), first_rows.tolist(), strict=True))
            bad.add(
                dup_mask,
                "session",
                lambda row: (
                    f"duplicate mark: same pupil, school, date and session as line "
                    f"{bad.line_of(first_of[row])}"
                ),
            )
            keep = np.ones(len(good), dtype=bool)
            keep[same] = False
            good = good[keep]
    del key
    batch = MarkBatch(
        enrolment_id=enrol_ids[row_spell[good]] if len(good) else np.zeros(0, dtype=np.int64),
        date_idx=date_idx[good],
        dates=date_values,
        session_idx=session_of[session_idx[good]],
        code_idx=code_idx[good],
        codes=code_values,
    )
    return batch, bad


# ----- the service


def _read_through_profile(path: Path, spec, problems: _Problems) -> tuple[pa.Table, np.ndarray]:
    """An MIS report read through an import profile into the five columns (profiles.py); rows the reading
    step refused are left out, their problems already in `problems`."""
    from .profiles import ProfileError, read_marks

    try:
        marks = read_marks(path, spec, problems)
    except ProfileError as error:  # a spec built in code and never checked
        problems.add(1, "profile", str(error))
        marks = None
    if marks is None:
        problems.raise_if_any()
    return marks.table, marks.lines


# Steps reported to a progress callback: (step just finished, what comes next).
_STEPS = {"read": "Checking every mark", "validate": "Writing the marks", "write": "Committing"}


def import_marks(
    path: Path,
    *,
    user=None,
    scope: ImportScope | None = None,
    progress=None,
    on_write=None,
    source: str = "command",
    profile=None,
) -> ImportResult:
    """Import marks.csv, or (with `profile`) an MIS report read through an import profile (profiles.py)."""
    problems = _Problems(path.name)
    profile_name = ""
    if profile is not None:
        from .profiles import resolve_named

        profile, profile_name = resolve_named(profile, user)
    clock = [time.perf_counter()]
    phases: dict[str, float] = {}
    if progress:
        progress(0, 4, "Reading the file")

    def lap(name: str) -> None:
        clock.append(time.perf_counter())
        phases[name] = clock[-1] - clock[-2]
        if progress and name in _STEPS:
            progress(len(phases), 4, _STEPS[name])

    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, path)  # hashlib releases the GIL: hash while pyarrow parses
        if profile is not None:
            table, lines = _read_through_profile(path, profile, problems)
            n = table.num_rows
            encoded = encode_columns(table)
            del table
        else:
            encoded, n, lines = read_marks_encoded(path, problems)
        lap("read")
        batch, bad = validate_marks(encoded, n, lines, scope)
        if profile is not None:  # a wide report's row with an unknown UPN is one problem, not one per mark
            bad.total -= len(bad.found) - len(set(bad.found))
            bad.found = sorted(set(bad.found))
        sha256 = digest.result()
        lap("validate")
    if bad.total or problems.total:
        found = sorted(problems.items + bad.found)[:MAX_PROBLEMS_KEPT]
        raise ImportFailed(
            [p.format(path.name) for p in found],
            total=bad.total + problems.total,
            out_of_scope=bad.out_of_scope,
        )
    result = ImportResult(
        kind="marks",
        file_name=path.name,
        rows=len(batch),
        phases=phases,
        source=source,
        profile_name=profile_name,
    )
    if len(batch):
        # The schools whose registers the file carried (from its distinct enrolments, no loop over marks) and the
        # latest day it held a mark for: ISO dates sort as text; date_idx indexes the file's distinct dates.
        result.enrolment_ids = np.unique(batch.enrolment_id).tolist()  # 0.7 s at 20 million marks: once
        result.school_ids = _school_ids_of(result.enrolment_ids)
        result.latest_date = dt.date.fromisoformat(
            max(batch.dates[i] for i in np.unique(batch.date_idx).tolist())
        )
    # transaction.atomic(), with SQLite's per-row foreign-key checks traded for one check when the batch is large
    with marks_transaction(len(batch), result.enrolment_ids):
        run = start_run("marks", path, sha256, user)
        result.created, result.updated = write_marks(batch, run=run, user=user)
        result.unchanged = result.rows - result.created - result.updated
        result.count("marks", "created", result.created)
        result.count("marks", "changed", result.updated)
        finish_run(run, result)
        # Registers arrived, even when every mark was unchanged (a re-sent export): attend.registers.arrivals.
        record_arrival(run, school_ids=result.school_ids, latest_mark_date=result.latest_date)
        if on_write:
            on_write(run, result)
        lap("write")
    lap("commit")
    return result


def _school_ids_of(enrolment_ids: list[int]) -> list[int]:
    """The schools of these enrolments (the batch's distinct enrolments, looked up in chunks)."""
    schools: set[int] = set()
    for start in range(0, len(enrolment_ids), 5000):
        chunk = enrolment_ids[start : start + 5000]
        schools.update(Enrolment.objects.filter(pk__in=chunk).values_list("school_id", flat=True).distinct())
    return sorted(schools)
