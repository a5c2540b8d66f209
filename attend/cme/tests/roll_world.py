"""Small world for the roll tests: a school whose school days come from the marks (no imported calendar), a Year 5
pupil on its roll with a mark for every session, and helpers to write absence runs. Today is pinned by the tests
(Wednesday 19 November 2025); autumn half-term 27-31 October has no marks, so it is not school days."""

from __future__ import annotations

import datetime as dt

from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Enrolment
from attend.registers.models import Mark

D = dt.date
TODAY = D(2025, 11, 19)
HALF_TERM = (D(2025, 10, 27), D(2025, 10, 31))


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and not HALF_TERM[0] <= day <= HALF_TERM[1]:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def set_marks(enrolment: Enrolment, start: dt.date, end: dt.date, code: str) -> None:
    """One mark per session on each school day (bulk), replacing what was there."""
    days = weekdays(start, end)
    Mark.objects.filter(enrolment=enrolment, date__in=days).delete()
    Mark.objects.bulk_create(
        [Mark(enrolment=enrolment, date=d, session=s, code=code) for d in days for s in ("AM", "PM")]
    )


def absent_from(
    enrolment: Enrolment, first_absent: dt.date, *, code: str = "N", upto: dt.date = TODAY
) -> None:
    """Present from 1 September, then `code` every session from `first_absent` to `upto`."""
    set_marks(enrolment, D(2025, 9, 1), first_absent - dt.timedelta(days=1), "/")
    set_marks(enrolment, first_absent, upto, code)


def world(la_code: str = "201"):
    la = make_la(la_code, "Northshire" if la_code == "201" else f"LA {la_code}")
    school = make_school(la=la, name="Riverside Primary")
    pupil = make_pupil(school=school, surname="Ahmed")
    enrolment = pupil.enrolments.get()
    officer = make_user(role="la_officer", local_authority=la)
    lead = make_user(role="attendance_lead", school=school)
    return {
        "la": la,
        "school": school,
        "pupil": pupil,
        "enrolment": enrolment,
        "officer": officer,
        "lead": lead,
    }


def joint_gate(monkeypatch, gaps: list[str] | None = None) -> None:
    """Set the answer of attend.cme.enquiries.joint_enquiry_gaps (its own tests are in test_enquiries.py): empty =
    both the school and the LA have made reasonable enquiries and not located the pupil."""
    from attend.cme import enquiries

    monkeypatch.setattr(enquiries, "joint_enquiry_gaps", lambda pupil, on: list(gaps or []), raising=False)
