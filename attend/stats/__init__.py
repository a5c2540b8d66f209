"""Attendance statistics for Attend: DfE-exact measures, reports, exports and national benchmarks.

The public entry point `measures_from_counts` is pure Python and importable without Django being set up.
Table-level figures live in `attend.stats.queries` (Django-aware) over `attend.analytics` (plain Ibis).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["measures_from_counts"]


def measures_from_counts(counts: Mapping[str, Any]) -> dict[str, Any]:
    """Every DfE attendance measure that a set of per-code session counts allows.

    `counts` maps register codes (``{"/": 120, "\\\\": 118, "L": 3, "I": 9, ...}``) or the DfE file's reason
    column names (``{"reason_i_authorised_illness": 9, ...}``; ``reason_present`` for both present marks) to
    session counts. Codes that are not possible sessions (D, X, Y1-Y7, Q, Z, #) are accepted and ignored by
    the measures. Legacy F has no DfE column: pass it as ``"F"``.

    Returns a dict keyed by the DfE file's own column names: the counts (possible_sessions,
    overall_attendance, present_sessions, approved_educational_activity, overall_absence, authorised_absence,
    unauthorised_absence, late_sessions, and each ``reason_*`` column) as ints, and the unrounded rates
    (attendance_perc, overall_absence_perc, authorised_absence_perc, unauthorised_absence_perc and the reason
    rates illness_perc ... auth_other_perc) as count / possible_sessions x 100, or None when there are no
    possible sessions. Raises KeyError for an unknown key and ValueError for a negative or fractional count.
    """
    from attend.analytics.definitions import measures_from_counts as _measures
    from attend.stats.codes import code_specs

    return _measures(counts, code_specs())
