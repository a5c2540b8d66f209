"""The responsible LA for a child who lives, goes to school or is looked after in different LAs."""

from __future__ import annotations

import pytest

from attend.cme.responsibility import responsible_las
from attend.core.tests.factories import make_la, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    north, south, east = (
        make_la("201", "Northshire"),
        make_la("202", "Southshire"),
        make_la("203", "Eastshire"),
    )
    school = make_school(la=north, name="Alder Primary")
    return north, south, east, school


def test_a_child_living_in_another_la_the_enquiry_there_enforcement_at_the_school(world):
    north, south, _, school = world
    pupil = make_pupil(school=school)
    duties = responsible_las(pupil, school=school, lives_in_la=south)

    assert duties["cme_enquiry"].la == south
    assert duties["cme_enquiry"].words == (
        "Children missing education enquiry: Southshire, the LA where the child lives (Southshire)."
    )
    assert duties["enforcement"].la == north
    assert duties["enforcement"].words == (
        "Penalty notices and prosecution: Northshire, the LA where the school is, even though the child lives in "
        "Southshire."
    )
    assert duties["s19"].la == south
    assert duties["virtual_school"] is None


def test_where_the_child_lives_not_recorded_falls_back_to_the_schools_la_and_says_so(world):
    north, _, _, school = world
    duties = responsible_las(make_pupil(school=school), school=school)
    assert duties["cme_enquiry"].la == north
    assert "not recorded, so the school's LA (Northshire) until it is known" in duties["cme_enquiry"].words
    assert (
        duties["enforcement"].words
        == "Penalty notices and prosecution: Northshire, the LA where the school is."
    )


def test_a_looked_after_child_placed_out_of_area_belongs_to_the_home_las_virtual_school(world):
    north, _, east, school = world
    pupil = make_pupil(school=school, looked_after=True)
    duties = responsible_las(pupil, school=school, placing_la=east)

    assert duties["virtual_school"].la == east
    assert duties["virtual_school"].words == (
        "Looked after: the virtual school of Eastshire, the LA that looks after the child, placed out of its area: "
        "send the referral and decisions there."
    )
    assert duties["virtual_school"].source == "Children Act 1989 s22(3A)"
    assert duties["enforcement"].la == north


def test_a_looked_after_child_with_no_placing_la_recorded_asks_for_it(world):
    _, _, _, school = world
    duties = responsible_las(make_pupil(school=school, looked_after=True), school=school)
    assert duties["virtual_school"].la is None
    assert "ask the child's social worker which LA" in duties["virtual_school"].words
