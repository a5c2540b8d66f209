"""The API keeps to the user's own enrolment periods (issue 14, finding 4): a school a pupil has left gets its
own alerts and its own period's attendance; the school the pupil joined gets nothing from before its admission."""

from __future__ import annotations

import pytest

from attend.core.tests.moves import TODAY, make_moved_pupil

from .factories import bearer, token_for


@pytest.fixture
def moved(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_moved_pupil()


def get(client, user, url):
    return client.get(url, headers=bearer(token_for(user)))


def test_alerts_are_those_of_the_users_own_schools(client, moved):
    alder, beech = moved["alder_alert"], moved["beech_alert"]
    listed = get(client, moved["alder_officer"], "/api/v1/alerts/?status=all").json()
    assert [a["id"] for a in listed["results"]] == [alder.pk]
    assert get(client, moved["alder_officer"], f"/api/v1/alerts/{beech.pk}/").status_code == 404
    assert get(client, moved["beech_officer"], f"/api/v1/alerts/{alder.pk}/").status_code == 404
    everything = get(client, moved["la_officer"], "/api/v1/alerts/?status=all").json()
    assert sorted(a["id"] for a in everything["results"]) == sorted([alder.pk, beech.pk])


def test_pupil_attendance_covers_the_users_own_period_only(client, moved):
    url = f"/api/v1/pupils/{moved['pupil'].upn}/attendance/"
    old = get(client, moved["alder_dsl"], url).json()
    assert old["school_urn"] == moved["alder"].urn
    assert (old["period_from"], old["period_to"]) == ("2025-09-03", "2025-11-28")
    assert (old["possible_sessions"], old["attended"], old["unauthorised_absence"]) == (10, 8, 2)
    new = get(client, moved["beech_officer"], url).json()
    assert new["school_urn"] == moved["beech"].urn
    assert (new["period_from"], new["period_to"]) == ("2025-12-01", "2025-12-10")
    assert (new["possible_sessions"], new["attended"], new["authorised_absence"]) == (10, 6, 4)
    assert get(client, moved["cedar_officer"], url).status_code == 404
