"""The home education pages: a notice recorded by the LA or by the pupil's own school, the record page (what the
school sees and what the LA sees), the consent, contact, return and end steps, the register and the /cme/ panel,
bad input shown in the error summary, and scope (another LA's record is a 404 and nothing changes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.cme import ehe
from attend.cme.models import EheContact, HomeEducation, RollDeletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Pupil

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    north, south = make_la("201", "Northshire"), make_la("202", "Southshire")
    alder, cedar = make_school(la=north, name="Alder Primary"), make_school(la=south, name="Cedar Primary")
    return {
        "north": north,
        "alder": alder,
        "cedar": cedar,
        "officer": make_user("north_la", role=R.LA_OFFICER, local_authority=north),
        "south_officer": make_user("south_la", role=R.LA_OFFICER, local_authority=south),
        "alder_officer": make_user("alder_school", role=R.SCHOOL_OFFICER, school=alder),
        "cedar_officer": make_user("cedar_school", role=R.SCHOOL_OFFICER, school=cedar),
        "pupil": make_pupil(school=alder, surname="Homer", legal_forename="Ada", child_protection_plan=True),
    }


def post_notice(client, pupil, **extra):
    data = {"upn": pupil.upn, "received_on": "2025-11-17", "from_name": "Sam Homer", **extra}
    return client.post("/cme/home-education/new/", data)


def page(response) -> str:
    """The page's text as a user reads it (tags dropped, spaces collapsed)."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def test_la_officer_records_a_notice_and_sees_the_record(client, w):
    client.force_login(w["officer"])
    prefilled = client.get(f"/cme/home-education/new/?upn={w['pupil'].upn}").content.decode()
    assert f'name="upn" type="text" value="{w["pupil"].upn}"' in prefilled
    response = post_notice(client, w["pupil"], note="Flexible learning at home")
    assert response.status_code == 302 and response["Location"] == "/cme/home-education/EHE-000001/"
    text = page(client.get(response["Location"]))
    assert "Ada Homer" in text and "Status Home educated" in text
    assert "Deleted from the roll 17 November 2025, ground (f) Parent has notified in writing" in text
    assert "Home educated from 18 November 2025" in text
    assert "Next contact due 1 December 2025" in text  # CP plan: 10 working days
    assert (
        "Child protection plan: make contact with the family and the child's social worker promptly" in text
    )
    assert AuditEvent.objects.filter(action="cme.home_education.viewed").count() == 1


def test_the_pupils_own_school_records_a_notice_but_sees_no_la_contacts(client, w):
    client.force_login(w["alder_officer"])
    response = post_notice(client, w["pupil"])
    assert response.status_code == 302
    record = HomeEducation.objects.get()
    ehe.record_contact(record, w["officer"], "visit", TODAY, "Private LA note", "appears_suitable", None)
    text = page(client.get(f"/cme/home-education/{record.ref}/"))
    assert "Home educated" in text and "Private LA note" not in text and "Next contact due" not in text
    assert (
        client.post(f"/cme/home-education/{record.ref}/contact/", {}).status_code == 403
    )  # cme.ehe: LA only


def test_another_schools_officer_cannot_record_a_notice_for_the_pupil(client, w):
    client.force_login(w["cedar_officer"])
    text = page(post_notice(client, w["pupil"]))
    assert "There is a problem" in text
    assert "No pupil with that UPN on the roll of a school you work for on that date" in text
    assert not HomeEducation.objects.exists() and not RollDeletion.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"received_on": "2025-13-40"}, "Enter the date like 2025-11-19"),
        ({"received_on": "2025-11-20"}, "The notice cannot have been received in the future"),
        ({"from_name": ""}, "Enter the name of the parent who gave notice"),
    ],
)
def test_bad_notice_input_is_shown_in_the_error_summary(client, w, data, error):
    client.force_login(w["officer"])
    response = post_notice(client, w["pupil"], **data)
    assert response.status_code == 200 and "There is a problem" in page(response) and error in page(response)
    assert not HomeEducation.objects.exists()


def test_consent_page_gate_for_an_la_placed_special_school(client, w):
    client.force_login(w["officer"])
    pupil = make_pupil(school=w["alder"], surname="Special", sen_status=Pupil.SenStatus.EHCP)
    post_notice(client, pupil, special_school_la_placed="on")
    record = HomeEducation.objects.get(pupil=pupil)
    text = page(client.get(f"/cme/home-education/{record.ref}/"))
    assert "stays on the roll at Alder Primary until the local authority consents" in text
    assert not RollDeletion.objects.exists()
    url = f"/cme/home-education/{record.ref}/consent/"
    refused = page(client.post(url, {"decision": "refused", "on": "2025-11-19", "version": record.version}))
    assert "Enter why the local authority refused consent" in refused
    client.post(url, {"decision": "given", "on": "2025-11-19", "version": record.version})
    record.refresh_from_db()
    assert record.status == "home_educated" and RollDeletion.objects.get().deleted_on == TODAY


def test_consent_refused_page_says_the_child_stays_on_roll(client, w):
    client.force_login(w["officer"])
    pupil = make_pupil(school=w["alder"], surname="Special")
    post_notice(client, pupil, special_school_la_placed="on")
    record = HomeEducation.objects.get(pupil=pupil)
    client.post(f"/cme/home-education/{record.ref}/consent/",
                {"decision": "refused", "on": "2025-11-19", "note": "Needs the specialist provision",
                 "version": record.version})  # fmt: skip
    text = page(client.get(f"/cme/home-education/{record.ref}/"))
    assert (
        "The local authority refused consent on 19 November 2025: the child stays on the roll at Alder Primary"
        in text
    )


def test_a_stale_version_is_refused(client, w):
    client.force_login(w["officer"])
    post_notice(client, w["pupil"])
    record = HomeEducation.objects.get()
    response = client.post(f"/cme/home-education/{record.ref}/end/",
                           {"reason": "moved_away", "on": "2025-11-19", "version": record.version - 1})  # fmt: skip
    assert "Someone else changed this record" in page(response)
    record.refresh_from_db()
    assert record.status == "home_educated"


def test_contact_not_suitable_shows_the_s437_next_step(client, w):
    client.force_login(w["officer"])
    post_notice(client, w["pupil"])
    record = HomeEducation.objects.get()
    url = f"/cme/home-education/{record.ref}/contact/"
    bad = page(
        client.post(url, {"kind": "visit", "on": "2025-11-19", "note": "", "suitability": "not_suitable"})
    )
    assert "Enter what was found" in bad
    client.post(url, {"kind": "visit", "on": "2025-11-19", "note": "No learning seen", "suitability": "not_suitable",
                      "next_contact_on": "2025-12-03"})  # fmt: skip
    text = page(client.get(f"/cme/home-education/{record.ref}/"))
    assert "consider a school attendance order, EA 1996 s437" in text
    assert "Next contact due 3 December 2025" in text and "No learning seen" in text
    assert EheContact.objects.count() == 1


def test_return_to_school_page(client, w):
    client.force_login(w["officer"])
    post_notice(client, w["pupil"])
    record = HomeEducation.objects.get()
    url = f"/cme/home-education/{record.ref}/return/"
    assert "No school with that URN" in page(client.post(url, {"school_urn": "999999", "on": "2025-11-19",
                                                                "version": record.version}))  # fmt: skip
    client.post(url, {"school_urn": w["alder"].urn, "on": "2025-11-19", "version": record.version})
    text = page(client.get(f"/cme/home-education/{record.ref}/"))
    assert (
        "Returned to school" in text and "Ended 19 November 2025: Returned to school at Alder Primary" in text
    )


def test_another_las_officer_gets_404_and_nothing_changes(client, w):
    record = ehe.record_notice(by=w["officer"], pupil=w["pupil"], school=w["alder"], received_on=TODAY,
                               from_name="Sam Homer")  # fmt: skip
    client.force_login(w["south_officer"])
    base = f"/cme/home-education/{record.ref}/"
    assert client.get(base).status_code == 404
    for path, data in (("contact/", {"kind": "visit", "on": "2025-11-19", "note": "x", "suitability": "not_suitable"}),
                       ("end/", {"reason": "moved_away", "on": "2025-11-19", "version": record.version}),
                       ("return/", {"school_urn": w["cedar"].urn, "on": "2025-11-19", "version": record.version})):  # fmt: skip
        assert client.post(base + path, data).status_code == 404
    record.refresh_from_db()
    assert record.status == "home_educated" and not record.contacts.exists()
    assert "EHE-" not in page(client.get("/cme/home-education/?status=all"))


def test_register_lists_current_children_with_flags_and_filters(client, w):
    other = make_pupil(school=w["alder"], surname="Plain", legal_forename="Bo")
    for pupil in (w["pupil"], other):
        ehe.record_notice(by=w["officer"], pupil=pupil, school=w["alder"], received_on=dt.date(2025, 10, 1),
                          from_name="Parent")  # fmt: skip
    client.force_login(w["officer"])
    text = page(client.get("/cme/home-education/"))
    assert "2 children" in text and "CP plan" in text and "Ada Homer" in text and "Bo Plain" in text
    assert AuditEvent.objects.filter(action="cme.ehe_register.viewed", data__children=2).exists()
    cp_only = page(client.get("/cme/home-education/?flag=cp"))
    assert "Ada Homer" in cp_only and "Bo Plain" not in cp_only
    due = page(client.get("/cme/home-education/?due=on"))  # CP: due 15 Oct; other: 29 Oct; both by today
    assert "2 children" in due
    ehe.record_end(HomeEducation.objects.get(pupil=other), w["officer"], "moved_away", TODAY)
    assert "Bo Plain" not in page(client.get("/cme/home-education/"))
    assert "Bo Plain" in page(client.get("/cme/home-education/?status=ended"))
    client.force_login(w["alder_officer"])
    assert client.get("/cme/home-education/").status_code == 403  # the LA's register (cme.returns)


def test_the_cme_panel_counts(client, w):
    ehe.record_notice(by=w["officer"], pupil=w["pupil"], school=w["alder"], received_on=dt.date(2025, 9, 10),
                      from_name="Parent")  # fmt: skip
    special = make_pupil(school=w["alder"], surname="Special", sen_status=Pupil.SenStatus.EHCP)
    ehe.record_notice(by=w["officer"], pupil=special, school=w["alder"], received_on=dt.date(2025, 7, 1),
                      from_name="Parent", special_school_la_placed=True)  # fmt: skip
    client.force_login(w["officer"])
    response = client.get("/cme/")
    assert response.status_code == 200
    panel = page(response)
    for label, n in (("Home educated now", 1), ("Awaiting the LA's consent (special school)", 1),
                     ("New this term", 1), ("With an EHC plan", 1), ("With a child protection plan", 1)):  # fmt: skip
        assert f"{label} {n}" in panel
    client.force_login(w["south_officer"])
    assert "Home educated now 0" in page(client.get("/cme/"))


def test_another_school_and_read_only_roles_cannot_see_the_record(client, w):
    record = ehe.record_notice(by=w["officer"], pupil=w["pupil"], school=w["alder"], received_on=TODAY,
                               from_name="Sam Homer")  # fmt: skip
    client.force_login(w["cedar_officer"])
    assert client.get(f"/cme/home-education/{record.ref}/").status_code == 404
    social_worker = make_user("sw", role=R.SOCIAL_WORKER, school=w["alder"])
    client.force_login(social_worker)
    assert client.get(f"/cme/home-education/{record.ref}/").status_code == 403  # no cme.view
    assert not AuditEvent.objects.filter(action="cme.home_education.viewed").exists()


def test_date_fields_are_prefilled_as_they_are_typed(client, w):
    client.force_login(w["officer"])
    assert 'value="2025-11-19"' in client.get("/cme/home-education/new/").content.decode()
    record = ehe.record_notice(by=w["officer"], pupil=w["pupil"], school=w["alder"], received_on=TODAY,
                               from_name="Sam Homer")  # fmt: skip
    for step in ("contact", "return", "end"):
        assert (
            'value="2025-11-19"' in client.get(f"/cme/home-education/{record.ref}/{step}/").content.decode()
        )
