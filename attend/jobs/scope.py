"""Which import files a user may send, by the web upload or the API: one rule for both.

The importers accept any school in the service. Schools files and Common Transfer Files can name any school (a CTF
carries whole school histories), so they are for users whose scope covers every school (`sees_every_school`; in a
one-LA installation, the LA's own staff and system administrators). For anyone else, the schools and pupils a file
names must be in their scope (attend.core.scoping): `school_urn` of pupils, marks and calendar files, `upn` of
contacts files. Only that column is read (pyarrow), so the check costs seconds even for a year of marks; rows it
cannot read are refused by the importer's own validation anyway, as are unknown UPNs.
"""

from __future__ import annotations

from pathlib import Path

from attend.core.scoping import pupils_visible_to, schools_visible_to

from .services import WHOLE_SERVICE_KINDS, sees_every_school

MAX_SCOPE_PROBLEMS = 1000
SCHOOL_COLUMN_KINDS = ("pupils", "marks", "calendar")


def import_scope_problems(
    kind: str, path: Path, user, *, file_name: str | None = None
) -> tuple[list[str], int]:
    """(`file:line: field: reason` for rows outside the user's scope, the first MAX_SCOPE_PROBLEMS; their total)."""
    if sees_every_school(user):
        return [], 0
    name = file_name or path.name
    if kind in WHOLE_SERVICE_KINDS:
        return [
            f"{name}:1: file: {kind} files can be imported only by users whose scope covers every school"
        ], 1
    if kind in SCHOOL_COLUMN_KINDS:
        return _schools_out_of_scope(path, name, user)
    if kind == "contacts":
        return _pupils_out_of_scope(path, name, user)
    return [], 0


def _column(path: Path, column: str):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=[column], column_types={column: pa.string()}
            ),
        )
    except (pa.ArrowInvalid, KeyError):
        return None  # no such column, or not CSV: the importer reports the file's own problems
    return table.column(column)


def _schools_out_of_scope(path: Path, name: str, user) -> tuple[list[str], int]:
    import pyarrow as pa
    import pyarrow.compute as pc

    urns = _column(path, "school_urn")
    if urns is None:
        return [], 0
    allowed = sorted(str(u) for u in schools_visible_to(user).values_list("urn", flat=True))
    bad = pc.invert(pc.is_in(pc.utf8_trim_whitespace(urns), value_set=pa.array(allowed, pa.string())))
    rows = pc.indices_nonzero(bad).to_pylist()
    problems = [
        f"{name}:{row + 2}: school_urn: school {urns[row].as_py()} is not one of your schools"
        for row in rows[:MAX_SCOPE_PROBLEMS]
    ]
    return problems, len(rows)


def _pupils_out_of_scope(path: Path, name: str, user) -> tuple[list[str], int]:
    from attend.people.models import Pupil

    column = _column(path, "upn")
    if column is None:
        return [], 0
    upns = [(u or "").strip() for u in column.to_pylist()]
    known = set(Pupil.objects.filter(upn__in=set(upns)).values_list("upn", flat=True))
    visible = set(pupils_visible_to(user).filter(upn__in=known).values_list("upn", flat=True))
    rows = [i for i, u in enumerate(upns) if u in known and u not in visible]
    problems = [f"{name}:{row + 2}: upn: pupil {upns[row]} is not one of your pupils" for row in rows]
    return problems[:MAX_SCOPE_PROBLEMS], len(rows)
