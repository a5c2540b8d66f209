"""Days the test suite is run on to prove that no test depends on the real date (`ATTEND_TEST_DAY`, conftest.py).

Each named day is the next one of its kind after the real date, so the moved clock stays ahead of the browser's
real one (a session cookie set "in the past" would have expired on arrival):
- `saturday`, `sunday`: no school sessions at all;
- `bank-holiday`: the next early May bank holiday, a weekday in term time with no sessions;
- `summer-holiday`: the first weekday of the summer holiday (after the last day of the summer term, by the demo
  LA's term-date rules in attend.demo.calendar);
- `weekday`: the next Wednesday in term time;
or an ISO date. scripts/test.sh runs the PostgreSQL pass on a Saturday; scripts/test-days.sh runs every day.
"""

from __future__ import annotations

import datetime as dt

DAYS = ("saturday", "sunday", "bank-holiday", "summer-holiday", "weekday")


def _next_weekday(after: dt.date, weekday: int) -> dt.date:
    return after + dt.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def _early_may_bank_holiday(year: int) -> dt.date:
    return _next_weekday(dt.date(year, 4, 30), 0)  # the first Monday in May


def _first_day_of_summer_holiday(start_year: int) -> dt.date:
    from attend.demo.calendar import year_calendar

    last_day = year_calendar(start_year).last_day
    return _next_weekday(last_day, 0) if last_day.weekday() == 4 else last_day + dt.timedelta(days=1)


def day_to_test(name: str, real_today: dt.date) -> dt.date:
    """The date to move the clock to for `name` (one of DAYS, or YYYY-MM-DD)."""
    if name == "saturday":
        return _next_weekday(real_today, 5)
    if name == "sunday":
        return _next_weekday(real_today, 6)
    if name == "bank-holiday":
        day = _early_may_bank_holiday(real_today.year)
        return day if day > real_today else _early_may_bank_holiday(real_today.year + 1)
    if name == "summer-holiday":
        day = _first_day_of_summer_holiday(real_today.year - 1)
        return day if day > real_today else _first_day_of_summer_holiday(real_today.year)
    if name == "weekday":
        from attend.demo.calendar import year_calendar

        day = _next_weekday(real_today, 2)
        while not any(
            year_calendar(year).in_term(day) for year in (day.year - 1, day.year)
        ):  # the next Wednesday in term
            day += dt.timedelta(days=7)
        return day
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        raise ValueError(
            f"ATTEND_TEST_DAY={name!r}: expected one of {', '.join(DAYS)} or YYYY-MM-DD"
        ) from None
