"""Candidates counted in the statistics store are the ones the database counts; a store that is not up to date is
never asked (issue 22: the s19 sync's year-long counts)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.cme import s19
from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.stats import counts, store

from . import factories as f

DAYS = f.school_days(dt.date(2025, 9, 8), 30)
YEAR = (dt.date(2025, 8, 1), DAYS[-1])


@pytest.fixture
def la(db, settings, tmp_path):
    """A pupil ill for 16 sessions at one school and 14 at the next (30 in all: 15 days); one ill for 29; one
    excluded on five days (both sessions of three, one session of two) and one on four."""
    settings.ATTEND_STATS_DIR = str(tmp_path / "store")
    first, second = f.school(100001), f.school(100002)
    moved = f.enrolment(first, born=dt.date(2016, 1, 1))
    f.marks(moved, DAYS[:10], ["I"] * 16 + ["/"] * 4)
    moved.leaving_date = DAYS[9]
    moved.save()
    later = Enrolment.objects.create(pupil=moved.pupil, school=second, admission_date=DAYS[10], nc_year="5")
    f.marks(later, DAYS[10:20], ["M"] * 4 + ["I"] * 10 + ["/"] * 6)
    short = f.enrolment(second, born=dt.date(2016, 2, 1))
    f.marks(short, DAYS[:20], ["I"] * 29 + ["/"] * 11)
    excluded = f.enrolment(first, born=dt.date(2016, 3, 1))
    f.marks(excluded, DAYS[:6], ["E", "E", "E", "E", "E", "E", "E", "/", "/", "E", "/", "/"])
    four = f.enrolment(first, born=dt.date(2016, 4, 1))
    f.marks(four, DAYS[:4], ["E"] * 8)
    store.refresh()
    return {"moved": later, "short": short, "excluded": excluded, "four": four}


def test_health_codes_are_counted_per_pupil_over_all_their_enrolments(la):
    found = counts.marked_at_least(s19.HEALTH_CODES, *YEAR, minimum=30, per="pupil")
    assert found == {la["moved"].pupil_id}
    assert counts.marked_at_least(s19.HEALTH_CODES, *YEAR, minimum=29, per="pupil") == {
        la["moved"].pupil_id,
        la["short"].pupil_id,
    }
    # Per enrolment, neither of the moved pupil's enrolments reaches 30 on its own.
    assert counts.marked_at_least(s19.HEALTH_CODES, *YEAR, minimum=30) == set()


def test_exclusion_days_are_counted_once_a_day(la):
    assert counts.marked_at_least(("E",), *YEAR, minimum=5, distinct_days=True) == {la["excluded"].pk}
    assert counts.marked_at_least(("E",), *YEAR, minimum=8) == {la["excluded"].pk, la["four"].pk}


def test_the_s19_candidates_from_the_store_are_the_databases(la):
    current = s19._current_enrolments(DAYS[-1])
    for whole in (True, False):
        assert s19._over_health_threshold(current, *YEAR, whole=whole) == {la["moved"].pupil_id}
        assert s19._excluded_five_days(current, *YEAR, whole=whole) == {la["excluded"].pk}


def test_a_store_that_is_not_up_to_date_is_not_asked(la):
    Mark.objects.create(enrolment=la["short"], date=DAYS[20], session="AM", code="I")  # a new mark: the 30th
    assert store.is_stale()
    assert counts.marked_at_least(s19.HEALTH_CODES, *YEAR, minimum=30, per="pupil") is None
    # The sync then counts in the database, and sees the 30th session at once.
    current = s19._current_enrolments(DAYS[-1])
    assert s19._over_health_threshold(current, *YEAR, whole=True) == {
        la["moved"].pupil_id,
        la["short"].pupil_id,
    }
