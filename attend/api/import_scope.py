"""Which import files a user may send through the API: the schools and pupils a file names must be in the
user's scope (attend.core.scoping), so a school's officer imports only for their own school.

The check reads the file's `school_urn` (or `la_code` and `urn`, or `upn`) column with Python's csv module
before the import runs; rows it cannot read are refused by the importer's own validation anyway. Common
Transfer Files name schools inside XML school histories and are not checked here: through the API they are
accepted only from users who may import everything (system administrators and superusers).
"""

from __future__ import annotations

import csv
from pathlib import Path

from attend.accounts.models import Membership
from attend.core.scoping import pupils_visible_to, schools_visible_to
from attend.schools.models import School

# Problems listed in full; the rest are counted.
MAX_LISTED = 100


def imports_everything(user) -> bool:
    return user.is_superuser or user.memberships.filter(role=Membership.Role.SYSTEM_ADMIN).exists()


def _column_values(path: Path, column: str) -> dict[str, int]:
    """Each distinct value of `column` with the first physical line it is on (header = line 1)."""
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error):
            return seen
        if column not in header:
            return seen  # the importer refuses a file without its required columns
        index = header.index(column)
        line = reader.line_num + 1
        try:
            for record in reader:
                start, line = line, reader.line_num + 1
                if len(record) > index:
                    seen.setdefault(record[index].strip(), start)
        except csv.Error:
            pass  # the importer reports the broken line
    return seen


def _urn(value: str) -> int | None:
    # As the importers read a URN (int()), so that no spelling of a URN slips past the check.
    try:
        return int(value)
    except ValueError:
        return None


def scope_problems(kind: str, path: Path, user) -> list[str]:
    """`file:line: field: reason` for every row naming a school or pupil outside the user's scope."""
    if imports_everything(user):
        return []
    name = path.name
    if kind == "ctf":
        return [
            f"{name}:1: file: Common Transfer Files can be imported through the API by system administrators only"
        ]
    problems: list[str] = []
    visible = set(schools_visible_to(user).values_list("urn", flat=True))
    if kind == "schools":
        own_las = set(
            user.memberships.filter(local_authority__isnull=False).values_list(
                "local_authority__code", flat=True
            )
        )
        for value, line in _column_values(path, "la_code").items():
            if value not in own_las:
                problems.append(f"{name}:{line}: la_code: {value!r} is not a local authority you work for")
        urns = {
            u: line for value, line in _column_values(path, "urn").items() if (u := _urn(value)) is not None
        }
        in_range = [u for u in urns if 0 < u < 2**31]
        existing = set(School.objects.filter(urn__in=in_range).values_list("urn", flat=True))
        for urn, line in urns.items():
            if urn in existing and urn not in visible:
                problems.append(f"{name}:{line}: urn: school {urn} is not in your scope")
    elif kind in ("pupils", "marks", "calendar"):
        for value, line in _column_values(path, "school_urn").items():
            urn = _urn(value)
            if urn is not None and urn not in visible:
                problems.append(f"{name}:{line}: school_urn: school {value} is not in your scope")
    elif kind == "contacts":
        upns = _column_values(path, "upn")
        queryable = [u for u in upns if len(u) == 13 and u.isascii() and u.isalnum()]
        allowed = set(pupils_visible_to(user).filter(upn__in=queryable).values_list("upn", flat=True))
        for upn, line in upns.items():
            if upn and upn not in allowed:
                problems.append(f"{name}:{line}: upn: no pupil with UPN {upn!r} in your scope")
    return sorted(problems, key=lambda p: int(p.split(":")[1]))
