"""Today's date for the web pages. `ATTEND_WEB_TODAY=YYYY-MM-DD` pins it, so a demo or benchmark loaded with a
past academic year (the generator builds one academic year at a time) shows that year; unset in production."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone


def today() -> dt.date:
    pinned = os.environ.get("ATTEND_WEB_TODAY", "")
    return dt.date.fromisoformat(pinned) if pinned else timezone.localdate()
