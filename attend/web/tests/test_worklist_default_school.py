"""The school list's default school (issue 23 item 17): an LA officer opening /work/?list=school gets one of the
schools they are the named officer for, not the alphabetically first school in the LA."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import OfficerAssignment
from attend.core.tests.factories import make_la, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def la_schools(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    return la, {
        name: make_school(la=la, name=name) for name in ("Abbey Primary", "Beech Academy", "Cedar High")
    }


def _school_list(client, user):
    client.force_login(user)
    response = client.get("/work/?list=school")
    assert response.status_code == 200
    return response


def test_the_school_list_opens_on_the_first_school_the_officer_is_named_for(client, la_schools):
    la, schools = la_schools
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    for name in ("Cedar High", "Beech Academy"):
        OfficerAssignment.objects.create(school=schools[name], side="la", officer=officer)
    response = _school_list(client, officer)
    assert response.context["school"] == schools["Beech Academy"]
    assert "Work list: school list, Beech Academy" in " ".join(response.content.decode().split())


def test_a_school_side_assignment_counts_too(client, la_schools):
    la, schools = la_schools
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    OfficerAssignment.objects.create(school=schools["Cedar High"], side="school", officer=officer)
    assert _school_list(client, officer).context["school"] == schools["Cedar High"]


def test_another_officers_assignment_does_not_choose_my_school(client, la_schools):
    la, schools = la_schools
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    colleague = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    OfficerAssignment.objects.create(school=schools["Cedar High"], side="la", officer=colleague)
    assert _school_list(client, officer).context["school"] == schools["Abbey Primary"]


def test_a_named_school_outside_my_scope_is_not_opened(client, la_schools):
    la, schools = la_schools
    elsewhere = make_school(la=make_la("202", "Southshire"), name="Aardvark School")
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    OfficerAssignment.objects.create(school=elsewhere, side="la", officer=officer)
    OfficerAssignment.objects.create(school=schools["Cedar High"], side="la", officer=officer)
    assert _school_list(client, officer).context["school"] == schools["Cedar High"]


def test_a_school_asked_for_by_urn_wins_over_the_default(client, la_schools):
    la, schools = la_schools
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    OfficerAssignment.objects.create(school=schools["Beech Academy"], side="la", officer=officer)
    client.force_login(officer)
    response = client.get(f"/work/?list=school&school={schools['Abbey Primary'].urn}")
    assert response.context["school"] == schools["Abbey Primary"]
