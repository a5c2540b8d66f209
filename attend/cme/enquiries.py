"""The enquiries area's plain functions (issue 20)."""

from __future__ import annotations

import datetime as dt


def index_panel(user, today: dt.date) -> dict:
    """Context for this area's panel on /cme/ (template cme/enquiries/_index_panel.html)."""
    return {}
