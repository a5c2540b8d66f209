"""The s19 pages: the decision page (what was counted, the responsible LAs, the form and its errors), the list of
decisions due and recorded, the /cme/ panel, and scope (another LA's pupil: 404, nothing changes)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.audit.models import AuditEvent
from attend.cme import s19
from attend.cme.models import ProvisionDecision
from attend.core.tests.factories import make_la, make_user

from .s19_world import TODAY, days_coded, school_with_pupil, weekdays, write_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


@pytest.fixture
def w():
    school, pupil, enrolment = school_with_pupil()
    ill = days_coded(weekdays(dt.date(2025, 10, 13), dt.date(2025, 10, 24)), "II")
    ill |= days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 14)), "II")
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, ill)
    _, out, at_school = school_with_pupil(surname="Out")
    write_register(
        at_school, dt.date(2025, 11, 3), TODAY, days_coded(weekdays(dt.date(2025, 11, 12), TODAY), "EE")
    )
    s19.sync_s19_prompts(TODAY)
    return {
        "pupil": pupil,
        "out": out,
        "school": school,
        "officer": make_user("la1", role="la_officer", local_authority=make_la("201")),
        "south": make_user("la2", role="la_officer", local_authority=make_la("202", "Southshire")),
        "teacher": make_user("sch1", role="school_officer", school=school),
    }


def url(pupil, trigger="health"):
    return f"/cme/s19/{pupil.upn}/decide/?trigger={trigger}"


def test_the_decision_page_shows_the_days_counted_and_the_responsible_las(client, w):
    client.force_login(w["officer"])
    page = client.get(url(w["pupil"])).content.decode()
    assert "15 school days missed for health (I and M marks, two sessions a day) from 13 October 2025" in page
    assert "Children missing education enquiry: Northshire" in page
    assert "Penalty notices and prosecution: Northshire, the LA where the school is." in page
    assert AuditEvent.objects.filter(action="people.pupil.viewed", pupil=w["pupil"]).exists()


def test_not_needed_without_a_reason_shows_the_error_summary_and_records_nothing(client, w):
    client.force_login(w["officer"])
    response = client.post(url(w["pupil"]), {"trigger": "health", "decision": "not_needed", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Give the reason education does not need to be arranged" in page
    response = client.post(url(w["pupil"]), {"trigger": "health", "decision": "arranging", "provision": "Tutor",
                                             "provision_starts": "2025-13-40"})  # fmt: skip
    assert "Enter the date the arranged education starts as a real date" in response.content.decode()
    assert not ProvisionDecision.objects.exists()


def test_recording_the_decision_lists_it_as_decided_and_no_longer_due(client, w):
    client.force_login(w["officer"])
    listing = client.get("/cme/s19/").content.decode()
    assert f"{url(w['pupil'])}" in listing and "E for 6 school days from 12 November 2025" in listing
    response = client.post(url(w["pupil"]), {"trigger": "health", "decision": "arranging",
                                             "provision": "Hospital education service, 15 hours a week",
                                             "provision_starts": "2025-11-24"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/cme/s19/"
    listing = client.get("/cme/s19/").content.decode()
    assert "The LA is arranging education (s19)" in listing and "15 school days counted" in listing
    assert url(w["pupil"]) not in listing
    assert "1 decision due" in client.get("/cme/").content.decode()


def test_the_officer_says_which_kind_of_exclusion(client, w):
    client.force_login(w["officer"])
    page = client.get(url(w["out"], "exclusion")).content.decode()
    assert "Is it a suspension or a permanent exclusion?" in page
    response = client.post(
        url(w["out"], "exclusion"), {"decision": "school_providing", "reason": "School's unit"}
    )
    assert "Say whether it is a suspension or a permanent exclusion" in response.content.decode()
    client.post(url(w["out"], "exclusion"), {"trigger": "exclusion", "decision": "arranging",
                                             "provision": "Pupil referral unit, full time", "provision_starts": "2025-11-19"})  # fmt: skip
    decision = ProvisionDecision.objects.get()
    assert (decision.trigger, decision.sixth_day) == ("exclusion", TODAY)


def test_another_las_officer_gets_404_and_a_school_officer_403(client, w):
    client.force_login(w["south"])
    assert client.get(url(w["pupil"])).status_code == 404
    assert (
        client.post(
            url(w["pupil"]), {"trigger": "health", "decision": "not_needed", "reason": "x"}
        ).status_code
        == 404
    )
    assert "No decisions are due" in client.get("/cme/s19/").content.decode()
    client.force_login(w["teacher"])
    assert client.get(url(w["pupil"])).status_code == 403
    assert not ProvisionDecision.objects.exists()


def test_the_health_page_records_a_health_decision_whatever_trigger_is_posted(client, w):
    client.force_login(w["officer"])
    client.post(
        url(w["pupil"]), {"trigger": "exclusion", "decision": "not_needed", "reason": "Back full time"}
    )
    assert ProvisionDecision.objects.get().trigger == "health"
