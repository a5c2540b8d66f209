"""Plain-words pieces for alert reasons: sessions as days, short dates, code tallies."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable


def days_phrase(sessions: int) -> str:
    """2 sessions make a school day: '1 day', 'half a day', '2.5 days'."""
    if sessions == 1:
        return "half a day"
    days = sessions / 2
    text = f"{days:g}"
    return f"{text} day" if days == 1 else f"{text} days"


def sessions_phrase(sessions: int) -> str:
    """'12 sessions (6 days)', '1 session (half a day)'."""
    noun = "session" if sessions == 1 else "sessions"
    return f"{sessions} {noun} ({days_phrase(sessions)})"


def kind_sessions_phrase(kind: str, sessions: int) -> str:
    """'12 unauthorised sessions (6 days)'."""
    noun = "session" if sessions == 1 else "sessions"
    return f"{sessions} {kind} {noun} ({days_phrase(sessions)})"


def short_date(day: dt.date) -> str:
    """'8 Sep'."""
    return f"{day.day} {day:%b}"


def weekday_date(day: dt.date) -> str:
    """'Tue 14 Nov'."""
    return f"{day:%a} {day.day} {day:%b}"


def code_tally(codes: Iterable[str]) -> str:
    """'G×6, O×4, N×2': most frequent first, then alphabetical."""
    counts = Counter(codes)
    return ", ".join(f"{code}×{n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def percent(value: float) -> str:
    """'10%', '10.6%'."""
    return f"{round(value, 1):g}%"


def and_list(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b, and c' (the serial comma keeps parts with their own commas apart)."""
    items = [i for i in items if i]
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"
