"""Validated, all-or-nothing, idempotent imports. One service function for every kind: `import_file`.

Every importer first validates the whole file and collects every problem as `file:line: field: reason`; if there
is any, it raises ImportFailed and writes nothing. Otherwise it writes in one transaction and records an ImportRun.
Formats: docs/import-formats.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction

from ..signals import import_completed
from . import calendar_file, contacts, pupils, schools
from .common import ImportFailed, ImportResult, Problems, finish_run, sha256_of, start_run

KINDS = ["schools", "pupils", "contacts", "marks", "calendar", "ctf"]

_SMALL = {"schools": schools, "pupils": pupils, "contacts": contacts, "calendar": calendar_file}

__all__ = ["KINDS", "ImportFailed", "ImportResult", "import_file"]


def import_file(kind: str, path: str | Path, *, user=None) -> ImportResult:
    """Import one file of `kind` (see KINDS). Raises ImportFailed (nothing written) if any row is bad."""
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not path.is_file():
        raise ImportFailed([f"{path}: file not found"])
    started = time.perf_counter()
    if kind == "marks":
        from .marks import import_marks

        result = import_marks(path, user=user)
    elif kind == "ctf":
        from .ctf import import_ctf

        result = import_ctf(path, user=user)
    else:
        module = _SMALL[kind]
        problems = Problems(path.name)
        clean = module.validate(path, problems)
        problems.raise_if_any()
        result = ImportResult(kind=kind, file_name=path.name)
        with transaction.atomic():
            run = start_run(kind, path, sha256_of(path), user)
            module.write(clean, result)
            finish_run(run, result)
    result.seconds = time.perf_counter() - started
    if result.created or result.updated:
        # After the commit (and after an outer transaction's commit, if the caller holds one).
        transaction.on_commit(lambda: import_completed.send(sender=import_file, kind=kind, result=result))
    return result
