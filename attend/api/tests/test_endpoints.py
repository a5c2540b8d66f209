"""What each endpoint returns, on a tiny hand-worked LA (see factories.make_world)."""

from __future__ import annotations

import pytest

from attend.alerts.models import Alert
from attend.audit.models import AuditEvent

from .factories import bearer, token_for


def get(client, user, url, **params):
    return client.get(url, params, headers=bearer(token_for(user)))


def test_schools_lists_only_the_schools_in_scope(world, client):
    la = get(client, world["la_officer"], "/api/v1/schools/").json()
    assert la["count"] == 2
    assert [s["name"] for s in la["results"]] == ["Alder Primary", "Beech Primary"]
    assert la["results"][0] == {
        "urn": world["a"].urn,
        "laestab": world["a"].laestab,
        "name": "Alder Primary",
        "phase": "primary",
        "la_code": "201",
        "la_name": "Northshire",
        "trust_name": None,
    }
    school = get(client, world["school_officer"], "/api/v1/schools/").json()
    assert [s["urn"] for s in school["results"]] == [world["a"].urn]


def test_lists_are_paginated(world, client):
    first = get(client, world["la_officer"], "/api/v1/schools/", page_size=1).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = get(client, world["la_officer"], "/api/v1/schools/", page_size=1, page=2).json()
    assert second["results"][0]["name"] == "Beech Primary" and second["next"] is None


def test_school_statistics_are_the_dfe_measures_worked_by_hand(world, client):
    url = f"/api/v1/schools/{world['a'].urn}/statistics/"
    body = get(client, world["school_officer"], url).json()
    assert (body["period_from"], body["period_to"]) == ("2025-08-01", "2025-10-10")
    m = body["measures"]
    # Two pupils x 20 sessions; 2 I (authorised) and 2 O (unauthorised) for one of them.
    assert (m["enrolments"], m["possible_sessions"], m["overall_attendance"]) == (2, 40, 36)
    assert (m["overall_absence"], m["authorised_absence"], m["unauthorised_absence"]) == (4, 2, 2)
    assert m["attendance_perc"] == pytest.approx(90.0)
    assert m["overall_absence_perc"] == pytest.approx(10.0)
    assert m["authorised_absence_perc"] == pytest.approx(5.0)
    assert m["unauthorised_absence_perc"] == pytest.approx(5.0)
    # One of two enrolments missed 20%: persistently (not severely) absent.
    assert (m["persistent_absence_enrolments"], m["pa_perc"]) == (1, pytest.approx(50.0))
    assert (m["severe_absence_enrolments"], m["sa_perc"]) == (0, pytest.approx(0.0))

    later = get(client, world["school_officer"], url, **{"from": "2025-09-15", "to": "2025-09-19"}).json()
    assert (later["measures"]["possible_sessions"], later["measures"]["overall_absence"]) == (20, 0)
    assert later["measures"]["pa_perc"] == pytest.approx(0.0)


def test_statistics_dates_are_validated(world, client):
    url = f"/api/v1/schools/{world['a'].urn}/statistics/"
    for params in (
        {"from": "2025-10-01", "to": "2025-09-01"},
        {"from": "2025-10-11"},  # after today (10 October 2025)
        {"to": "tomorrow"},
        {"from": "0001-01-01"},
        {"from": ""},
        {"form": "2025-09-01"},  # misspelt: refused, not ignored
    ):
        response = get(client, world["la_officer"], url, **params)
        assert response.status_code == 400, params
        assert response.json()["status"] == 400 and response.json()["errors"]


def test_la_statistics_total_the_la_s_schools(world, client):
    body = get(client, world["la_officer"], "/api/v1/la/statistics/").json()
    [row] = body["local_authorities"]
    assert (row["la_code"], row["schools"]) == ("201", 2)
    assert (row["measures"]["possible_sessions"], row["measures"]["overall_absence"]) == (40, 4)


def test_alerts_list_filters_and_detail(world, client):
    user = world["la_officer"]
    listed = get(client, user, "/api/v1/alerts/").json()
    assert [a["id"] for a in listed["results"]] == [world["alert"].pk]
    alert = listed["results"][0]
    assert alert["upn"] == world["absent"].upn and alert["school_urn"] == world["a"].urn
    assert "Absent" not in str(alert)  # UPNs, not names
    assert get(client, user, "/api/v1/alerts/", rule="severe_absence").json()["count"] == 0
    assert get(client, user, "/api/v1/alerts/", school=world["b"].urn).json()["count"] == 0
    Alert.objects.filter(pk=world["alert"].pk).update(status=Alert.Status.DISMISSED)
    assert get(client, user, "/api/v1/alerts/").json()["count"] == 0
    assert get(client, user, "/api/v1/alerts/", status="dismissed").json()["count"] == 1
    assert get(client, user, "/api/v1/alerts/", status="all").json()["count"] == 1
    assert get(client, user, "/api/v1/alerts/", status="nonsense").status_code == 400

    detail = get(client, user, f"/api/v1/alerts/{world['alert'].pk}/").json()
    assert detail["rule"] == "persistent_absence" and detail["evidence"] == [["2025-09-08", "AM", "I"]]


def test_linked_pupils_alerts_only_for_a_social_worker(world, client):
    listed = get(client, world["social_worker"], "/api/v1/alerts/").json()
    assert [a["id"] for a in listed["results"]] == [world["alert"].pk]
    assert get(client, world["class_teacher"], "/api/v1/alerts/").json()["count"] == 0


def test_pupil_attendance_is_the_year_to_date_summary_and_is_audited(world, client):
    pupil = world["absent"]
    response = get(client, world["school_officer"], f"/api/v1/pupils/{pupil.upn}/attendance/")
    assert response.status_code == 200
    body = response.json()
    assert body["school_urn"] == world["a"].urn
    assert (body["possible_sessions"], body["attended"], body["absent"]) == (20, 16, 4)
    assert (body["authorised_absence"], body["unauthorised_absence"]) == (2, 2)
    assert body["absence_perc"] == pytest.approx(20.0)
    assert body["persistent_absence"] is True and body["severe_absence"] is False
    assert {r["code"]: r["sessions"] for r in body["reasons"]} == {"I": 2, "O": 2}
    event = AuditEvent.objects.get(action="people.pupil.viewed", pupil=pupil)
    assert event.actor == world["school_officer"]
    assert event.data["page"] == "attendance (API)" and len(event.data["token"]) == 8
