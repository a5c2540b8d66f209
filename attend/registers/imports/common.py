"""What every import shares: problems with file:line positions, CSV reading, value parsing and the run record."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from attend.registers.models import ImportRun

# How many problems an import keeps in full; the total is always counted.
MAX_PROBLEMS_KEPT = 1000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"y", "yes", "true", "1"}
_FALSE = {"n", "no", "false", "0"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one line of an import file. `line` is the physical line (header = line 1)."""

    line: int
    field: str
    reason: str

    def format(self, file_name: str) -> str:
        return f"{file_name}:{self.line}: {self.field}: {self.reason}"


class ImportFailed(Exception):
    """An import found problems and wrote nothing. `messages` are `file:line: field: reason` strings."""

    def __init__(self, messages: list[str], total: int | None = None, *, out_of_scope: int = 0):
        self.messages = messages
        self.total = len(messages) if total is None else total
        # How many of the problems are rows outside the importing user's scope (the API answers 403 for those).
        self.out_of_scope = out_of_scope
        super().__init__(f"{self.total} problem(s); nothing was imported")


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    import_run_id: int | None = None
    phases: dict[str, float] = field(
        default_factory=dict
    )  # seconds per phase, where an importer measures them
    # What the import touched, where the importer knows it (marks): followers such as the alert evaluation then
    # look at these schools as of this day instead of everything as of today.
    school_ids: list[int] | None = None
    latest_date: dt.date | None = None
    # The enrolments whose marks the file carried (marks imports): the alert evaluation after the import looks at
    # these pupils (and the school-level rules of school_ids) instead of every pupil in those schools.
    enrolment_ids: list[int] | None = None
    # Rows imported only in part, as `file:line: field: reason` (a pupil already registered at another school:
    # the enrolment is made, the pupil's details are left alone, and the LA confirms the transfer).
    notes: list[str] = field(default_factory=list)
    # What changed, per kind of row (for the audit trail): {"enrolments": {"created": 2, ...}, ...}.
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Pupils (ids) whose protected details changed -> the names of those details.
    protected: dict[int, set[str]] = field(default_factory=dict)
    # Where the file came from (ImportRun.source/profile_name/supplier): set by import_file, a profile, a CTF header.
    source: str = "command"
    profile_name: str = ""
    supplier: str = ""

    def count(self, what: str, outcome: str, n: int = 1) -> None:
        if n:
            bucket = self.counts.setdefault(what, {})
            bucket[outcome] = bucket.get(outcome, 0) + n

    def protected_changed(self, pupil_id: int, names) -> None:
        if names:
            self.protected.setdefault(pupil_id, set()).update(names)

    def summary(self) -> str:
        return (
            f"Imported {self.kind} from {self.file_name}: {self.rows} rows, {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged in {self.seconds:.1f} s"
            + (f" ({', '.join(f'{k} {v:.1f} s' for k, v in self.phases.items())})" if self.phases else "")
            + (f". {len(self.notes)} row(s) imported in part: " + "; ".join(self.notes) if self.notes else "")
        )


@dataclass
class Problems:
    """Collects problems for one file; raises ImportFailed with all of them, in line order."""

    file_name: str
    items: list[Problem] = field(default_factory=list)
    total: int = 0
    out_of_scope: int = 0

    def add(self, line: int, field_name: str, reason: str) -> None:
        self.total += 1
        self.items.append(Problem(line, field_name, reason))

    def refuse(self, line: int, field_name: str, reason: str) -> None:
        """A row that would create or change data outside the importing user's scope."""
        self.out_of_scope += 1
        self.add(line, field_name, reason)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            kept = sorted(self.items)[:MAX_PROBLEMS_KEPT]
            raise ImportFailed(
                [p.format(self.file_name) for p in kept], total=self.total, out_of_scope=self.out_of_scope
            )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def is_gzip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == b"\x1f\x8b"


def open_bytes(path: Path):
    """The file's bytes, gzip-compressed files decompressed as they are read (every importer reads through
    this, so what is checked is what is imported)."""
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")


def open_text(path: Path):
    """The file as UTF-8 text for the csv module; a byte order mark is dropped."""
    return io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", newline="")


def header_name(raw: str) -> str:
    """A column name as the importers match it: byte order mark and surrounding spaces removed, case folded."""
    return raw.replace("\ufeff", "").strip().casefold()


def check_header(
    header: list[str], required: list[str], optional: list[str], problems: Problems
) -> dict[str, int] | None:
    """Map column name -> position, or record a line-1 problem naming missing and unexpected columns."""
    names = [header_name(h) for h in header]
    missing = [c for c in required if c not in names]
    extra = [c for c in names if c not in required and c not in optional]
    repeated = sorted({c for c in names if names.count(c) > 1})
    if missing:
        problems.add(1, "header", f"missing required column(s): {', '.join(missing)}")
    if extra:
        problems.add(1, "header", f"unexpected column(s): {', '.join(extra)}")
    if repeated:
        problems.add(1, "header", f"repeated column(s): {', '.join(repeated)}")
    if missing or extra or repeated:
        return None
    return {name: i for i, name in enumerate(names)}


def read_csv(
    path: Path, required: list[str], optional: list[str], problems: Problems
) -> list[tuple[int, dict[str, str]]]:
    """Read a small CSV into (physical line number, {column: stripped value}) pairs; blank lines are skipped.

    Optional columns that are absent read as "". Rows with the wrong number of fields are problems.
    """
    rows: list[tuple[int, dict[str, str]]] = []
    if (bad_line := non_utf8_line(path)) is not None:
        problems.add(bad_line, "file", "the file is not UTF-8 text")
        return rows
    with open_text(path) as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            problems.add(1, "header", "the file is empty")
            return rows
        columns = check_header(header, required, optional, problems)
        if columns is None:
            return rows
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1
            if not record:
                continue
            if len(record) != len(columns):
                problems.add(start, "row", f"expected {len(columns)} fields, found {len(record)}")
                continue
            values = {name: record[i].strip() for name, i in columns.items()}
            for name in optional:
                values.setdefault(name, "")
            rows.append((start, values))
    return rows


def non_utf8_line(path: Path) -> int | None:
    """The first line that is not valid UTF-8, or None if the whole file is."""
    try:
        with open_bytes(path) as f:
            for number, raw in enumerate(f, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except (OSError, EOFError):  # gzip.BadGzipFile is an OSError
        return 1  # a damaged compressed file: nothing in it can be read, so nothing is imported
    return None


def parse_date(value: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD), or None if `value` is not one."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def date_reason(value: str) -> str:
    return f"not a date in the form YYYY-MM-DD: {value!r}" if value else "a date is required"


def parse_bool(value: str) -> bool | None:
    """Y/N, yes/no, true/false, 1/0 (any case); None if `value` is none of these."""
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


class RowReader:
    """Field-by-field validation of one CSV row: each getter records a problem and returns None when bad."""

    def __init__(self, line: int, values: dict[str, str], problems: Problems):
        self.line, self.values, self.problems = line, values, problems
        self.ok = True

    def bad(self, name: str, reason: str) -> None:
        self.ok = False
        self.problems.add(self.line, name, reason)

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.values[name]
        if required and not value:
            self.bad(name, "a value is required")
        elif max_length is not None and len(value) > max_length:
            self.bad(name, f"longer than {max_length} characters")
        return value

    def choice(self, name: str, allowed: list[str], *, default: str | None = None) -> str | None:
        value = self.values[name]
        if not value and default is not None:
            return default
        if value not in allowed:
            self.bad(name, f"must be one of {', '.join(allowed)}, not {value!r}")
            return None
        return value

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        value = self.values[name]
        if not value and not required:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.bad(name, date_reason(value))
        return parsed

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.values[name]
        if not value:
            return default
        parsed = parse_bool(value)
        if parsed is None:
            self.bad(name, f"must be Y or N (or true/false, 1/0), not {value!r}")
            return default
        return parsed

    def integer(self, name: str, *, default: int | None = None, minimum: int = 0) -> int | None:
        value = self.values[name]
        if not value and default is not None:
            return default
        if not value.isdigit() or int(value) < minimum:
            self.bad(name, f"must be a whole number of at least {minimum}, not {value!r}")
            return None
        return int(value)


def start_run(kind: str, path: Path, sha256: str, user, *, source: str = "command") -> ImportRun:
    return ImportRun.objects.create(
        kind=kind, file_name=path.name, sha256=sha256, imported_by=user, source=source
    )


def finish_run(run: ImportRun, result: ImportResult) -> None:
    run.rows, run.created, run.updated, run.unchanged = (
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
    )
    run.finished_at = timezone.now()
    run.source, run.profile_name, run.supplier = (
        result.source,
        result.profile_name[:100],
        result.supplier[:200],
    )
    run.save(
        update_fields=[
            "rows",
            "created",
            "updated",
            "unchanged",
            "finished_at",
            "source",
            "profile_name",
            "supplier",
        ]
    )
    result.import_run_id = run.pk
