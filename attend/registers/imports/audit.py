"""What an import changed, in the audit trail: one event per import (who, file, checksum, counts per kind of
row), and one per pupil whose protected details changed (child-protection plan, looked after, SEN, address), so
the pupil's own trail shows it. Web uploads, the API and the command all import through `import_file`, so all
three are recorded here, inside the import's transaction."""

from __future__ import annotations

from attend import audit
from attend.people.models import Pupil

from .common import ImportResult


def record_import(run, result: ImportResult) -> None:
    user = run.imported_by
    audit.record(
        "registers.import.completed",
        by=user,
        obj=run,
        data={
            "kind": run.kind,
            "file": run.file_name,
            "sha256": run.sha256,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "counts": result.counts,
            "imported_in_part": len(result.notes),
            "protected_changes": len(result.protected),
        },
    )
    for pupil_id, names in sorted(result.protected.items()):
        audit.record(
            "registers.pupil_details.changed",
            by=user,
            pupil=Pupil(pk=pupil_id),
            data={"fields": sorted(names), "import_run": run.pk, "kind": run.kind, "file": run.file_name},
        )
