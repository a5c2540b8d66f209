"""English school-year dates for the demo local authority: terms, half-terms, bank holidays and INSET days.

The rules follow the usual shape of a county council's published term dates: autumn term from the first days of
September with a half-term in the last full week of October, two weeks at Christmas, spring half-term in the week of
the third Monday of February, Easter holidays over Holy Week and Easter week, summer half-term in the week of the
spring bank holiday, and the year ending around 22 July.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)

# Approximate UK observance dates of Eid al-Fitr and Eid al-Adha (for code R, religious observance).
EID_DATES = {
    dt.date(2024, 4, 10), dt.date(2024, 6, 17), dt.date(2025, 3, 31), dt.date(2025, 6, 6),
    dt.date(2026, 3, 20), dt.date(2026, 5, 27), dt.date(2027, 3, 10), dt.date(2027, 5, 17),
    dt.date(2028, 2, 28), dt.date(2028, 5, 5), dt.date(2029, 2, 15), dt.date(2029, 4, 24),
    dt.date(2030, 2, 5), dt.date(2030, 4, 15),
}  # fmt: skip


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _last_monday_of(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return _last_weekday_on_or_before(first_next - ONE_DAY, 0)


@dataclass(frozen=True)
class TermPart:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class YearCalendar:
    start_year: int
    terms: tuple[TermPart, ...]  # six half-terms; the holidays are the gaps between them
    bank_holidays: tuple[tuple[dt.date, str], ...]  # those that fall inside a term

    @property
    def first_day(self) -> dt.date:
        return self.terms[0].start

    @property
    def last_day(self) -> dt.date:
        return self.terms[-1].end

    def in_term(self, day: dt.date) -> bool:
        return any(t.start <= day <= t.end for t in self.terms)

    def weekdays_in_term(self) -> list[dt.date]:
        days = []
        for term in self.terms:
            day = term.start
            while day <= term.end:
                if day.weekday() < 5:
                    days.append(day)
                day += ONE_DAY
        return days


def year_calendar(start_year: int) -> YearCalendar:
    """The LA-wide term dates for the academic year starting in September of `start_year`."""
    sep1 = dt.date(start_year, 9, 1)
    autumn_start = sep1 if sep1.weekday() <= 2 else _monday_on_or_after(sep1)
    oct31 = dt.date(start_year, 10, 31)
    october_half = _last_weekday_on_or_before(oct31 - 4 * ONE_DAY, 0)
    autumn_end = _last_weekday_on_or_before(dt.date(start_year, 12, 21), 4)

    y = start_year + 1
    jan4 = dt.date(y, 1, 4)
    spring_start = jan4 if jan4.weekday() <= 1 else _monday_on_or_after(jan4)
    february_half = _monday_on_or_after(dt.date(y, 2, 15))
    easter = easter_sunday(y)
    good_friday = easter - 2 * ONE_DAY
    spring_end = good_friday - 7 * ONE_DAY
    summer_start = easter + 8 * ONE_DAY
    may_half = _last_monday_of(y, 5)
    jul22 = dt.date(y, 7, 22)
    summer_end = jul22 if jul22.weekday() < 5 else _last_weekday_on_or_before(jul22, 4)

    terms = (
        TermPart("Autumn 1", autumn_start, october_half - 3 * ONE_DAY),
        TermPart("Autumn 2", october_half + 7 * ONE_DAY, autumn_end),
        TermPart("Spring 1", spring_start, february_half - 3 * ONE_DAY),
        TermPart("Spring 2", february_half + 7 * ONE_DAY, spring_end),
        TermPart("Summer 1", summer_start, may_half - 3 * ONE_DAY),
        TermPart("Summer 2", may_half + 7 * ONE_DAY, summer_end),
    )
    early_may = _monday_on_or_after(dt.date(y, 5, 1))
    candidates = [(early_may, "Early May bank holiday")]
    # Good Friday and Easter Monday normally fall in the Easter holidays; keep only holidays inside a term.
    candidates += [(easter + ONE_DAY, "Easter Monday"), (good_friday, "Good Friday")]
    holidays = tuple((day, name) for day, name in candidates if any(t.start <= day <= t.end for t in terms))
    return YearCalendar(start_year, terms, holidays)


def first_thursday_of_may(year: int) -> dt.date:
    may1 = dt.date(year, 5, 1)
    return may1 + dt.timedelta(days=(3 - may1.weekday()) % 7)
