"""Caseloads: exact counts by stage, overdue next steps (superseded ones left out) and cases with no contact for 20
school days, counted from the school's calendar where it has one (Alder: half-term 27 to 31 October) and weekdays
otherwise (Beech). Today is Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attend.casework.caseload import caseload_for, contact_cutoff, team_caseload
from attend.casework.cases import open_case
from attend.casework.chronology import record_entry
from attend.casework.models import Case
from attend.core.tests.factories import make_pupil
from attend.schools.models import AcademicYear, Term

from .caseapi_world import TODAY, at, make_caseworld

D = dt.date


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_caseworld()
    year = AcademicYear.objects.get_or_create(start_year=2025)[0]
    Term.objects.create(
        school=w["alder"],
        academic_year=year,
        name="Autumn 1",
        start_date=D(2025, 9, 3),
        end_date=D(2025, 10, 24),
    )
    Term.objects.create(
        school=w["alder"],
        academic_year=year,
        name="Autumn 2",
        start_date=D(2025, 11, 3),
        end_date=D(2025, 12, 19),
    )
    officer, lead = w["la_officer"], w["alder_officer"]
    amy, ben_case = (
        w["amy_case"],
        open_case(by=officer, pupil=w["ben"], school=w["beech"], stage="facilitate")[0],
    )
    cara = make_pupil(school=w["alder"], surname="Adeyemi", legal_forename="Cara")
    cara_case = open_case(by=officer, pupil=cara, school=w["alder"], stage="formalise")[0]
    dan = make_pupil(school=w["alder"], surname="Brown", legal_forename="Dan")
    dan_case = open_case(by=officer, pupil=dan, school=w["alder"])[0]
    eve = make_pupil(school=w["beech"], surname="Clarke", legal_forename="Eve")
    closed = open_case(by=officer, pupil=eve, school=w["beech"])[0]
    Case.objects.filter(pk__in=[amy.pk, ben_case.pk, cara_case.pk, closed.pk]).update(la_officer=officer)
    Case.objects.filter(pk=cara_case.pk).update(school_lead=lead, opened_at=at(D(2025, 11, 10)))
    Case.objects.filter(pk__in=[amy.pk, ben_case.pk, dan_case.pk, closed.pk]).update(
        opened_at=at(D(2025, 9, 1))
    )
    Case.objects.filter(pk=closed.pk).update(status="closed", close_reason="improved")
    # Amy (Alder, calendar): last call 20 October, 16 school days ago; next step due 14 November: overdue.
    record_entry(amy, kind="phone_call", summary="Spoke to mother", occurred_at=at(D(2025, 10, 20)),
                 outcome="spoke_to_parent", next_step="Call back", next_step_due=D(2025, 11, 14))  # fmt: skip
    # Ben (Beech, no calendar): last call 20 October, 22 weekdays ago; his 10 November step was replaced by a later one.
    record_entry(ben_case, kind="phone_call", summary="No answer", occurred_at=at(D(2025, 10, 20)), outcome="no_answer",
                 next_step="Write", next_step_due=D(2025, 11, 10))  # fmt: skip
    record_entry(ben_case, kind="letter", summary="Letter sent", occurred_at=at(D(2025, 11, 11)),
                 next_step="Home visit", next_step_due=D(2025, 11, 25))  # fmt: skip
    # Cara: opened 10 November, no contact yet; her overdue step was corrected to a later date.
    wrong = record_entry(cara_case, kind="note", summary="Plan", occurred_at=at(D(2025, 11, 11)),
                         next_step="Meet", next_step_due=D(2025, 11, 12))  # fmt: skip
    record_entry(cara_case, kind="note", summary="Plan (date corrected)", occurred_at=at(D(2025, 11, 11), 11),
                 corrects=wrong, next_step="Meet", next_step_due=D(2025, 11, 21))  # fmt: skip
    w.update(ben_case=ben_case, cara_case=cara_case, dan_case=dan_case, closed=closed)
    return w


def test_cutoffs_follow_the_calendar_or_weekdays(w):
    assert contact_cutoff(w["alder"], TODAY) == (D(2025, 10, 16), True)  # half-term skipped
    assert contact_cutoff(w["beech"], TODAY) == (D(2025, 10, 23), False)
    assert contact_cutoff(None, TODAY) == (D(2025, 10, 23), False)


def test_my_caseload_counts_exactly(w):
    load = caseload_for(w["la_officer"], TODAY)
    assert load.by_stage == [("Expect", 0), ("Monitor", 0), ("Listen and understand", 1),
                             ("Facilitate support", 1), ("Formalise support", 1), ("Enforce", 0)]  # fmt: skip
    assert (load.overdue, load.no_contact) == (1, 1)
    rows = {c.ref: (c.next_due, c.overdue, c.no_contact) for c in load.cases}
    assert rows == {
        w["amy_case"].ref: (D(2025, 11, 14), True, False),
        w["ben_case"].ref: (D(2025, 11, 25), False, True),
        w["cara_case"].ref: (D(2025, 11, 21), False, False),
    }
    assert load.counted == {"Alder Primary": "the school's calendar", "Beech Primary": "weekdays"}


def test_the_page_shows_my_cases(client, w):
    client.force_login(w["la_officer"])
    page = client.get("/cases/caseload/").content.decode()
    assert "Amy Okafor" in page and "Ben Okafor" in page and "Eve Clarke" not in page
    assert page.count('govuk-tag--red">Overdue') == 1
    assert page.count("No contact for 20 school days</strong>") == 1


def test_the_team_caseload_for_managers(client, w):
    with CaptureQueriesContext(connection) as queries:
        rows, counted = team_caseload(Case.objects.filter(local_authority=w["la"]), TODAY)
    assert len(queries) < 25  # no per-case queries
    table = {r.name: (r.by_stage(), r.total, r.overdue, r.no_contact) for r in rows}
    assert table == {
        "alder.officer (school lead)": ([0, 0, 0, 0, 1, 0], 1, 0, 0),
        "la.officer (LA officer)": ([0, 0, 1, 1, 1, 0], 3, 1, 1),
        "Unassigned": ([0, 0, 1, 0, 0, 0], 1, 0, 1),
    }
    client.force_login(w["la_manager"])
    page = client.get("/cases/caseload/team/").content.decode()
    assert "la.officer (LA officer)" in page and "Unassigned" in page
    client.force_login(w["la_officer"])
    assert client.get("/cases/caseload/team/").status_code == 403
