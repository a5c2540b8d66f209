"""A network for the tests: Jayden Okafor (Year 4, child in need) at Alder Primary with his allocated social
worker, Priya Shah of Northshire Children's Services, who also uses Attend (a social worker's account); Kyla Brown
(looked after) with a virtual school caseworker; and Tom Green, in the same class, with no social worker. The
clock is pinned to Wednesday 19 November 2025; the registers for that morning are in."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.letters.tests.conftest import smtp_server  # noqa: F401
from attend.partnership.network import set_member
from attend.registers.models import Mark

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


class World:
    pass


def mark(pupil, code: str, session: str = "AM", day: dt.date = TODAY) -> None:
    Mark.objects.update_or_create(
        enrolment=pupil.enrolments.get(), date=day, session=session, defaults={"code": code}
    )


@pytest.fixture
def world(db, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    w = World()
    w.la = make_la()
    w.school = make_school(la=w.la, name="Alder Primary")
    w.officer = make_user("sam.officer", role=R.SCHOOL_OFFICER, school=w.school)
    w.la_officer = make_user("lee.la", role=R.LA_OFFICER, local_authority=w.la)
    w.social_worker = make_user("priya.shah", role=R.SOCIAL_WORKER, local_authority=w.la)
    w.social_worker.email = "priya.shah@northshire-cs.example.gov.uk"
    w.social_worker.first_name, w.social_worker.last_name = "Priya", "Shah"
    w.social_worker.save()
    w.jayden = make_pupil(school=w.school, surname="Okafor", legal_forename="Jayden", child_in_need=True)
    w.kyla = make_pupil(school=w.school, surname="Brown", legal_forename="Kyla", looked_after=True)
    w.tom = make_pupil(school=w.school, surname="Green", legal_forename="Tom")
    set_member(
        w.jayden,
        "social_worker",
        by=w.officer,
        name="Priya Shah",
        organisation="Northshire Children's Services",
        email="priya.shah@northshire-cs.example.gov.uk",
        phone="01632 960111",
    )
    set_member(
        w.kyla,
        "virtual_school",
        by=w.officer,
        name="Dan Ellis",
        organisation="Northshire Virtual School",
        email="dan.ellis@northshire-vs.example.gov.uk",
    )
    set_member(
        w.tom,
        "early_help",
        by=w.officer,
        name="Jo Reed",
        organisation="Northshire Early Help",
        email="jo.reed@northshire-eh.example.gov.uk",
    )
    # The morning register is in: Tom and Kyla present.
    mark(w.tom, "/")
    mark(w.kyla, "/")
    return w
