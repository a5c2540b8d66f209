"""Optimistic locking: change a row only if it is still the version the person was looking at.

A page shows a record at version N and posts N back with the change. `update_if_version` does one conditional
UPDATE ... WHERE pk = ... AND version = N, setting version = N + 1; it touches one row or none, so two people
acting on the same version cannot both win, on SQLite or PostgreSQL, without holding a lock while they think.
The loser re-reads the row and is told who changed it, when, and what it says now (see alerts.services for the
message). Models opt in with a `version = models.PositiveIntegerField(default=1)` field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model, QuerySet


class VersionConflict(Exception):
    """Someone else changed the row first. `current` is the row as it is now (None if it was deleted)."""

    def __init__(self, message: str, current: Model | None = None):
        super().__init__(message)
        self.current = current


def update_if_version(
    model_or_queryset: type[Model] | QuerySet, pk: Any, expected_version: int, **changes: Any
) -> bool:
    """Apply `changes` to row `pk` and bump its version, only if its version is still `expected_version`.

    Returns True if this call won (exactly one row changed), False if the row has moved on or does not exist.
    `changes` are field values or expressions, as for QuerySet.update (auto_now fields are not set by update(),
    so pass them). Run it inside the caller's transaction when other writes must go with it.
    """
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager
    )
    updated = queryset.filter(pk=pk, version=expected_version).update(version=F("version") + 1, **changes)
    return updated == 1
