"""A family for the meetings and safeguarding tests: Amelia at Alder Primary, her mother (email, telephone) and her
father, separated, whose address is confidential; an LA officer, a school officer, the school's DSL, an LA manager,
and an open case. The clock is pinned to Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.casework.cases import open_case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.letters.tests.conftest import _stats_store, fake_notify, smtp_server  # noqa: F401
from attend.letters.tests.factories import make_contact

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


@pytest.fixture
def family(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la()
    school = make_school(la=la, name="Alder Primary")
    other_school = make_school(la=la, name="Beech Primary")
    pupil = make_pupil(school=school, surname="Kowalska", legal_forename="Amelia")
    mother = make_contact(pupil=pupil, email="anna.kowalska@example.com", phone_mobile="07700 900123")
    father = make_contact(
        "Kowalski", title="Mr", forename="Piotr", pupil=pupil, priority=2,
        email="piotr@example.com", phone_mobile="07700 900456",
        address_line1="4 Refuge Close", town="Southtown", postcode="ST9 9ZZ",
    )  # fmt: skip
    la_officer = make_user("sam", role=R.LA_OFFICER, local_authority=la)
    la_officer.first_name, la_officer.last_name = "Sam", "Patel"
    la_officer.save()
    case, _ = open_case(by=la_officer, pupil=pupil, school=school)
    return {
        "la": la,
        "school": school,
        "other_school": other_school,
        "pupil": pupil,
        "mother": mother,
        "father": father,
        "case": case,
        "la_officer": la_officer,
        "school_officer": make_user("kim", role=R.SCHOOL_OFFICER, school=school),
        "dsl": make_user("dee", role=R.DSL, school=school),
        "la_manager": make_user("mo", role=R.LA_MANAGER, local_authority=la),
        "other_officer": make_user("oz", role=R.SCHOOL_OFFICER, school=other_school),
    }
