"""Small factories for access-control tests: one sensible default per model, override what matters."""

from __future__ import annotations

import datetime as dt
import itertools

from attend.accounts.models import Membership, PupilLink, User
from attend.people.models import Enrolment, Pupil
from attend.people.upn import make_upn
from attend.schools.models import LocalAuthority, School, Trust

_serial = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_la(code: str = "201", name: str = "Northshire") -> LocalAuthority:
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_trust(name: str = "Bright Futures Trust") -> Trust:
    return Trust.objects.get_or_create(name=name)[0]


def make_school(
    *, la: LocalAuthority | None = None, trust: Trust | None = None, name: str | None = None
) -> School:
    n = next(_serial)
    la = la or make_la()
    return School.objects.create(
        urn=100000 + n,
        laestab=f"{la.code}{2000 + n:04d}",
        name=name or f"School {n}",
        phase=School.Phase.PRIMARY,
        local_authority=la,
        trust=trust,
    )


def make_pupil(*, school: School | None = None, surname: str = "Smith", **fields) -> Pupil:
    n = next(_serial)
    pupil = Pupil.objects.create(
        upn=make_upn("201", "2000", 24, n),
        legal_forename=fields.pop("legal_forename", f"Pupil{n}"),
        legal_surname=surname,
        date_of_birth=dt.date(2015, 1, 1),
        sex=Pupil.Sex.FEMALE,
        **fields,
    )
    if school is not None:
        Enrolment.objects.create(pupil=pupil, school=school, admission_date=dt.date(2024, 9, 1), nc_year="4")
    return pupil


def make_user(
    username: str | None = None, *, role: str | None = None, password: str | None = None, **scope
) -> User:
    """A user; with `role`, also a membership scoped by `school=`, `trust=` or `local_authority=`.
    Without `password` the user can only be signed in with force_login (and hashing is skipped: fast)."""
    user = User.objects.create_user(username or f"user{next(_serial)}", password=password)
    if role is not None:
        Membership.objects.create(user=user, role=role, **scope)
    return user


def link(user: User, pupil: Pupil, reason: str = "Allocated social worker") -> PupilLink:
    return PupilLink.objects.create(user=user, pupil=pupil, reason=reason)
