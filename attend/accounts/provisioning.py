"""Setting up users from a script: `attend users create` and `attend users import FILE.csv` (issue 14).

One user has a username, a role, the one place the role applies to (a school by URN, a trust by DfE group UID, a
local authority by its 3-digit code; a system administrator has none) and an optional email. A user who already
exists is left exactly as they are (so a second run changes nothing). A new user gets a random first password,
returned once to print; only its hash is stored. Each creation is audited as `accounts.user.created`.
A file is checked whole first: any problem (`file:line: field: reason`) and nobody is created.
"""

from __future__ import annotations

import csv
import getpass
import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from attend import audit
from attend.schools.models import LocalAuthority, School, Trust

from .models import Membership

R = Membership.Role
PLACE_FIELDS = ("school_urn", "trust_id", "la_code")
COLUMNS = ("username", "role", *PLACE_FIELDS, "email")
MAX_ROWS = 10_000


class ProvisioningError(Exception):
    """A user could not be set up; `problems` are `field: reason` (or `file:line: field: reason`) lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class UserRow:
    username: str
    role: str
    place: dict = field(default_factory=dict)  # the Membership scope: school=, trust= or local_authority=
    email: str = ""


@dataclass
class Outcome:
    created: list[tuple[str, str]] = field(default_factory=list)  # (username, first password)
    existing: list[str] = field(default_factory=list)


def _place(school_urn: str, trust_id: str, la_code: str) -> tuple[dict, list[str]]:
    given = {
        k: v.strip() for k, v in zip(PLACE_FIELDS, (school_urn, trust_id, la_code), strict=True) if v.strip()
    }
    if len(given) > 1:
        return {}, [
            f"{name}: give one place only (school, trust or local authority)" for name in list(given)[1:]
        ]
    if not given:
        return {}, []
    name, value = next(iter(given.items()))
    if name == "school_urn":
        school = School.objects.filter(urn=int(value)).first() if value.isdigit() else None
        return ({"school": school}, []) if school else ({}, [f"school_urn: no school with URN {value!r}"])
    if name == "trust_id":
        trust = Trust.objects.filter(group_uid=value).first()
        return ({"trust": trust}, []) if trust else ({}, [f"trust_id: no trust with group UID {value!r}"])
    la = LocalAuthority.objects.filter(code=value).first()
    return ({"local_authority": la}, []) if la else ({}, [f"la_code: no local authority with code {value!r}"])


def check_row(
    username: str, role: str, school_urn="", trust_id="", la_code="", email=""
) -> tuple[UserRow, list]:
    """The row as a UserRow, and its problems as `field: reason` (empty when it can be created)."""
    username, role, email = username.strip(), role.strip().lower(), email.strip()
    problems = []
    if not username:
        problems.append("username: missing")
    elif len(username) > 150:
        problems.append("username: longer than 150 characters")
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            problems.append("username: use letters, digits and @ . + - _ only")
    if role not in R.values:
        problems.append(f"role: unknown role {role!r}; roles are {', '.join(R.values)}")
    place, place_problems = _place(school_urn, trust_id, la_code)
    problems += place_problems
    if role in R.values and not place_problems:
        if role == R.SYSTEM_ADMIN and place:
            problems.append("role: a system administrator has no school, trust or local authority")
        elif role != R.SYSTEM_ADMIN and not place:
            problems.append(
                "school_urn: give the school (--school), trust (--trust) or local authority (--la)"
            )
    if email:
        if len(email) > 254:
            problems.append("email: longer than 254 characters")
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"email: not an email address: {email!r}")
    return UserRow(username, role, place, email), problems


def _exists(username: str) -> bool:
    return get_user_model().objects.filter(username__iexact=username).exists()


def _create(row: UserRow, *, via: str) -> str:
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user(username=row.username, email=row.email, password=password)
    membership = Membership.objects.create(user=user, role=row.role, **row.place)
    scope = str(membership).split(" – ")[-1]
    audit.record(
        "accounts.user.created",
        obj=user,
        data={"role": row.role, "scope": scope, "via": via, "os_user": getpass.getuser()},
    )
    return password


@transaction.atomic
def user_create(*, username: str, role: str, school_urn="", trust_id="", la_code="", email="") -> Outcome:
    """Create one user with one role, or leave an existing one alone. Raises ProvisioningError."""
    row, problems = check_row(username, role, school_urn, trust_id, la_code, email)
    if problems:
        raise ProvisioningError(problems)
    if _exists(row.username):
        return Outcome(existing=[row.username])
    return Outcome(created=[(row.username, _create(row, via="attend users create"))])


def _read(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return [], [f"{name}:1: file: cannot read it as UTF-8 text ({error.__class__.__name__})"]
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    missing = [c for c in ("username", "role") if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        return [], [f"{name}:1: {c}: missing column" for c in missing] + [
            f"{name}:1: {h}: unknown column (columns are {', '.join(COLUMNS)})" for h in unknown
        ]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            return rows, [f"{name}:{number}: row: {len(cells)} cells, the header has {len(header)}"]
        rows.append((number, dict(zip(header, cells, strict=True))))
        if len(rows) > MAX_ROWS:
            return rows, [f"{name}:{number}: file: more than {MAX_ROWS} users; split the file"]
    return rows, []


@transaction.atomic
def users_import(path: Path) -> Outcome:
    """Create every new user in a users file (columns: username, role, school_urn, trust_id, la_code, email),
    all or nothing; users who exist already are left as they are. Raises ProvisioningError."""
    path = Path(path)
    rows, problems = _read(path)
    checked, seen = [], {}
    for number, cells in rows:
        row, row_problems = check_row(**{c: cells.get(c, "") for c in COLUMNS})
        problems += [f"{path.name}:{number}: {p}" for p in row_problems]
        key = row.username.lower()
        if key and key in seen:
            problems.append(f"{path.name}:{number}: username: {row.username!r} is also on line {seen[key]}")
        seen.setdefault(key, number)
        checked.append(row)
    if problems:
        raise ProvisioningError(problems)
    outcome = Outcome()
    for row in checked:
        if _exists(row.username):
            outcome.existing.append(row.username)
        else:
            outcome.created.append((row.username, _create(row, via=f"attend users import {path.name}")))
    return outcome
