"""English local authorities, from the DfE attendance file shipped with the product (attend/stats/data/
EES_ytd_data_*.csv: `old_la_code` is the three-digit DfE LA code, `la_name` its name). Used to pick the LA a child
was found in or lives in (CME statutory guidance, August 2024: the LA where the child lives owns the enquiry, and a
child found elsewhere is referred to that LA)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from attend.schools.models import LocalAuthority

DATA_DIR = Path(__file__).resolve().parent.parent / "stats" / "data"


@functools.cache
def _from_file() -> dict[str, tuple[str, str]]:
    """{code: (name, region)} for every LA row of the newest shipped file."""
    files = sorted(DATA_DIR.glob("EES_ytd_data_*.csv"))
    if not files:
        return {}
    found: dict[str, tuple[str, str]] = {}
    with files[-1].open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("old_la_code") or "").strip()
            if row.get("geographic_level") == "Local authority" and len(code) == 3 and code.isdigit():
                found.setdefault(
                    code, ((row.get("la_name") or "").strip(), (row.get("region_name") or "").strip())
                )
    return found


def la_choices() -> list[tuple[str, str]]:
    """Every English LA as (code, "Name (code)"), by name."""
    return sorted(
        ((code, f"{name} ({code})") for code, (name, _) in _from_file().items()), key=lambda c: c[1]
    )


def is_english_la(code: str) -> bool:
    return code in _from_file()


def local_authority(code: str) -> LocalAuthority:
    """The LocalAuthority row for a DfE LA code from the shipped file (made on first use). An LA already in the
    database keeps its name. Raises LookupError for a code that is not an English LA."""
    code = (code or "").strip()
    existing = LocalAuthority.objects.filter(code=code).first()
    if existing is not None:
        return existing
    if code not in _from_file():
        raise LookupError(f"{code!r} is not an English local authority's code")
    name, region = _from_file()[code]
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name, "region_name": region})[0]
