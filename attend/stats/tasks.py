"""Background tasks for statistics: bringing the columnar store up to date off the request path (run by
`attend db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_store() -> dict:
    """Bring the statistics store up to date (queued after imports and by web requests that find it stale): the
    changes since it was built are applied when they can be, else it is rebuilt whole (attend.stats.store.update).
    Several imports landing while this task waits are covered by the one run."""
    from .store import status, update

    outcome = update()
    built = status().built_at
    return {
        **outcome,
        "rebuilt": outcome["kind"] != "none",
        "built_at": built.isoformat() if built else None,
    }
