"""The s19 decision page in the write-endpoint matrix (attend/core/tests/test_write_endpoint_matrix.py): Sol, on
roll at Cedar (Southshire) and ill for 15 school days this term, whose decision is out of every Northshire persona's
scope."""

from __future__ import annotations

import datetime as dt

from attend.core.tests.factories import make_pupil
from attend.people.models import Enrolment
from attend.registers.models import Mark

S19_COVERED = {"cme:s19-decide"}


def add_south_s19(w: dict) -> None:
    sol = make_pupil(surname="Unwell", legal_forename="Sol")
    enrolment = Enrolment.objects.create(
        pupil=sol, school=w["cedar"], admission_date=dt.date(2025, 9, 3), nc_year="4"
    )
    day, marks = dt.date(2025, 11, 3), []
    while len(marks) < 30:  # 15 school days of I from 3 November
        if day.weekday() < 5:
            marks += [Mark(enrolment=enrolment, date=day, session=s, code="I") for s in ("AM", "PM")]
        day += dt.timedelta(days=1)
    Mark.objects.bulk_create(marks)
    w["sol"] = sol


def s19_attempts(w: dict) -> list[dict]:
    return [
        dict(name="an s19 decision for another LA's pupil", url=f"/cme/s19/{w['sol'].upn}/decide/?trigger=health",
             data={"trigger": "health", "decision": "not_needed", "reason": "Intruder"}, permission="cme.s19"),
    ]  # fmt: skip
