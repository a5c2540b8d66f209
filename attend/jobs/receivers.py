"""Follow committed imports (attend.registers.signals) without registers knowing about jobs or statistics."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def refresh_statistics_after_import(sender, kind: str, result, **kwargs) -> None:
    """Queue a rebuild of the statistics store: pages keep serving the last good store until it is done."""
    from attend.stats.store import request_refresh

    try:
        request_refresh()
    except Exception:  # the import has committed; a missing refresh only delays the figures
        log.exception("could not queue a statistics refresh after importing %s", kind)
