"""The DfE register code table, read from the copy of shared/reference/attendance_codes_2024.csv in data/.

Codes are data: the database table is loaded from this file by a migration, and imports validate against it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CODES_CSV = Path(__file__).parent / "data" / "attendance_codes_2024.csv"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    status: str
    meaning: str
    statistical_category: str
    counts_as_attendance: bool
    is_possible_session: bool
    dfe_column: str
    is_legacy: bool


@cache
def code_table() -> dict[str, CodeInfo]:
    with CODES_CSV.open(newline="", encoding="utf-8") as f:
        return {
            row["code"]: CodeInfo(
                code=row["code"],
                status=row["status"],
                meaning=row["short_meaning"],
                statistical_category=row["statistical_category"],
                counts_as_attendance=row["counts_as_attendance"] == "Y",
                is_possible_session=row["counts_in_possible_sessions"] == "Y",
                dfe_column=row["dfe_pipeline_column"],
                is_legacy=row["status"].startswith("legacy"),
            )
            for row in csv.DictReader(f)
        }


def valid_codes() -> frozenset[str]:
    return frozenset(code_table())
