"""The demo hook puts the LA's most absent pupils through the court steps (services only, so the rules apply)."""

import datetime as dt

import pytest

from attend.core.tests.factories import make_pupil
from attend.enforcement.demo_court import add_demo_court
from attend.enforcement.models import Prosecution, SupervisionOrder
from attend.people.models import PupilContact
from attend.registers.tests.factories import make_contact, weekdays

from .court_world import add_absences, make_world

pytestmark = pytest.mark.django_db


def test_the_demo_makes_an_order_in_force_and_a_concluded_prosecution(monkeypatch):
    w = make_world(monkeypatch)
    add_absences(w["pupil"], w["school"], weekdays(dt.date(2025, 9, 15), dt.date(2025, 9, 26)))
    second = make_pupil(school=w["school"], surname="Roe")
    father = make_contact(second, relationship="Father", forename="John", surname="Roe")
    PupilContact.objects.filter(contact=father).update(parental_responsibility=True)
    add_absences(second, w["school"], weekdays(dt.date(2025, 9, 15), dt.date(2025, 9, 19)))
    counts = add_demo_court(w["la"].code, by=w["officer"])
    assert counts == {"orders": 1, "prosecutions": 1}
    order = SupervisionOrder.objects.get(pupil=w["pupil"])
    assert order.status == "in_force" and order.expires_on == dt.date(2026, 10, 19)
    prosecution = Prosecution.objects.get(pupil=second)
    assert prosecution.outcome == "parenting_order" and prosecution.lay_by == dt.date(2026, 3, 15)
