"""Risk markers (record, expire, review, end) and the risk check before a visit."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.visits import lists
from attend.visits.models import RiskKind, RiskMarker, Visit
from attend.visits.risks import RiskError, confirm_risk_check, markers_for_visit, record_marker

from .test_lists_world import TODAY, at, make_world

pytestmark = pytest.mark.django_db
NOW = at(TODAY, 9, 30)


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_world()


@pytest.fixture
def visit(w) -> Visit:
    v = lists.plan_visit(
        user=w["sam"], pupil=w["amy"], contact_id=w["mother"].pk, reason="Not in school since Monday",
        planned_for=TODAY, today=TODAY,
    )  # fmt: skip
    lists.add_to_round(v, lists.todays_round(w["sam"], TODAY, create=True), by=w["sam"])
    return v


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def marker(w, kind=RiskKind.ANIMALS, review_on=dt.date(2026, 5, 1), now=NOW, **about) -> RiskMarker:
    about = about or {"address_line1": "12 elm road", "postcode": "ls97ab"}
    return record_marker(
        by=w["sam"], kind=kind, reason="Large dog loose", review_on=review_on, now=now, **about
    )


def test_an_address_marker_is_normalised_and_shown_for_the_visit_there(w, visit):
    m = marker(w)
    assert (m.postcode, m.address_line1, m.recorded_by, m.recorded_at) == (
        "LS9 7AB",
        "12 elm road",
        w["sam"],
        NOW,
    )
    rows = markers_for_visit(visit, TODAY)
    assert [(r.marker, r.where, r.state) for r in rows] == [(m, "address", "current")]
    event = AuditEvent.objects.get(action="visits.risk_marker.recorded")
    assert (
        describe(event) == "Sam Patel recorded a risk marker (dangerous animals) about 12 elm road, LS9 7AB."
    )


def test_a_marker_past_its_review_date_is_expired_and_shown_as_such_not_as_a_fact(client, w, visit):
    m = marker(w, kind=RiskKind.AGGRESSION, review_on=dt.date(2025, 6, 1), now=at(dt.date(2025, 5, 1), 9),
               contact=w["mother"])  # fmt: skip
    assert [r.state for r in markers_for_visit(visit, TODAY)] == ["expired"]
    client.force_login(w["sam"])
    shown = page(client.get(f"/visits/rounds/{visit.round_id}/"))
    assert "Expired: review before relying on it" in shown and m.reason in shown
    listed = page(client.get(f"/visits/risks/{w['amy'].upn}/"))
    assert "Expired: review before relying on it" in listed and "review was due 1 Jun 2025" in listed


@pytest.mark.parametrize(
    "data, error",
    [
        ({"reason": "", "review_on": "2026-01-10"}, "Enter the reason for the marker"),
        ({"reason": "Dog", "review_on": ""}, "Enter the review date"),
        ({"reason": "Dog", "review_on": "2025-11-18"}, "The review date must be today or in the future"),
        (
            {"reason": "Dog", "review_on": "2026-11-20"},
            "The review date must be within 12 months, by 19 November 2026",
        ),
        (
            {"reason": "Dog", "review_on": "2026-01-10", "about": "address-FATHER"},
            "That address is confidential",
        ),
    ],
)
def test_a_marker_with_bad_input_shows_the_reason_and_saves_nothing(client, w, data, error):
    client.force_login(w["sam"])
    form = page(client.get(f"/visits/risks/{w['amy'].upn}/new/"))
    assert "a precaution" in form and "never a diagnosis" in form
    assert "3 Hidden Lane" not in form
    data = {"about": "pupil", "kind": "animals", **data}
    data["about"] = data["about"].replace("FATHER", str(w["father"].pk))
    shown = page(client.post(f"/visits/risks/{w['amy'].upn}/new/", data))
    assert "govuk-error-summary" in shown and error in shown
    assert (
        not RiskMarker.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="visits.risk").exists()
    )


def test_markers_are_recorded_reviewed_and_ended_through_the_pages(client, w):
    client.force_login(w["sam"])
    data = {
        "about": f"address-{w['mother'].pk}",
        "kind": "animals",
        "reason": "Two dogs",
        "review_on": "2026-05-19",
    }
    assert client.post(f"/visits/risks/{w['amy'].upn}/new/", data).status_code == 302
    m = RiskMarker.objects.get()
    assert (m.address_line1, m.postcode, m.review_on) == ("12 Elm Road", "LS9 7AB", dt.date(2026, 5, 19))
    refused = page(
        client.post(f"/visits/risks/markers/{m.pk}/review/", {"review_on": "2027-01-01", "note": "x"})
    )
    assert "within 12 months" in refused and RiskMarker.objects.get().review_on == dt.date(2026, 5, 19)
    response = client.post(
        f"/visits/risks/markers/{m.pk}/review/",
        {"review_on": "2026-11-19", "note": "Mother says dogs still there"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.review_on, m.review_note, m.reviewed_by) == (
        dt.date(2026, 11, 19),
        "Mother says dogs still there",
        w["sam"],
    )
    assert "Enter why the marker no longer applies" in page(
        client.post(f"/visits/risks/markers/{m.pk}/end/", {})
    )
    assert client.post(f"/visits/risks/markers/{m.pk}/end/", {"reason": "Dogs rehomed"}).status_code == 302
    m.refresh_from_db()
    assert m.ended_at is not None and m.end_reason == "Dogs rehomed"
    assert "Ended" in page(client.get(f"/visits/risks/{w['amy'].upn}/"))
    actions = list(
        AuditEvent.objects.filter(action__startswith="visits.risk_marker")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "visits.risk_marker.recorded",
        "visits.risk_marker.reviewed",
        "visits.risk_marker.ended",
    ]
    # Another school's officer cannot see or change it.
    client.force_login(w["other"])
    assert (
        client.post(
            f"/visits/risks/markers/{m.pk}/review/", {"review_on": "2026-01-01", "note": "x"}
        ).status_code
        == 404
    )


def test_aggression_refuses_a_lone_visit_with_the_reason_and_paired_needs_whom(w, visit):
    marker(w, kind=RiskKind.AGGRESSION, contact=w["mother"])
    answers = {"markers_read": True}
    with pytest.raises(RiskError) as refused:
        confirm_risk_check(visit, by=w["sam"], mode="alone", answers=answers, now=NOW)
    assert refused.value.field == "mode" and "You cannot go alone" in refused.value.message
    assert "Large dog loose" in refused.value.message
    with pytest.raises(RiskError, match="Enter who is going with you"):
        confirm_risk_check(visit, by=w["sam"], mode="paired", answers=answers, now=NOW)
    visit.refresh_from_db()
    assert visit.risk_checked_at is None and visit.mode == ""
    confirm_risk_check(
        visit, by=w["sam"], mode="paired", now=NOW,
        answers={**answers, "paired_with": "Jo Reid", "paired_kind": "social_worker"},
    )  # fmt: skip
    visit.refresh_from_db()
    assert (visit.mode, visit.risk_checked_at, visit.risk_checked_by) == ("paired", NOW, w["sam"])
    assert visit.risk_check["paired_with"] == "Jo Reid" and visit.risk_check["paired_kind"] == "social_worker"
    assert visit.risk_check["markers_shown"][0]["kind"] == "aggression"


def test_an_expired_aggression_marker_is_a_prompt_to_review_and_does_not_refuse_alone(w, visit):
    marker(w, kind=RiskKind.LONE_NOT_ADVISED, review_on=dt.date(2025, 6, 1), now=at(dt.date(2025, 5, 1), 9),
           pupil=w["amy"])  # fmt: skip
    confirm_risk_check(visit, by=w["sam"], mode="alone", answers={"markers_read": True}, now=NOW)
    visit.refresh_from_db()
    assert visit.risk_check["markers_shown"] == [
        {"id": RiskMarker.objects.get().pk, "kind": "lone_not_advised", "about": "pupil", "state": "expired"}
    ]


def test_the_full_check_needs_the_risks_and_last_visit_read_and_a_fresh_check_at_the_door_wins(w, visit):
    Visit.objects.create(
        pupil=w["amy"], address="12 Elm Road\nLeeds\nLS9 7AB", postcode="LS9 7AB", source="case",
        reason="Earlier", planned_for=dt.date(2025, 10, 8), status=Visit.Status.DONE,
    )  # fmt: skip
    with pytest.raises(RiskError, match="read the risks"):
        confirm_risk_check(visit, by=w["sam"], mode="alone", answers={}, now=NOW)
    with pytest.raises(RiskError, match="notes of the last visit"):
        confirm_risk_check(visit, by=w["sam"], mode="alone", answers={"markers_read": True}, now=NOW)
    full = {"markers_read": True, "last_visit_read": True}
    confirm_risk_check(visit, by=w["sam"], mode="alone", answers=full, now=NOW)
    at_door = at(TODAY, 11, 5)
    confirm_risk_check(
        visit, by=w["sam"], mode="doorstep", answers={**full, "note": "Shouting inside"}, now=at_door
    )
    visit.refresh_from_db()
    assert (visit.mode, visit.risk_checked_at) == ("doorstep", at_door)
    assert visit.risk_check["doorstep_only"] is True and visit.risk_check["note"] == "Shouting inside"
    assert [e["mode"] for e in visit.risk_check["earlier"]] == ["alone"]
    events = AuditEvent.objects.filter(action="visits.risk_check.confirmed").order_by("pk")
    assert [e.data["mode"] for e in events] == ["alone", "doorstep only"]
    assert (
        describe(events[0])
        == "Sam Patel confirmed the risk check before a visit to Amy Khan: alone, 0 risk markers shown."
    )


def test_an_urgent_welfare_visit_takes_the_one_minute_check(client, w, visit):
    marker(w, kind=RiskKind.AGGRESSION, contact=w["mother"])
    client.force_login(w["sam"])
    url = f"/visits/visits/{visit.pk}/risk-check/?urgent=1"
    shown = page(client.get(url))
    assert "Urgent welfare visit: quick risk check" in shown and "Large dog loose" in shown
    assert "markers_read" not in shown and "last_visit_read" not in shown
    refused = page(client.post(url, {"mode": "alone"}))
    assert "govuk-error-summary" in refused and "You cannot go alone" in refused
    assert client.post(url, {"mode": "doorstep"}).status_code == 302
    visit.refresh_from_db()
    assert visit.urgent and visit.mode == "doorstep" and visit.risk_check["urgent"] is True


def test_the_risk_check_page_shows_markers_last_visit_and_records_the_check(client, w, visit):
    marker(w)
    Visit.objects.create(
        pupil=w["amy"], address="12 Elm Road\nLeeds\nLS9 7AB", postcode="LS9 7AB", source="case",
        reason="Earlier", planned_for=dt.date(2025, 10, 8), status=Visit.Status.CANCELLED_FOR_SAFETY,
    )  # fmt: skip
    client.force_login(w["sam"])
    url = f"/visits/visits/{visit.pk}/risk-check/"
    shown = page(client.get(url))
    assert "Large dog loose" in shown and "8 October 2025" in shown and "Cancelled for safety" in shown
    missing = page(client.post(url, {}))
    assert "Choose how you will go" in missing
    response = client.post(url, {"mode": "alone", "markers_read": "on", "last_visit_read": "on"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/visits/rounds/{visit.round_id}/#visit-{visit.pk}"
    )
    assert "Checked" in page(client.get(f"/visits/rounds/{visit.round_id}/"))
    # Only the round's officer records its checks; another school's officer gets a 404.
    client.force_login(w["pat"])
    assert client.post(url, {"mode": "alone", "markers_read": "on"}).status_code == 404
    client.force_login(w["other"])
    assert client.get(url).status_code == 404
