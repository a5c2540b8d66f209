"""Which import files a user may send through the API: the same rule as the web upload (attend.jobs).

Schools files and Common Transfer Files can name any school in the service (a CTF inside XML school
histories), so they are for users whose scope covers every school (`attend.jobs.services.sees_every_school`;
in a one-LA installation, the LA's own staff and system administrators). For anyone else, the schools and pupils
a file names must be in their scope (attend.core.scoping): `school_urn` of pupils, marks and calendar files, and
`upn` of contacts files. The check reads that column with Python's csv module before the import runs; rows it
cannot read are refused by the importer's own validation anyway.
"""

from __future__ import annotations

import csv
from pathlib import Path

from attend.accounts.models import Membership
from attend.core.scoping import pupils_visible_to, schools_visible_to
from attend.jobs.services import WHOLE_SERVICE_KINDS, sees_every_school


def sees_every_import_run(user) -> bool:
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
    """`file:line: field: reason` for each school or pupil outside the user's scope (at its first line)."""
    if sees_every_school(user):
        return []
    name = path.name
    if kind in WHOLE_SERVICE_KINDS:
        return [f"{name}:1: file: {kind} files can be imported only by users whose scope covers every school"]
    problems: list[str] = []
    if kind in ("pupils", "marks", "calendar"):
        visible = set(schools_visible_to(user).values_list("urn", flat=True))
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
