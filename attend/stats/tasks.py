"""Background tasks for statistics: rebuilding the columnar store off the request path (run by `attend db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_store() -> dict:
    """Rebuild the statistics store if the database has moved on since it was built (queued after imports and by
    web requests that find the store stale)."""
    from .store import is_stale, refresh, status

    rebuilt = is_stale()
    if rebuilt:
        refresh(force=False)
    built = status().built_at
    return {"rebuilt": rebuilt, "built_at": built.isoformat() if built else None}
