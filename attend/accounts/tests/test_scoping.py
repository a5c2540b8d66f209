"""pupils_visible_to / get_pupil_for_user: school, trust and LA scopes; linked pupils for read-only roles."""

import pytest
from django.http import Http404

from attend.core.scoping import get_pupil_for_user, pupils_visible_to, schools_visible_to
from attend.core.tests.factories import link, make_la, make_pupil, make_school, make_trust, make_user


@pytest.fixture
def world(db):
    north, south = make_la("201", "Northshire"), make_la("202", "Southshire")
    trust = make_trust()
    a = make_school(la=north, trust=trust, name="A")
    b = make_school(la=north, name="B")
    c = make_school(la=south, trust=trust, name="C")
    d = make_school(la=south, name="D")
    pupils = {name: make_pupil(school=s, surname=name) for name, s in zip("abcd", [a, b, c, d], strict=True)}
    return {"north": north, "trust": trust, "schools": {"a": a, "b": b, "c": c, "d": d}, "pupils": pupils}


def surnames(user):
    return sorted(p.legal_surname for p in pupils_visible_to(user))


def test_a_school_officer_sees_their_school_only(world):
    officer = make_user(role="school_officer", school=world["schools"]["a"])
    assert surnames(officer) == ["a"]


def test_an_la_officer_sees_every_school_in_their_la(world):
    assert surnames(make_user(role="la_officer", local_authority=world["north"])) == ["a", "b"]


def test_a_trust_lead_sees_the_trusts_schools_across_las(world):
    assert surnames(make_user(role="attendance_lead", trust=world["trust"])) == ["a", "c"]


def test_a_pupil_with_two_enrolments_appears_once(world):
    from attend.people.models import Enrolment

    pupil = world["pupils"]["a"]
    Enrolment.objects.create(
        pupil=pupil, school=world["schools"]["b"], admission_date="2025-01-06", nc_year="4"
    )
    assert surnames(make_user(role="la_officer", local_authority=world["north"])) == ["a", "b"]


@pytest.mark.parametrize("role", ["social_worker", "virtual_school", "class_teacher"])
def test_read_only_roles_see_only_linked_pupils(world, role):
    user = make_user(role=role, local_authority=world["north"])
    assert surnames(user) == []
    link(user, world["pupils"]["d"])  # out of area: a looked-after child placed in another LA
    assert surnames(user) == ["d"]


def test_system_admin_sees_schools_but_no_pupils(world):
    admin = make_user(role="system_admin")
    assert schools_visible_to(admin).count() == 4
    assert surnames(admin) == []


def test_nobody_else_sees_anything(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert surnames(make_user()) == []
    assert surnames(AnonymousUser()) == []
    inactive = make_user(role="school_officer", school=world["schools"]["a"])
    inactive.is_active = False
    assert surnames(inactive) == []


def test_get_pupil_for_user_is_404_outside_scope(world):
    officer = make_user(role="school_officer", school=world["schools"]["a"])
    assert get_pupil_for_user(officer, world["pupils"]["a"].upn) == world["pupils"]["a"]
    with pytest.raises(Http404):
        get_pupil_for_user(officer, world["pupils"]["b"].upn)
    with pytest.raises(Http404):
        get_pupil_for_user(officer, "A000000000000")
