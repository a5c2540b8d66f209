"""A whole school's marks read from the statistics store are exactly what the database gives the rules (issue 22):
the same school context and the same pupils, mark for mark, on both database engines."""

from __future__ import annotations

import datetime as dt
import logging
import random

import pytest

from attend.alerts import inputs
from attend.alerts.inputs import load_school
from attend.alerts.services import alerts_evaluate
from attend.registers.models import Mark
from attend.stats import store

from .factories import fill_marks, make_enrolment, make_school, weekdays

D = dt.date
AS_OF = D(2025, 11, 14)
EVENING = dt.time(18, 0)
# From September 2024: more than the rules' year of look-back, across two academic years.
DAYS = weekdays(
    D(2024, 9, 2), AS_OF, skip=[(D(2024, 12, 23), D(2025, 1, 3)), (D(2025, 7, 23), D(2025, 9, 2))]
)
CODES = ["/", "/", "/", "/", "I", "M", "N", "O", "G", "U", "L", "C2", "J1", "B", "D", "Y1", "E", "#", ""]


@pytest.fixture
def school(db, settings, tmp_path):
    """Nine pupils with a random mix of codes (two-letter codes, codes that are not possible sessions, no mark at
    all), one who left in October, a session the whole school was closed, marks after AS_OF, and another school's
    pupil who must never appear."""
    settings.ATTEND_STATS_DIR = str(tmp_path / "store")
    school = make_school()
    rng = random.Random(22)
    enrolments = []
    for i in range(9):
        left = {"leaving_date": D(2025, 10, 10)} if i == 8 else {}
        enrolment = make_enrolment(school, nc_year=str(1 + i % 6), **left)
        overrides = {(d, s): rng.choice(CODES) for d in DAYS for s in ("AM", "PM") if rng.random() < 0.25}
        fill_marks(enrolment, DAYS + weekdays(AS_OF + dt.timedelta(days=1), D(2025, 11, 21)), overrides)
        enrolments.append(enrolment)
    Mark.objects.filter(enrolment__school=school, date=DAYS[-20], session="PM").update(code="#")
    fill_marks(make_enrolment(make_school()), DAYS)
    return school, enrolments


def test_the_store_gives_the_rules_what_the_database_gives(school):
    school, enrolments = school
    context, pupils = load_school(school, as_of=AS_OF, now=EVENING, marks_from="database")
    from_store, pupils_from_store = load_school(school, as_of=AS_OF, now=EVENING, marks_from="store")

    assert from_store == context
    assert pupils_from_store == pupils
    # What the rules see, in figures: eight pupils on roll (the leaver is not), each with every mark of the
    # look-back up to AS_OF and none after it; the closed session is not a school session.
    assert [p.enrolment_id for p in pupils_from_store] == [e.pk for e in enrolments[:8]]
    start = AS_OF - dt.timedelta(days=inputs.LOOKBACK_DAYS)
    first = enrolments[0]
    expected = Mark.objects.filter(enrolment=first, date__range=(start, AS_OF)).order_by("date", "session")
    assert pupils_from_store[0].marks == tuple(expected.values_list("date", "session", "code"))
    assert (DAYS[-20], "PM") not in from_store.sessions and (DAYS[-20], "AM") in from_store.sessions
    possible = Mark.objects.filter(enrolment__school=school, date=DAYS[-1]).exclude(code__in=["D", "Y1", "#"])
    assert from_store.attendance_by_day[DAYS[-1]][0] == possible.count()


def test_a_narrowed_load_from_the_store_sees_what_a_whole_database_load_sees(school):
    school, enrolments = school
    context, pupils = load_school(school, as_of=AS_OF, now=EVENING, marks_from="database")
    wanted = {enrolments[1].pk, enrolments[5].pk, enrolments[8].pk}  # the last one has left
    narrow, some = load_school(school, as_of=AS_OF, now=EVENING, enrolment_ids=wanted, marks_from="store")
    assert narrow == context
    assert some == [p for p in pupils if p.enrolment_id in wanted] and len(some) == 2


def test_a_big_school_reads_the_store_and_a_small_one_the_database(school, monkeypatch):
    school, _ = school
    calls = []
    original = inputs._all_marks

    def counted(*args):
        calls.append("database")
        return original(*args)

    monkeypatch.setattr(inputs, "_all_marks", counted)
    monkeypatch.setattr(inputs, "STORE_MIN_ENROLMENTS", 8)
    load_school(school, as_of=AS_OF, now=EVENING)
    assert calls == []  # eight on roll: the store
    monkeypatch.setattr(inputs, "STORE_MIN_ENROLMENTS", 9)
    load_school(school, as_of=AS_OF, now=EVENING)
    assert calls == ["database"]


def test_an_unreadable_store_is_logged_and_the_database_read_instead(school, monkeypatch, caplog):
    school, _ = school
    expected = alerts_evaluate(as_of=AS_OF, at=EVENING, school=school)

    def broken(*args):
        raise OSError("store file unreadable")

    monkeypatch.setattr(inputs, "school_marks", broken)
    monkeypatch.setattr(inputs, "STORE_MIN_ENROLMENTS", 1)
    with caplog.at_level(logging.ERROR, logger="attend.alerts.inputs"):
        again = alerts_evaluate(as_of=AS_OF, at=EVENING, school=school)
    assert "reading" in caplog.text and "from the database" in caplog.text
    assert (again.unchanged, again.raised, again.updated, again.cleared) == (expected.raised, 0, 0, 0)
    with pytest.raises(OSError):
        load_school(school, as_of=AS_OF, now=EVENING, marks_from="store")


def test_the_rules_never_read_the_last_good_store_that_pages_are_served(school):
    school, enrolments = school
    load_school(school, as_of=AS_OF, now=EVENING, marks_from="store")  # builds the store
    Mark.objects.filter(enrolment=enrolments[0], date=AS_OF, session="AM").delete()
    # Deleted and written again, as a correction that gets a new id: the store is now stale.
    Mark.objects.create(enrolment=enrolments[0], date=AS_OF, session="AM", code="G")
    assert store.is_stale()
    with store.serving_last_good():  # as inside a dashboard request
        _, pupils = load_school(school, as_of=AS_OF, now=EVENING, marks_from="store")
    assert pupils[0].code_on(AS_OF, "AM") == "G"
