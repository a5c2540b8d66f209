"""The DfE attendance measures, defined once over per-code session counts.

`derive_measures` takes a way to count sessions for a set of register codes and returns every DfE measure,
keyed by the column names of DfE's "Pupil attendance in schools" files. The same definitions run on plain
numbers (`measures_from_counts`) and on Ibis columns (`attend.analytics.measures`), so the engine figures and
the published figures share one arithmetic. Source of each identity: shared/README.md (checked on every
non-suppressed row of the DfE file) and domain.md section 2.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PRESENT = "present"
APPROVED_EDUCATIONAL_ACTIVITY = "approved_educational_activity"
AUTHORISED = "authorised_absence"
UNAUTHORISED = "unauthorised_absence"
NOT_POSSIBLE = "not_possible"
CATEGORIES = (PRESENT, APPROVED_EDUCATIONAL_ACTIVITY, AUTHORISED, UNAUTHORISED, NOT_POSSIBLE)


@dataclass(frozen=True)
class CodeSpec:
    """What the statistics need to know about one register code (from registers' code table, passed as data)."""

    code: str
    category: str
    dfe_column: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"Unknown statistical category {self.category!r} for code {self.code!r}")


# The count columns of the DfE file, in its order.
COUNT_COLUMNS = (
    "possible_sessions",
    "overall_attendance",
    "present_sessions",
    "approved_educational_activity",
    "overall_absence",
    "authorised_absence",
    "unauthorised_absence",
    "late_sessions",
)

# Late sessions: L (late, before the register closed: present) plus U (after it closed: unauthorised absence).
LATE_CODES = ("L", "U")

# Headline rates: numerator count column. Every rate is count / possible_sessions x 100 (pooled, unrounded).
HEADLINE_RATES = {
    "attendance_perc": "overall_attendance",
    "overall_absence_perc": "overall_absence",
    "authorised_absence_perc": "authorised_absence",
    "unauthorised_absence_perc": "unauthorised_absence",
}

# Reason rates of the DfE file: the codes in each numerator. Legacy H and F have no rate column of their own
# (they are inside authorised_absence_perc only); auth_other_perc is C alone (checked to 1e-14 on 2025/26).
REASON_RATES = {
    "illness_perc": ("I",),
    "appointments_perc": ("M",),
    "unauth_hol_perc": ("G",),
    "unauth_oth_perc": ("O",),
    "unauth_late_registers_closed_perc": ("U",),
    "unauth_not_yet_perc": ("N",),
    "auth_religious_perc": ("R",),
    "auth_study_perc": ("S",),
    "auth_mob_perc": ("T",),
    "auth_excluded_perc": ("E",),
    "auth_performance_perc": ("C1",),
    "auth_interview_perc": ("J1",),
    "auth_part_time_perc": ("C2",),
    "auth_other_perc": ("C",),
}

RATE_COLUMNS = (*HEADLINE_RATES, *REASON_RATES)

# The DfE file has one column for both present marks as well as one each for AM and PM.
REASON_PRESENT = "reason_present"


def codes_in(codes: Mapping[str, CodeSpec], category: str) -> tuple[str, ...]:
    return tuple(c for c, spec in codes.items() if spec.category == category)


def reason_columns(codes: Mapping[str, CodeSpec]) -> dict[str, str]:
    """DfE reason column name -> code, for every code that has a real column name."""
    return {spec.dfe_column: c for c, spec in codes.items() if spec.dfe_column.startswith("reason_")}


def derive_measures(
    count: Callable[[tuple[str, ...]], Any],
    codes: Mapping[str, CodeSpec],
    rate: Callable[[Any, Any], Any],
    *,
    reasons: bool = True,
) -> dict[str, Any]:
    """Every DfE measure from `count(codes) -> sessions`, with rates from `rate(numerator, possible)`.

    `count` and `rate` decide the arithmetic: integers for one row of counts, Ibis columns for a table.
    """
    present = codes_in(codes, PRESENT)
    aea = codes_in(codes, APPROVED_EDUCATIONAL_ACTIVITY)
    authorised = codes_in(codes, AUTHORISED)
    unauthorised = codes_in(codes, UNAUTHORISED)
    out: dict[str, Any] = {}
    out["present_sessions"] = count(present)
    out["approved_educational_activity"] = count(aea)
    out["overall_attendance"] = out["present_sessions"] + out["approved_educational_activity"]
    out["authorised_absence"] = count(authorised)
    out["unauthorised_absence"] = count(unauthorised)
    out["overall_absence"] = out["authorised_absence"] + out["unauthorised_absence"]
    out["possible_sessions"] = out["overall_attendance"] + out["overall_absence"]
    out["late_sessions"] = count(tuple(c for c in LATE_CODES if c in codes))
    possible = out["possible_sessions"]
    for name, numerator in HEADLINE_RATES.items():
        out[name] = rate(out[numerator], possible)
    for name, numerator_codes in REASON_RATES.items():
        out[name] = rate(count(tuple(c for c in numerator_codes if c in codes)), possible)
    if reasons:
        for column, code in reason_columns(codes).items():
            out[column] = count((code,))
        out[REASON_PRESENT] = count(tuple(c for c in ("/", "\\") if c in codes))
    return out


def normalise_counts(counts: Mapping[str, Any], codes: Mapping[str, CodeSpec]) -> dict[str, int]:
    """Per-code counts from a mapping keyed by register code or DfE reason column name."""
    by_column = reason_columns(codes)
    out: dict[str, int] = {}
    present_total = None
    for key, value in counts.items():
        if value is None:
            continue
        n = int(value)
        if n != value:
            raise ValueError(f"Session count for {key!r} must be a whole number, not {value!r}")
        if n < 0:
            raise ValueError(f"Session count for {key!r} cannot be negative ({value!r})")
        if key in codes:
            code = key
        elif key in by_column:
            code = by_column[key]
        elif key == REASON_PRESENT:
            present_total = n
            continue
        else:
            raise KeyError(f"{key!r} is neither a register code nor a DfE reason column")
        if code in out:
            raise ValueError(f"Code {code!r} given twice (as a code and as its DfE column)")
        out[code] = n
    if present_total is not None:
        split = out.get("/", 0) + out.get("\\", 0)
        if "/" not in out and "\\" not in out:
            out["/"] = present_total  # AM/PM split unknown; only the total matters to the measures.
        elif split != present_total:
            raise ValueError(f"reason_present {present_total} differs from / + \\ = {split}")
    return out


def measures_from_counts(counts: Mapping[str, Any], codes: Mapping[str, CodeSpec]) -> dict[str, Any]:
    """Every DfE measure for one set of per-code session counts (see attend.stats.measures_from_counts)."""
    per_code = normalise_counts(counts, codes)

    def count(cs: Iterable[str]) -> int:
        return sum(per_code.get(c, 0) for c in cs)

    def rate(numerator: int, possible: int) -> float | None:
        return numerator / possible * 100 if possible else None

    return derive_measures(count, codes, rate)


def is_persistent_absence(overall_absence: int, possible_sessions: int) -> bool:
    """DfE persistent absence: absence is 10% or more of the enrolment's own possible sessions (integer test)."""
    return possible_sessions > 0 and overall_absence * 10 >= possible_sessions


def is_severe_absence(overall_absence: int, possible_sessions: int) -> bool:
    """DfE severe absence: absence is 50% or more of the enrolment's own possible sessions (integer test)."""
    return possible_sessions > 0 and overall_absence * 2 >= possible_sessions
