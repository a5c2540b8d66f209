"""Compulsory school age by the statutory dates, not age in years.

Education Act 1996 s8 and the Education (Start of Compulsory School Age) Order 1998: a child becomes of compulsory
school age on the first prescribed day (31 December, 31 March or 31 August) on or after their fifth birthday, and
ceases to be on the school leaving date (the last Friday in June) of the school year in which they turn 16.
A Reception child who turned 5 in October is not of compulsory school age until 31 December.
"""

from __future__ import annotations

import datetime as dt


def _birthday(dob: dt.date, years: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # born 29 February: the birthday falls on 1 March in other years
        return dt.date(dob.year + years, 3, 1)


def compulsory_school_age_starts(dob: dt.date) -> dt.date:
    fifth = _birthday(dob, 5)
    for year in (fifth.year, fifth.year + 1):
        for month, day in ((3, 31), (8, 31), (12, 31)):
            prescribed = dt.date(year, month, day)
            if prescribed >= fifth:
                return prescribed
    raise AssertionError("unreachable")


def _last_friday_of_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def compulsory_school_age_ends(dob: dt.date) -> dt.date:
    """The school leaving date of the school year (1 September to 31 August) in which the child turns 16."""
    sixteenth = _birthday(dob, 16)
    june_year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return _last_friday_of_june(june_year)


def of_compulsory_school_age(dob: dt.date, on: dt.date) -> bool:
    return compulsory_school_age_starts(dob) <= on <= compulsory_school_age_ends(dob)
