"""The service's "today": the date every page, evaluation and letter is "as of".

In production it is the local date. Two things pin it:
- `ATTEND_TODAY=YYYY-MM-DD` (or its older name `ATTEND_WEB_TODAY`) in the environment, for replaying a past
  school year in benchmarks and load tests;
- the demo, which pins it in the database (`ClockPin`) to the last school day in its data when it loads, so a
  demo started on a Saturday or in the holidays still opens on a school day's work, in the web server and the
  task worker alike. Every page says so in a banner.
"""

from __future__ import annotations

import datetime as dt
import os

from django.db import DatabaseError
from django.utils import timezone

ENV_NAMES = ("ATTEND_TODAY", "ATTEND_WEB_TODAY")
AFTER_SCHOOL = dt.time(17, 0)


def today() -> dt.date:
    return pinned_today() or timezone.localdate()


def now() -> dt.datetime:
    """The moment things happen at: the real time, or on a pinned day 5 pm that day (after the school day, so
    what is recorded "now" comes after the day's calls and meetings, and in the same order whatever the real time:
    a demo's notes are dated on the demo's today, and tests do not depend on the hour they run at)."""
    day = pinned_today()
    if day is None:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, AFTER_SCHOOL))


def latest_moment() -> dt.datetime:
    """The latest moment an event may be recorded at: now, or on a pinned day the end of that day."""
    day = pinned_today()
    if day is None:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def pinned_today() -> dt.date | None:
    """The pinned date, or None when the service runs on the real date."""
    return pin_and_reason()[0]


def pin_and_reason() -> tuple[dt.date | None, str]:
    """(the pinned date or None, why it is pinned) in one look-up, for the banner every page shows."""
    for name in ENV_NAMES:
        if value := os.environ.get(name, ""):
            return dt.date.fromisoformat(value), f"{name} is set"
    from .models import ClockPin

    try:
        row = ClockPin.objects.values_list("day", "reason").first()
    except DatabaseError:  # before `migrate` has made the table
        return None, ""
    return row if row else (None, "")


def pin(day: dt.date, reason: str) -> None:
    from .models import ClockPin

    ClockPin.objects.update_or_create(pk=1, defaults={"day": day, "reason": reason})
