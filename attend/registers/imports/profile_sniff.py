"""Suggest a profile for a file nobody has mapped yet: find the header, guess the layout, and map columns by their
header names first and their sample values second (a column whose values pass the UPN check is the UPN; a column
of dates is the date; a column of AM/PM values is the session; a column of register codes is the code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from attend.people.upn import upn_problem
from attend.registers.codes import valid_codes

from .common import header_name
from .profile_dates import parse_any_date, parse_header, parse_session
from .profile_read import _head_rows, find_header, readable_copy
from .profile_wide import is_two_rows, session_cells

# Header names (case-folded) that say what a column holds. UPN only for the pupil: admission numbers and MIS ids
# are not UPNs.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "upn": ("upn", "unique pupil number", "pupil upn", "student upn", "upn number"),
    "school_urn": ("urn", "school urn", "school_urn", "establishment urn"),
    "date": ("date", "session date", "attendance date", "register date", "day", "mark date"),
    "session": ("session", "am/pm", "am / pm", "am pm", "session (am/pm)", "period", "half day"),
    "code": ("code", "mark", "attendance code", "attendance mark", "register code", "mark code", "att code"),
}
KNOWN_HEADERS = {name for names in SYNONYMS.values() for name in names}


@dataclass
class Sniffed:
    header: list[str]
    rows: list[list[str]]  # the first rows after the header
    header_line: int  # 1-based; 0 if no header was found
    layout: str  # "long" | "wide"
    suggested: object  # ProfileSpec
    notes: list[str] = field(default_factory=list)


def _share(values: list[str], test) -> float:
    filled = [v.strip() for v in values if v.strip()]
    return sum(1 for v in filled if test(v)) / len(filled) if filled else 0.0


def _by_values(columns: dict[int, list[str]], taken: set[int]) -> dict[str, int]:
    codes = valid_codes()
    tests = {
        "upn": lambda v: not upn_problem(v.upper()),
        "school_urn": lambda v: v.isdigit() and len(v) == 6,
        "date": lambda v: parse_any_date(v) is not None,
        "session": lambda v: parse_session(v) is not None,
        "code": lambda v: v in codes,
    }
    found: dict[str, int] = {}
    for name, test in tests.items():
        for i, values in columns.items():
            if i not in taken and _share(values, test) >= 0.8:
                found[name] = i
                taken.add(i)
                break
    return found


def sniff(path, *, rows: int = 20) -> Sniffed:
    from .profiles import ProfileSpec

    with readable_copy(Path(path)) as readable:
        if readable is None:
            spec = ProfileSpec(layout="long", columns={})
            return Sniffed([], [], 0, "long", spec, ["The file is neither UTF-8 nor Windows-1252 text."])
        return _sniff(readable, rows)


def _sniff(path: Path, rows: int) -> Sniffed:
    from .profiles import ProfileSpec

    notes: list[str] = []
    found = find_header(path, KNOWN_HEADERS, two_rows=is_two_rows)
    if found is None:
        spec = ProfileSpec(layout="long", columns={})
        return Sniffed([], [], 0, "long", spec, ["No header row was found: is this a CSV file?"])
    line, header = found
    head = dict(_head_rows(path))
    two_rows = is_two_rows(header, head.get(line + 1))
    wide = two_rows or session_cells(header, "auto") >= 2
    labels = list(header)
    if two_rows:
        second = head[line + 1]
        second = second + [""] * (len(header) - len(second))
        labels = [second[i] if second[i].strip() else a for i, a in enumerate(header)]
    body_start = line + (2 if two_rows else 1)
    sample = [r for n, r in sorted(head.items()) if n >= body_start and any(c.strip() for c in r)]
    sample = [r for r in sample if [header_name(c) for c in r] != [header_name(c) for c in header]][:rows]
    if line > 1:
        notes.append(
            f"The header is on line {line}; the {line - 1} line(s) above it are titles and are skipped."
        )
    if two_rows:
        notes.append(f"The session headers take two rows: dates on line {line}, AM/PM on line {line + 1}.")
    columns: dict[str, str] = {}
    taken: set[int] = set()
    wanted = ["upn", "school_urn"] if wide else list(SYNONYMS)
    for name in wanted:
        for i, label in enumerate(labels):
            if i not in taken and header_name(label) in SYNONYMS[name]:
                columns[name] = label.strip()
                taken.add(i)
                break
    if wide:
        taken |= {i for i, c in enumerate(header) if parse_header(c) is not None}
    missing = [n for n in wanted if n not in columns]
    if missing:
        by_values = _by_values(
            {i: [r[i] if i < len(r) else "" for r in sample] for i in range(len(labels))}, set(taken)
        )
        for name in missing:
            if name in by_values and labels[by_values[name]].strip():
                columns[name] = labels[by_values[name]].strip()
                notes.append(
                    f"{columns[name]!r} looks like the {name.replace('_', ' ')} column from its values."
                )
    spec = ProfileSpec(
        layout="wide" if wide else "long",
        columns=columns,
        wide_header=("two_rows" if two_rows else "one_row") if wide else "auto",
    )
    if "school_urn" not in columns:
        notes.append("No column holds the school's URN: choose the school the file comes from.")
    return Sniffed(labels, sample, line, spec.layout, spec, notes)
