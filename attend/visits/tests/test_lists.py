"""Visit lists, planning a visit, rounds by postcode district, the phone round page and the printed sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.audit.models import AuditEvent
from attend.partnership.models_tsm import AgreedAction, SupportMeeting
from attend.visits import lists
from attend.visits.models import RiskKind, Round, Visit
from attend.visits.risks import normalise_postcode, postcode_district, record_marker

from .test_lists_world import TODAY, at, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_world()


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def plan(user, pupil, contact, *, postcode=None, reason="Not in school since Monday", day=TODAY) -> Visit:
    visit = lists.plan_visit(
        user=user, pupil=pupil, contact_id=contact.pk, reason=reason, planned_for=day, today=TODAY
    )
    return visit


def test_postcodes_are_normalised_and_grouped_by_their_district():
    assert normalise_postcode(" ls97ab ") == "LS9 7AB"
    assert normalise_postcode("sw1a  1aa") == "SW1A 1AA"
    assert postcode_district("ls9 7ab") == "LS9"
    assert postcode_district("") == ""


def test_a_visit_is_planned_from_the_case_page_never_to_a_confidential_address(client, w):
    client.force_login(w["sam"])
    case_page = page(client.get(f"/cases/{w['amy_case'].ref}/"))
    assert f'href="/visits/plan/?case={w["amy_case"].ref}"' in case_page and "Plan a home visit" in case_page

    form = page(client.get(f"/visits/plan/?case={w['amy_case'].ref}"))
    assert "12 Elm Road" in form and "LS9 7AB" in form
    assert "Hidden Lane" not in form and "LS2 9ZZ" not in form
    assert "1 of Amy Khan's addresses is confidential" in form
    assert "A confidential address is shown to nobody and cannot be visited from the list." in form

    data = {"contact": str(w["father"].pk), "planned_for": "2025-11-20", "reason": "Agree a return plan"}
    refused = page(client.post(f"/visits/plan/?case={w['amy_case'].ref}", data))
    assert "govuk-error-summary" in refused and "That address is confidential" in refused
    assert "Hidden Lane" not in refused and not Visit.objects.exists()

    response = client.post(
        f"/visits/plan/?case={w['amy_case'].ref}", {**data, "contact": str(w["mother"].pk)}
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.source, visit.case, visit.pupil, visit.postcode) == (
        "case",
        w["amy_case"],
        w["amy"],
        "LS9 7AB",
    )
    assert visit.address == "12 Elm Road\nLeeds\nLS9 7AB" and visit.status == "listed" and visit.round is None
    assert AuditEvent.objects.filter(action="visits.visit.planned", pupil=w["amy"]).count() == 1
    listed = page(client.get("/visits/"))
    assert "Agree a return plan" in listed and "Planned from a case (case " in listed


@pytest.mark.parametrize(
    "data, error",
    [
        ({"planned_for": "2025-11-20", "reason": "x"}, "Choose the address to visit"),
        ({"contact": "MOTHER", "planned_for": "2025-11-20", "reason": ""}, "Enter why you are visiting"),
        ({"contact": "MOTHER", "planned_for": "2025-11-18", "reason": "x"}, "must be today or later"),
        ({"contact": "MOTHER", "planned_for": "20/11", "reason": "x"}, "as a real date"),
    ],
)
def test_planning_with_bad_input_shows_the_reason_and_saves_nothing(client, w, data, error):
    client.force_login(w["sam"])
    data = {k: str(w["mother"].pk) if v == "MOTHER" else v for k, v in data.items()}
    shown = page(client.post(f"/visits/plan/?case={w['amy_case'].ref}", data))
    assert "govuk-error-summary" in shown and error in shown
    assert not Visit.objects.exists() and not AuditEvent.objects.filter(action__startswith="visits.").exists()


def test_a_visit_is_planned_from_a_tsm_agreed_action(client, w):
    meeting = SupportMeeting.objects.create(
        school=w["alder"], start_year=2025, term="autumn", status="held", meeting_date=dt.date(2025, 11, 12)
    )
    action = AgreedAction.objects.create(
        meeting=meeting,
        pupil=w["amy"],
        action="Home visit to agree a return plan",
        lead_practitioner="Sam Patel",
    )
    client.force_login(w["sam"])
    school_page = page(client.get(f"/partnership/tsm/schools/{w['alder'].urn}/"))
    assert f'href="/visits/plan/?action={action.pk}"' in school_page
    form = page(client.get(f"/visits/plan/?action={action.pk}"))
    assert "Agreed action: Home visit to agree a return plan" in form
    data = {"contact": str(w["mother"].pk), "planned_for": "2025-11-19", "reason": "TSM action"}
    assert client.post(f"/visits/plan/?action={action.pk}", data).status_code == 302
    assert Visit.objects.get().source == Visit.Source.TSM


def test_planning_for_a_pupil_out_of_scope_is_a_404_and_changes_nothing(client, w):
    client.force_login(w["sam"])
    data = {"contact": "1", "planned_for": "2025-11-20", "reason": "x"}
    assert client.post(f"/visits/plan/?case={w['kit_case'].ref}", data).status_code == 404
    assert (
        client.get(f"/visits/risks/{w['cara'].upn}/").status_code == 404
    )  # Beech's pupil: the LA's, not Sam's
    assert not Visit.objects.exists()


def test_the_reactive_list_holds_todays_unexplained_absences_of_vulnerable_pupils_in_scope(client, w):
    rows = lists.reactive_rows(w["sam"], today=TODAY)
    assert [(r.pupil.legal_forename, r.why) for r in rows] == [
        ("Amy", ["on a child protection plan"]),
        ("Dan", ["missing 10 school days in a row"]),
    ]
    la_rows = lists.reactive_rows(w["lee"], today=TODAY)
    assert sorted(r.pupil.legal_forename for r in la_rows) == ["Amy", "Cara", "Dan"]
    assert lists.reactive_rows(w["sam"], today=TODAY + dt.timedelta(days=1)) == []

    client.force_login(w["sam"])
    shown = page(client.get("/visits/"))
    assert "Add Amy Khan to today's round" in shown and "Add Dan Ward to today's round" in shown
    assert "Ben Jones" not in shown and "Cara Lowe" not in shown and "Kit Faraway" not in shown
    response = client.post("/visits/reactive/add/", {"alert": str(w["alerts"]["amy"].pk)})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.source, visit.planned_for, visit.address.splitlines()[0]) == (
        "reactive",
        TODAY,
        "12 Elm Road",
    )
    assert visit.round.officer == w["sam"] and visit.round.school == w["alder"] and visit.round.day == TODAY
    assert "child protection plan" in visit.reason
    client.post("/visits/reactive/add/", {"alert": str(w["alerts"]["amy"].pk)})  # a second click: no double
    assert Visit.objects.count() == 1
    assert "On today's round" in page(client.get("/visits/"))
    # Another school's or another LA's absence: 404, nothing made.
    assert client.post("/visits/reactive/add/", {"alert": str(w["alerts"]["cara"].pk)}).status_code == 404
    assert client.post("/visits/reactive/add/", {"alert": str(w["alerts"]["kit"].pk)}).status_code == 404
    assert Visit.objects.count() == 1


def test_a_round_is_grouped_by_postcode_district_and_the_officer_can_move_a_visit(client, w):
    sam = w["sam"]
    amy = plan(sam, w["amy"], w["mother"])  # LS9 7AB
    ben = plan(sam, w["ben"], w["ben"].contact_links.get().contact)  # LS1 2CD
    dan = plan(sam, w["dan"], w["dan"].contact_links.get().contact)  # LS9 1AA
    client.force_login(sam)
    for v in (amy, ben, dan):
        assert client.post("/visits/rounds/today/add/", {"visit": str(v.pk)}).status_code == 302
    rnd = Round.objects.get()
    assert [v.postcode for v in rnd.visits.order_by("order")] == ["LS1 2CD", "LS9 1AA", "LS9 7AB"]
    shown = page(client.get(f"/visits/rounds/{rnd.pk}/"))
    where = [shown.index(f'data-testid="visit-{v.pk}"') for v in (ben, dan, amy)]
    assert shown.index(">LS1<") < where[0] < shown.index(">LS9<") < where[1] < where[2]

    client.post(f"/visits/rounds/{rnd.pk}/move/", {"visit": str(amy.pk), "direction": "up"})
    assert [v.postcode for v in rnd.visits.order_by("order")] == ["LS1 2CD", "LS9 7AB", "LS9 1AA"]
    client.post(f"/visits/rounds/{rnd.pk}/move/", {"visit": str(amy.pk), "direction": "up"})
    order = [v.postcode for v in rnd.visits.order_by("order")]
    assert order == ["LS9 7AB", "LS1 2CD", "LS9 1AA"]
    shown = page(client.get(f"/visits/rounds/{rnd.pk}/"))
    assert shown.count(">LS9<") == 2  # the officer's order is kept: LS9, LS1, LS9
    assert AuditEvent.objects.filter(action="visits.visit.moved").count() == 2
    client.post(f"/visits/rounds/{rnd.pk}/move/", {"visit": str(ben.pk), "direction": "remove"})
    assert Visit.objects.get(pk=ben.pk).round is None and rnd.visits.count() == 2
    # Someone else's round cannot be changed: 404.
    client.force_login(w["pat"])
    assert (
        client.post(f"/visits/rounds/{rnd.pk}/move/", {"visit": str(dan.pk), "direction": "up"}).status_code
        == 404
    )


def test_the_phone_round_page_holds_everything_for_the_round_in_one_load(client, w):
    sam = w["sam"]
    visit = plan(sam, w["amy"], w["mother"])
    rnd = lists.todays_round(sam, TODAY, create=True)
    lists.add_to_round(visit, rnd, by=sam)
    record_marker(
        by=sam, kind=RiskKind.ANIMALS, reason="Large dog loose in the front garden", review_on=dt.date(2026, 5, 1),
        now=at(TODAY, 9), address_line1="12 Elm Road", postcode="LS9 7AB",
    )  # fmt: skip
    earlier = Visit.objects.create(
        pupil=w["amy"], contact=w["mother"], address="12 Elm Road\nLeeds\nLS9 7AB", postcode="LS9 7AB",
        source="case", reason="Earlier", planned_for=dt.date(2025, 10, 8), status=Visit.Status.DONE,
    )  # fmt: skip
    assert lists.round_sheet(rnd, today=TODAY)[0].last.visit == earlier
    client.force_login(sam)
    shown = page(client.get(f"/visits/rounds/{rnd.pk}/"))
    for text in (
        "Amy Khan", "12 Elm Road", "LS9 7AB", "Not in school since Monday", 'href="tel:07700900123"',
        "Large dog loose in the front garden", "8 Oct 2025: Visited", "Not checked yet",
        "1 visit still needs a risk check", "Print the round sheet",
    ):  # fmt: skip
        assert text in shown, text
    assert "Hidden Lane" not in shown
    # The office (the same school) sees the round; another school's officer does not.
    client.force_login(w["pat"])
    assert "12 Elm Road" in page(client.get(f"/visits/rounds/{rnd.pk}/"))
    client.force_login(w["other"])
    assert client.get(f"/visits/rounds/{rnd.pk}/").status_code == 404


def test_the_printed_round_sheet_has_names_addresses_reasons_and_risks_and_no_navigation(client, w):
    sam = w["sam"]
    visit = plan(sam, w["amy"], w["mother"])
    rnd = lists.todays_round(sam, TODAY, create=True)
    lists.add_to_round(visit, rnd, by=sam)
    record_marker(
        by=sam, kind=RiskKind.AGGRESSION, reason="Shouted threats at the last visit", review_on=dt.date(2026, 1, 1),
        now=at(TODAY, 9), contact=w["mother"],
    )  # fmt: skip
    client.force_login(sam)
    sheet = page(client.get(f"/visits/rounds/{rnd.pk}/print/"))
    for text in ("Amy Khan", "12 Elm Road", "Not in school since Monday", "Previous aggression or threats",
                 "Shouted threats at the last visit", "@media print", "Risk check: not yet done"):  # fmt: skip
        assert text in sheet, text
    assert "govuk-header" not in sheet and "attend-header" not in sheet and "<nav" not in sheet


def test_the_demo_hook_makes_rounds_with_markers_and_a_checked_visit(w):
    from attend.visits.demo_lists import seed

    made = seed(w["la"], TODAY, w["sam"], w["lee"])
    sam_round, lee_round = made["rounds"]
    assert sam_round.officer == w["sam"] and sam_round.visits.count() == 3
    assert lee_round.visits.count() == 1  # Cara: the LA's pupils left once Sam's are taken
    assert "Hidden Lane" not in " ".join(v.address for v in made["visits"])
    checked = [v for v in sam_round.visits.all() if v.risk_checked_at]
    assert len(checked) == 1 and checked[0].mode == "doorstep"
    assert {m.kind for m in made["markers"]} == {"aggression", "animals", "lone_not_advised"}


def test_the_case_page_offers_planning_a_visit_only_to_those_who_may_plan_one(client, w):
    from attend.core.tests.factories import make_user

    dsl = make_user("dee.dsl", role="dsl", school=w["alder"])
    client.force_login(dsl)
    shown = page(client.get(f"/cases/{w['amy_case'].ref}/"))
    assert "Plan a home visit" not in shown
    assert client.get(f"/visits/plan/?case={w['amy_case'].ref}").status_code == 403
