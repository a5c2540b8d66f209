"""The officer's visit profile (/visits/profile/), the manager's officers page (/visits/officers/) and the team's
escalation contacts (/visits/contacts/)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_school, make_user
from attend.visits.demo_lone import make_profile
from attend.visits.models import EscalationContact, OfficerProfile

R = Membership.Role


def person(username: str, name: str, role: str, **scope):
    user = make_user(username, role=role, **scope)
    user.first_name, user.last_name = name.split(" ", 1)
    user.save()
    return user


GOOD = {
    "mobile": "+44 7700 900123",
    "vehicle_make": "Ford",
    "vehicle_model": "Fiesta",
    "vehicle_registration": "ab12cde",
    "vehicle_colour": "Blue",
    "description": "Tall, grey hair, green coat",
    "emergency_contact_name": "Sam Partner",
    "emergency_contact_phone": "01632 960123",
    "lone_worker_training_on": "2025-09-15",
    "dbs_checked_on": "2024-03-01",
}


@pytest.fixture
def team(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    beech = make_school(la=la, name="Beech Primary")
    return {
        "la": la,
        "alder": alder,
        "beech": beech,
        "officer": person("ada", "Ada Lovelace", R.SCHOOL_OFFICER, school=alder),
        "lead": person("lin", "Lin Lead", R.ATTENDANCE_LEAD, school=alder),
        "beech_officer": person("bo", "Bo Beech", R.SCHOOL_OFFICER, school=beech),
        "la_officer": person("lou", "Lou Ewo", R.LA_OFFICER, local_authority=la),
    }


def test_an_officer_saves_their_profile_and_the_change_is_audited_without_the_values(client, team):
    client.force_login(team["officer"])
    response = client.post("/visits/profile/", GOOD, follow=True)
    assert "Your visit profile is saved" in response.content.decode()
    profile = OfficerProfile.objects.get(user=team["officer"])
    assert profile.mobile == "07700 900123"
    assert profile.vehicle_registration == "AB12 CDE"
    assert profile.vehicle == "Blue Ford Fiesta, registration AB12 CDE"
    assert profile.lone_worker_training_on == dt.date(2025, 9, 15)
    event = AuditEvent.objects.get(action="visits.profile.changed")
    sentence = describe(event)
    assert sentence == (
        "Ada Lovelace changed the visit profile of Ada Lovelace: mobile, vehicle make, vehicle model, vehicle "
        "registration, vehicle colour, description, emergency contact's name, emergency contact's phone, "
        "lone-worker training date, DBS check date."
    )
    assert "07700" not in sentence and "AB12" not in sentence
    # Saving the same again changes nothing and records nothing.
    client.post("/visits/profile/", GOOD)
    assert AuditEvent.objects.filter(action="visits.profile.changed").count() == 1


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("mobile", "01632 960123", "Enter a UK mobile number, like 07700 900123 or +44 7700 900123"),
        ("mobile", "", "Enter a UK mobile number, like 07700 900123 or +44 7700 900123"),
        ("mobile", "0770090012", "Enter a UK mobile number"),
        ("vehicle_registration", "HELLO WORLD", "Enter the registration as it is on the number plate"),
        ("vehicle_registration", "", "Enter the registration of the vehicle you use on visits"),
        ("dbs_checked_on", "2026-01-01", "The DBS check date must be today or in the past"),
        ("lone_worker_training_on", "31/02/2025", "Enter the training date as a real date"),
    ],
)
def test_bad_profile_answers_get_a_govuk_error_summary_and_change_nothing(client, team, field, value, error):
    client.force_login(team["officer"])
    response = client.post("/visits/profile/", {**GOOD, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and error in page
    assert page.count(error) >= 2  # in the summary and at the field
    assert not OfficerProfile.objects.filter(user=team["officer"]).exclude(mobile="").exists()
    assert not AuditEvent.objects.filter(action="visits.profile.changed").exists()


@pytest.mark.parametrize("reg", ["AB12 CDE", "A123 BCD", "ABC 123D", "1234 AB", "ABC 1234"])
def test_plausible_registrations_are_accepted(client, team, reg):
    client.force_login(team["officer"])
    client.post("/visits/profile/", {**GOOD, "vehicle_registration": reg})
    assert OfficerProfile.objects.get(user=team["officer"]).vehicle_registration.replace(
        " ", ""
    ) == reg.replace(" ", "")


def test_manager_sees_their_schools_officers_with_missing_and_expired_checks_first(client, team, settings):
    settings.ATTEND_VISITS_TRAINING_YEARS = 3
    settings.ATTEND_VISITS_DBS_YEARS = 3
    make_profile(team["officer"], training=dt.date(2025, 9, 15), dbs=dt.date(2022, 11, 1))  # DBS expired
    make_profile(team["lead"], training=dt.date(2024, 1, 10), dbs=dt.date(2024, 2, 1))  # all fine
    make_profile(team["beech_officer"], training=None, dbs=None)  # another school's: not shown
    client.force_login(team["lead"])
    page = client.get("/visits/officers/").content.decode()
    assert "1 officer with a missing, expired or expiring check" in page
    assert "your LA's or trust's policy settings" in page
    assert "every 3 years" in page
    rows = page.split('data-testid="officer-row"')[1:]
    assert len(rows) == 2
    assert "Ada Lovelace" in rows[0] and "Expired 1 Nov 2025" in rows[0] and "Due 15 Sep 2028" in rows[0]
    assert "Lin Lead" in rows[1] and "Due 1 Feb 2027" in rows[1]
    assert "Bo Beech" not in page


def test_policy_years_are_settings_and_missing_checks_show(client, team, settings):
    settings.ATTEND_VISITS_DBS_YEARS = 1
    make_profile(team["lead"], training=None, dbs=dt.date(2024, 2, 1))
    client.force_login(team["lead"])
    page = client.get("/visits/officers/").content.decode()
    rows = page.split('data-testid="officer-row"')[1:]
    assert "Missing" in rows[0] and "Expired 1 Feb 2025" in rows[0]
    assert "No mobile" in page  # Ada has no profile yet


def test_officers_page_needs_visits_manage(client, team):
    client.force_login(team["officer"])
    assert client.get("/visits/officers/").status_code == 403
    assert client.get("/visits/contacts/").status_code == 403


def test_manager_adds_and_ends_an_escalation_contact_for_their_school(client, team):
    client.force_login(team["lead"])
    response = client.post(
        "/visits/contacts/",
        {"name": "Office desk", "level": "office", "email": "office@alder.example", "mobile": "07700900555"},
        follow=True,
    )
    page = response.content.decode()
    assert "Office desk is now an escalation contact" in page
    contact = EscalationContact.objects.get()
    assert (contact.school, contact.level, contact.mobile) == (team["alder"], "office", "07700 900555")
    assert describe(AuditEvent.objects.get(action="visits.escalation_contact.added")) == (
        "Lin Lead added Office desk as an escalation contact (School office or team contact (told first))."
    )
    response = client.post(f"/visits/contacts/{contact.pk}/end/", follow=True)
    assert "Office desk is no longer told of missed check-ins" in response.content.decode()
    contact.refresh_from_db()
    assert contact.active is False
    assert AuditEvent.objects.filter(action="visits.escalation_contact.ended").count() == 1


def test_a_contact_needs_a_way_to_reach_them_and_a_level(client, team):
    client.force_login(team["lead"])
    page = client.post("/visits/contacts/", {"name": "Nobody", "level": "", "email": "", "mobile": ""})
    page = page.content.decode()
    assert "govuk-error-summary" in page
    assert "Give an email address or a mobile number, so they can be told" in page
    assert "Select a valid choice" in page or "This field is required" in page
    page = client.post(
        "/visits/contacts/", {"name": "X", "level": "manager", "mobile": "12345"}
    ).content.decode()
    assert "Enter a UK mobile number" in page
    assert not EscalationContact.objects.exists()


def test_another_schools_contact_cannot_be_ended(client, team):
    other = EscalationContact.objects.create(
        school=team["beech"], level="office", name="Beech desk", email="b@x.uk"
    )
    client.force_login(team["lead"])
    assert client.post(f"/visits/contacts/{other.pk}/end/").status_code == 404
    other.refresh_from_db()
    assert other.active is True


def test_la_manager_sees_la_team_officers_not_school_staff(client, team):
    manager = person("mo", "Mo Manager", R.LA_MANAGER, local_authority=team["la"])
    client.force_login(manager)
    page = client.get("/visits/officers/").content.decode()
    assert "Lou Ewo" in page and "Mo Manager" in page
    assert "Ada Lovelace" not in page
    client.post(
        "/visits/contacts/", {"name": "LA duty desk", "level": "duty_manager", "email": "duty@la.example"}
    )
    contact = EscalationContact.objects.get()
    assert contact.local_authority == team["la"] and contact.school is None
