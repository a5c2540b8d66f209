"""Import profiles: a saved mapping from an MIS report's columns to Attend's mark fields (docs/import-profiles.md).

A profile (ProfileSpec) says which layout the report has (long: a row per pupil per session; wide: a row per pupil
and a column per session), which of its columns hold the UPN, URN, date, session and code, how it writes dates,
and where its header is. `import_file("marks", path, user=, profile=name_or_spec)` reads the file through the
profile into marks.py's five columns and validates and writes them exactly as a marks.csv, so scope, duplicates,
all-or-nothing and idempotence are the marks importer's: a profile never widens them.

Profiles are shipped (data/profiles/*.json, read-only) or saved by a school or an LA (ImportProfile rows).
`sniff` reads a file's head and suggests a profile; `preview` shows the first rows as Attend will read them and the
first problems, writing nothing; `profiles_for`, `resolve` and `save_profile` find, name and save them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from attend import audit
from attend.accounts import identity
from attend.accounts.permissions import PERMISSIONS
from attend.core.locking import VersionConflict, update_if_version
from attend.registers.codes import valid_codes
from attend.registers.models import ImportProfile

from .common import MAX_PROBLEMS_KEPT, ImportFailed, Problem, Problems
from .profile_dates import DATE_FORMATS, parse_session
from .scope import ImportScope

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data" / "profiles"

# Attend field -> label for the mapping page.
FIELDS: dict[str, str] = {
    "upn": "UPN",
    "school_urn": "School URN",
    "date": "Date",
    "session": "Session (AM or PM)",
    "code": "Attendance code",
}
LAYOUTS = ("long", "wide")
WIDE_HEADERS = ("auto", "one_row", "two_rows")


class ProfileError(ValueError):
    """A profile that cannot be used or saved as given; the message says why, for the person mapping it."""


@dataclass
class ProfileSpec:
    """What ImportProfile.spec stores (to_json/from_json)."""

    layout: str  # "long" | "wide"
    # Attend field -> the file's header text. long: upn, date, session, code (+ school_urn); wide: upn
    # (+ school_urn); a wide report's session columns are found by their headers.
    columns: dict[str, str]
    school_urn: str = ""  # the school when the file has no URN column (a report from one school's MIS)
    date_format: str = "auto"  # profile_dates.DATE_FORMATS
    header_line: int = 0  # 0: find the header row automatically (reports put title lines above it)
    wide_header: str = "auto"  # wide: "one_row" ("Mon 08/09/2025 AM") | "two_rows" (a date row, then AM/PM)
    # Fields whose blank cells take the value above (a report that prints a pupil's UPN once over several rows,
    # as merged cells). Without it, such a blank is a problem: Attend does not guess silently.
    fill_down: list[str] = field(default_factory=list)
    # Cell values that mean "no mark" (e.g. "-" where a report prints one for a session not yet marked): such a
    # wide cell is no mark, such a long row is skipped. Blank is always no mark in a wide report.
    no_mark: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.no_mark = [v.strip() for v in self.no_mark if v.strip()]

    def required(self) -> list[str]:
        fields = ["upn", "date", "session", "code"] if self.layout == "long" else ["upn"]
        return fields if self.school_urn else [*fields[:1], "school_urn", *fields[1:]]

    def unmapped(self) -> list[str]:
        """Required Attend fields the profile does not map, in words."""
        out = []
        for name in self.required():
            if not self.columns.get(name, "").strip():
                out.append(
                    "School URN (map the column with the URN, or choose the school)"
                    if name == "school_urn"
                    else FIELDS[name]
                )
        return out

    def check(self) -> None:
        """ProfileError if the spec cannot be used at all (not: if the file does not match it)."""
        if self.layout not in LAYOUTS:
            raise ProfileError(f"layout must be long or wide, not {self.layout!r}")
        if self.date_format not in DATE_FORMATS:
            raise ProfileError(
                f"date format must be one of {', '.join(DATE_FORMATS)}, not {self.date_format!r}"
            )
        if self.wide_header not in WIDE_HEADERS:
            raise ProfileError(
                f"wide header must be one of {', '.join(WIDE_HEADERS)}, not {self.wide_header!r}"
            )
        unknown = sorted(set(self.columns) - set(FIELDS)) + sorted(set(self.fill_down) - set(FIELDS))
        if unknown:
            raise ProfileError(f"unknown Attend field(s): {', '.join(unknown)}")
        if self.school_urn and not self.school_urn.isdigit():
            raise ProfileError(f"the school's URN must be digits, not {self.school_urn!r}")
        if valid := sorted(set(self.no_mark) & valid_codes()):
            raise ProfileError(f"{', '.join(valid)} is a register code, so it cannot also mean no mark")
        if self.header_line < 0:
            raise ProfileError("the header line must be 0 (find it) or a line number")

    def to_json(self) -> dict:
        return {
            "layout": self.layout,
            "columns": dict(self.columns),
            "school_urn": self.school_urn,
            "date_format": self.date_format,
            "header_line": self.header_line,
            "wide_header": self.wide_header,
            "fill_down": list(self.fill_down),
            "no_mark": list(self.no_mark),
        }

    @classmethod
    def from_json(cls, data: dict) -> ProfileSpec:
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise ProfileError("a profile is an object with a layout and columns")
        try:
            spec = cls(
                layout=str(data.get("layout", "")),
                columns={str(k): str(v) for k, v in data.get("columns", {}).items() if str(v).strip()},
                school_urn=str(data.get("school_urn", "") or ""),
                date_format=str(data.get("date_format", "auto")),
                header_line=int(data.get("header_line", 0) or 0),
                wide_header=str(data.get("wide_header", "auto")),
                fill_down=[str(f) for f in data.get("fill_down", [])],
                no_mark=[str(v) for v in data.get("no_mark", [])],
            )
        except (TypeError, ValueError) as error:
            raise ProfileError(f"the profile cannot be read: {error}") from None
        spec.check()
        return spec


@dataclass
class NamedProfile:
    name: str
    spec: ProfileSpec
    owner: str  # "Shipped with Attend", the school's or the LA's name
    shipped: bool
    pk: int | None = None
    description: str = ""
    version: int | None = None


# ----- reading a file through a profile


def read_marks(path: Path, spec: ProfileSpec, problems: Problems):
    """The file read through `spec` as profile_read.Marks (canonical table, lines, display order), or None when
    nothing can be read (the problems say why)."""
    from .profile_read import NOT_TEXT, long_marks, read_grid, readable_copy
    from .profile_wide import is_two_rows, wide_marks

    spec.check()
    for name in spec.required():
        if not spec.columns.get(name, "").strip():
            label = FIELDS[name] + (
                " (map the column with the URN, or choose the school)" if name == "school_urn" else ""
            )
            problems.add(spec.header_line or 1, name, f"{label} is not mapped to a column of the file")
    if problems.total:
        return None
    known = {v.strip().casefold() for v in spec.columns.values()}
    if spec.layout == "wide":
        mode = spec.wide_header

        def two_rows(header, next_row):
            if mode == "two_rows":  # the row under it must still be an AM/PM row
                return bool(next_row) and any(c.strip() and parse_session(c) for c in next_row)
            return mode == "auto" and is_two_rows(header, next_row, spec.date_format)
    else:

        def two_rows(header, next_row):
            return False

    with readable_copy(path) as readable:
        if readable is None:
            problems.add(1, "file", NOT_TEXT)
            return None
        grid = read_grid(readable, problems, known=known, header_line=spec.header_line, two_rows=two_rows)
    if grid is None:
        return None
    return (wide_marks if spec.layout == "wide" else long_marks)(grid, spec, problems)


def validate(marks, scope: ImportScope | None):
    """marks.py's validation of the canonical table; a wide row's one fault (an unknown UPN) is named once."""
    from .marks import encode_columns, validate_marks

    encoded = encode_columns(marks.table)
    batch, bad = validate_marks(encoded, marks.table.num_rows, marks.lines, scope)
    unique = sorted(set(bad.found))
    bad.total -= len(bad.found) - len(unique)
    bad.found = unique
    return batch, bad


@dataclass
class Preview:
    rows: list[dict]  # {line, upn, school_urn, date (ISO), session (AM/PM), code} as Attend will read them
    problems: list[str]  # `file:line: field: reason`, the first ones (scope included)
    total_rows: int
    total_problems: int
    skipped_header_lines: list[int] = field(default_factory=list)


def preview(path, spec: ProfileSpec, *, user=None, limit: int = 20) -> Preview:
    """The first `limit` marks as Attend will read them and the first problems (reading, then the marks
    importer's checks in `user`'s scope). Writes nothing."""
    path = Path(path)
    problems = Problems(path.name)
    try:
        spec = _one_school(spec, user)  # as the import will read it
        marks = read_marks(path, spec, problems)
    except ProfileError as error:
        return Preview([], [f"{path.name}:1: profile: {error}"], 0, 1)
    if marks is None:
        return Preview(
            [], [p.format(path.name) for p in sorted(problems.items)[:MAX_PROBLEMS_KEPT]], 0, problems.total
        )
    first = np.argsort(marks.order, kind="stable")[:limit].tolist()
    table = marks.table.take(first).to_pydict() if first else {k: [] for k in marks.table.column_names}
    rows = [
        {"line": int(marks.lines[row]), **{name: table[name][i] for name in table}}
        for i, row in enumerate(first)
    ]
    _, bad = validate(marks, ImportScope.of(user))
    found: list[Problem] = sorted(problems.items + bad.found)[:MAX_PROBLEMS_KEPT]
    return Preview(
        rows,
        [p.format(path.name) for p in found],
        marks.table.num_rows,
        problems.total + bad.total,
        marks.skipped_headers,
    )


# ----- finding, naming and saving profiles


@cache
def _shipped() -> tuple[NamedProfile, ...]:
    out = []
    for file in sorted(SHIPPED_DIR.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        out.append(
            NamedProfile(
                name=data["name"],
                spec=ProfileSpec.from_json(data["spec"]),
                owner="Shipped with Attend",
                shipped=True,
                description=data.get("description", ""),
            )
        )
    return tuple(out)


def shipped_profiles() -> list[NamedProfile]:
    return list(_shipped())


def _visible_rows(user):
    """Saved profiles `user` may use: their import scope's schools' and those schools' LAs', and their LA
    memberships' (whole scope: every saved profile)."""
    rows = ImportProfile.objects.select_related("school", "local_authority")
    scope = ImportScope.of(user)
    if scope.whole:
        return rows
    from attend.schools.models import School

    la_ids = set(
        School.objects.filter(pk__in=scope.school_ids).values_list("local_authority_id", flat=True)
    ) | set(_importing_la_ids(user))
    from django.db.models import Q

    return rows.filter(Q(school_id__in=scope.school_ids) | Q(local_authority_id__in=la_ids))


def _importing_la_ids(user) -> list[int]:
    if user is None or not user.is_active:
        return []
    return list(
        user.memberships.filter(
            role__in=PERMISSIONS["import.run"].roles, local_authority__isnull=False
        ).values_list("local_authority_id", flat=True)
    )


def _named(row: ImportProfile) -> NamedProfile:
    return NamedProfile(
        name=row.name,
        spec=ProfileSpec.from_json(row.spec),
        owner=row.school.name if row.school_id else row.local_authority.name,
        shipped=False,
        pk=row.pk,
        version=row.version,
    )


def profiles_for(user) -> list[NamedProfile]:
    """Shipped profiles, then the user's schools' and LA's saved ones, by name."""
    saved = [_named(row) for row in _visible_rows(user).order_by("name", "pk")]
    return shipped_profiles() + saved


def resolve(name_or_spec, user) -> ProfileSpec:
    """The spec of a profile name the user may use (or of a ProfileSpec or NamedProfile). ImportFailed with a
    clear message if the name is unknown to the user or names two of their profiles."""
    return resolve_named(name_or_spec, user)[0]


def resolve_named(name_or_spec, user) -> tuple[ProfileSpec, str]:
    """(spec, name): as `resolve`, with the profile's name ("" for a bare spec)."""
    if isinstance(name_or_spec, ProfileSpec):
        name_or_spec.check()
        return _one_school(name_or_spec, user), ""
    if isinstance(name_or_spec, NamedProfile):
        return _one_school(name_or_spec.spec, user), name_or_spec.name
    name = str(name_or_spec).strip()
    matches = [p for p in profiles_for(user) if p.name.casefold() == name.casefold()]
    if not matches:
        known = ", ".join(sorted({p.name for p in profiles_for(user)}))
        raise ImportFailed([f"profile: no import profile called {name!r} that you may use (yours: {known})"])
    if len(matches) > 1:
        owners = "; ".join(p.owner for p in matches)
        raise ImportFailed([f"profile: {len(matches)} profiles are called {name!r} ({owners}); rename one"])
    return _one_school(matches[0].spec, user), matches[0].name


def _one_school(spec: ProfileSpec, user) -> ProfileSpec:
    """A profile that names no school and maps no URN column reads the marks of the importer's school when they
    import for exactly one school (a school's own report); otherwise the URN stays unmapped (a problem)."""
    if spec.school_urn or spec.columns.get("school_urn"):
        return spec
    scope = ImportScope.of(user)
    if scope.whole or len(scope.school_ids) != 1:
        return spec
    from attend.schools.models import School

    urn = School.objects.filter(pk__in=scope.school_ids).values_list("urn", flat=True).first()
    return replace(spec, school_urn=str(urn))


def may_save_for(by, *, school=None, local_authority=None) -> bool:
    if by is None or identity.is_system_admin(by):
        return True
    if school is not None:
        return ImportScope.of(by).allows(school.pk)
    return local_authority is not None and local_authority.pk in _importing_la_ids(by)


def save_profile(
    *, by, name: str, spec: ProfileSpec, school=None, local_authority=None, expected_version=None
):
    """Create the school's or LA's profile `name`, or (with `expected_version`, the version the person edited)
    change it. PermissionDenied if `by` may not import for that school or LA; ProfileError for a bad name or
    spec, or a name already taken when creating; VersionConflict if someone saved it since. Audited."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ProfileError("give the profile a name of 1 to 100 characters")
    if (school is None) == (local_authority is None):
        raise ProfileError("a profile belongs to one school or one local authority")
    if not may_save_for(by, school=school, local_authority=local_authority):
        raise PermissionDenied("you may save import profiles only for your own schools or local authority")
    if any(p.name.casefold() == name.casefold() for p in shipped_profiles()):
        raise ProfileError(f"{name!r} is the name of a profile shipped with Attend; choose another")
    spec.check()
    owner = {"school": school} if school is not None else {"local_authority": local_authority}
    with transaction.atomic():
        existing = ImportProfile.objects.filter(name__iexact=name, **owner).first()
        if expected_version is None:
            if existing is not None:
                raise ProfileError(
                    f"there is already a profile called {name!r} for {existing.school or existing.local_authority}"
                )
            try:
                with transaction.atomic():  # someone saving the same name at the same moment
                    profile = ImportProfile.objects.create(
                        name=name, layout=spec.layout, spec=spec.to_json(), created_by=by, **owner
                    )
            except IntegrityError:
                raise ProfileError(f"there is already a profile called {name!r} there") from None
        else:
            if existing is None or not update_if_version(
                ImportProfile,
                existing.pk,
                expected_version,
                name=name,
                layout=spec.layout,
                spec=spec.to_json(),
            ):
                raise VersionConflict(
                    f"the profile {name!r} was changed or removed since you opened it; reload it and try again",
                    existing,
                )
            profile = ImportProfile.objects.get(pk=existing.pk)
        owner_label = school.name if school is not None else local_authority.name
        audit.record(
            "registers.profile.saved",
            by=by,
            obj=profile,
            school=school,
            data={
                "name": profile.name,
                "version": profile.version,
                "owner": owner_label,
                "layout": spec.layout,
            },
        )
    return profile


def sniff(path, *, rows: int = 20):
    """A file's header, first rows, layout guess and suggested ProfileSpec (profile_sniff.Sniffed)."""
    from .profile_sniff import sniff as _sniff

    return _sniff(path, rows=rows)
