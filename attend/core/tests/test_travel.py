"""The days `ATTEND_TEST_DAY` moves the suite's clock to (attend/core/travel.py): each the next of its kind after
the real date, and each a day with no school sessions (but `weekday`)."""

import datetime as dt

import pytest

from attend.core.travel import day_to_test
from attend.demo.calendar import year_calendar

D = dt.date


@pytest.mark.parametrize(
    "real, expected",
    [
        (D(2026, 12, 6), {"saturday": D(2026, 12, 12), "sunday": D(2026, 12, 13), "bank-holiday": D(2027, 5, 3),
                          "summer-holiday": D(2027, 7, 23), "weekday": D(2026, 12, 9)}),
        # After the summer term: next year's holiday; the next term Wednesday is in September.
        (D(2027, 7, 30), {"saturday": D(2027, 7, 31), "sunday": D(2027, 8, 1), "bank-holiday": D(2028, 5, 1),
                          "summer-holiday": D(2028, 7, 24), "weekday": D(2027, 9, 1)}),
    ],
)  # fmt: skip
def test_each_named_day_is_the_next_of_its_kind(real, expected):
    assert {name: day_to_test(name, real) for name in expected} == expected
    for name, day in expected.items():
        assert day > real
        calendar = year_calendar(day.year - (day.month < 8))
        bank_holidays = {d for d, _ in calendar.bank_holidays}
        sessions = calendar.in_term(day) and day.weekday() < 5 and day not in bank_holidays
        assert sessions == (name == "weekday"), name
    assert expected["saturday"].weekday() == 5 and expected["sunday"].weekday() == 6
    assert expected["bank-holiday"] in {
        d for d, _ in year_calendar(expected["bank-holiday"].year - 1).bank_holidays
    }
    assert expected["summer-holiday"].weekday() < 5
    assert day_to_test("2026-03-04", real) == D(2026, 3, 4)
    with pytest.raises(ValueError, match="ATTEND_TEST_DAY='someday'"):
        day_to_test("someday", real)
