"""CSV cells that are safe to open in a spreadsheet.

Spreadsheets run a cell that starts with =, +, -, @ (or a tab/carriage return) as a formula, so a name or a
free-text reason typed as `=HYPERLINK(...)` could act when an officer opens an export (CSV injection, OWASP).
Text cells that start so get a leading apostrophe; numbers are left alone so that -1.5 stays a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float | Decimal:
    """One value as a safe CSV cell: empty for None, yes/no for booleans, ISO dates, guarded text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(values: Iterable) -> list:
    return [cell(v) for v in values]
