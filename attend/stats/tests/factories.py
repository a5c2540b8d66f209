"""Small factories for statistics tests: a tiny LA with known marks (bulk_create, as the importers do)."""

from __future__ import annotations

import datetime as dt
import itertools

from attend.people.models import Enrolment, Pupil
from attend.registers.models import Mark
from attend.schools.models import LocalAuthority, School, Trust

_seq = itertools.count(1)


def la(code="211", name="Tower Hamlets", region="London") -> LocalAuthority:
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name, "region_name": region})[0]


def school(urn: int, *, phase="primary", authority=None, trust=None, hours="6.50") -> School:
    return School.objects.create(
        urn=urn,
        laestab=f"211{urn % 10000:04d}",
        name=f"School {urn}",
        phase=phase,
        local_authority=authority or la(),
        trust=trust,
        school_day_hours=hours,
    )


def trust(name="Learning Trust") -> Trust:
    return Trust.objects.get_or_create(name=name)[0]


def enrolment(
    school: School,
    *,
    born: dt.date,
    nc_year="5",
    sex="F",
    fsm=False,
    sen="N",
    admitted=dt.date(2025, 9, 1),
    **pupil_fields,
) -> Enrolment:
    n = next(_seq)
    pupil_fields.setdefault("upn", f"T{n:012d}")
    pupil = Pupil.objects.create(
        legal_forename=f"Pupil{n}",
        legal_surname="Test",
        date_of_birth=born,
        sex=sex,
        fsm=fsm,
        sen_status=sen,
        **pupil_fields,
    )
    return Enrolment.objects.create(pupil=pupil, school=school, admission_date=admitted, nc_year=nc_year)


def school_days(start: dt.date, n: int) -> list[dt.date]:
    days, d = [], start
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def marks(enrolment: Enrolment, days: list[dt.date], codes: list[str]) -> None:
    """Codes in session order (AM, PM, AM, PM, ...) over `days`."""
    sessions = [(d, s) for d in days for s in ("AM", "PM")]
    assert len(codes) <= len(sessions)
    Mark.objects.bulk_create(
        Mark(enrolment=enrolment, date=d, session=s, code=c)
        for (d, s), c in zip(sessions, codes, strict=False)
    )
