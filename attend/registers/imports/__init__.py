"""Validated, all-or-nothing, idempotent imports. One service function for every kind: `import_file`.

Every importer first validates the whole file and collects every problem as `file:line: field: reason`; if there
is any, it raises ImportFailed and writes nothing. Otherwise it writes in one transaction, records an ImportRun
and an audit event with what changed. Rows outside the importing user's scope (scope.py) are problems like any
other, found by the same reader that imports the row. Formats: docs/import-formats.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from .. import arrivals
from ..models import ImportRun
from ..signals import import_completed
from . import calendar_file, contacts, pupils, schools
from .audit import record_import
from .common import ImportFailed, ImportResult, Problems, finish_run, sha256_of, start_run
from .scope import ImportScope

KINDS = ["schools", "pupils", "contacts", "marks", "calendar", "ctf"]

_SMALL = {"schools": schools, "pupils": pupils, "contacts": contacts, "calendar": calendar_file}

__all__ = ["KINDS", "ImportFailed", "ImportResult", "ImportScope", "import_file"]


# progress(done, total, what): called as an import moves from one step to the next (background jobs show it).
Progress = Callable[[int, int, str], None]


def import_file(
    kind: str,
    path: str | Path,
    *,
    user=None,
    progress: Progress | None = None,
    source: str = "command",
    profile=None,
) -> ImportResult:
    """Import one file of `kind` (see KINDS) as `user` (None: the whole service, for the operator's command).
    Raises ImportFailed (nothing written) if any row is bad or outside the user's scope.

    `source` is how the file came (ImportRun.Source: web, api, command). `profile` (marks only) names an import
    profile, or is a profiles.ProfileSpec, that maps an MIS report's columns to Attend's (profiles.py)."""
    progress = progress or (lambda done, total, what: None)
    scope = ImportScope.of(user)
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    if profile is not None and kind != "marks":
        raise ValueError("an import profile reads marks files only")
    if not path.is_file():
        raise ImportFailed([f"{path}: file not found"])
    started = time.perf_counter()
    arrived: list[int] = []  # the schools whose registers the file carried (marks, CTF)
    if kind == "marks":
        from .marks import import_marks

        result = import_marks(
            path,
            user=user,
            scope=scope,
            progress=progress,
            on_write=record_import,
            source=source,
            profile=profile,
        )
    elif kind == "ctf":
        from .ctf import import_ctf

        progress(0, 1, "Reading, checking and writing the file")
        result = import_ctf(path, user=user, scope=scope, on_write=record_import, source=source)
        arrived = _record_ctf_arrival(path, result)
    else:
        module = _SMALL[kind]
        problems = Problems(path.name)
        progress(0, 2, "Checking every row")
        clean = module.validate(path, problems, scope)
        problems.raise_if_any()
        result = ImportResult(kind=kind, file_name=path.name, source=source)
        progress(1, 2, "Writing")
        with transaction.atomic():
            run = start_run(kind, path, sha256_of(path), user)
            module.write(clean, result, scope, run)
            finish_run(run, result)
            record_import(run, result)
    result.seconds = time.perf_counter() - started
    if kind == "marks":
        arrived = result.school_ids or []
    if arrived:
        # Registers arrived: the schools' "no registers received" items clear now, even for an unchanged re-send.
        transaction.on_commit(lambda: arrivals.after_import(arrived))
    if result.created or result.updated:
        # After the commit (and after an outer transaction's commit, if the caller holds one).
        transaction.on_commit(lambda: import_completed.send(sender=import_file, kind=kind, result=result))
    return result


def _record_ctf_arrival(path: Path, result: ImportResult) -> list[int]:
    """Straight after a CTF's transaction: the destination school's registers arrived (attend.registers.arrivals).
    Not on result.school_ids: followers of that (deletion returns) look at every school a CTF touched."""
    school_ids, latest = arrivals.ctf_arrival(path)
    if school_ids and result.import_run_id:
        with transaction.atomic():
            run = ImportRun.objects.get(pk=result.import_run_id)
            arrivals.record_arrival(run, school_ids=school_ids, latest_mark_date=latest)
    return school_ids
