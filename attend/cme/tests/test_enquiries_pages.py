"""The enquiry pages: opening from an alert / a pupil / by hand, the enquiry page, recording and correcting,
closing (and its refusals on the page), the list and the /cme/ panel, and scope (404, nothing changed)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.casework.models import ChronologyEntry
from attend.cme import las
from attend.cme.enquiries import close_enquiry, open_enquiry, record_check
from attend.cme.models import CmeEnquiry, EnquiryCheck, LaReferral

from .enquiries_world import TODAY, at, make_enquiry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_enquiry_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def amys(w, **extra) -> CmeEnquiry:
    return open_enquiry(by=w["la_officer"], source="alert", source_alert=w["alert"], at=at(dt.date(2025, 11, 17)),
                        concern="Absent 20 days", **extra)  # fmt: skip


def test_la_staff_start_an_enquiry_from_the_alert(client, w):
    c = signed_in(client, w["la_officer"])
    page = c.get(f"/cme/enquiries/new/?alert={w['alert'].pk}")
    assert page.status_code == 200
    assert "Amy Khan" in text(page) and "Absent for 20 continuous school days" in text(page)
    response = c.post(f"/cme/enquiries/new/?alert={w['alert'].pk}", {"concern": "No answer on the phone"})
    enquiry = CmeEnquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cme/enquiries/{enquiry.ref}/"
    assert (enquiry.source, enquiry.source_alert, enquiry.local_authority) == (
        "alert",
        w["alert"],
        w["north"],
    )
    shown = text(c.get(response["Location"]))
    assert "Responsible LA Northshire" in shown
    assert "Open for 0 days (opened 19 November 2025 by Lee Officer)" in shown
    assert "Parents and contacts rung Not yet" in shown and "Home visit Not yet" in shown


def test_school_staff_notify_the_la_for_their_own_pupil(client, w):
    c = signed_in(client, w["school_officer"])
    url = f"/cme/enquiries/new/?upn={w['amy'].upn}&source=visit&ref=V-12"
    assert "your school's notification to the local authority" in text(c.get(url))
    response = c.post(
        url, {"concern": "Family said to have moved", "lives_in_la": "330", "source_ref": "V-12"}
    )
    assert response.status_code == 302
    enquiry = CmeEnquiry.objects.get()
    assert (enquiry.source, enquiry.school, enquiry.source_ref) == ("school", w["alder"], "V-12")
    assert enquiry.local_authority.name == "Birmingham" and enquiry.lives_in_la.code == "330"
    shown = text(c.get(response["Location"]))
    assert "The child lives in Birmingham, so Birmingham is responsible for this enquiry" in shown
    assert "Northshire, the school's LA, keeps its pupil's case" in shown


def test_la_staff_choose_the_source_for_a_pupil(client, w):
    c = signed_in(client, w["la_officer"])
    url = f"/cme/enquiries/new/?upn={w['amy'].upn}&source=returned_letter&ref=L-88"
    page = c.get(url)
    assert 'value="returned_letter" checked' in page.content.decode()
    c.post(url, {"source": "returned_letter", "concern": "Letter came back: gone away", "source_ref": "L-88"})
    assert CmeEnquiry.objects.get().source == "returned_letter"


def test_an_open_enquiry_is_shown_instead_of_a_second_form(client, w):
    enquiry = amys(w)
    page = signed_in(client, w["school_officer"]).get(f"/cme/enquiries/new/?upn={w['amy'].upn}")
    assert f"An enquiry is already open for this child: {enquiry.ref}" in text(page)


def test_by_hand_for_a_child_never_on_a_roll(client, w):
    c = signed_in(client, w["la_officer"])
    response = c.post("/cme/enquiries/new/", {
        "forename": "Zara", "surname": "Nowak", "date_of_birth": "2016-03-04", "address": "3 Quay Street",
        "postcode": "NO1 2AB", "local_authority": str(w["north"].pk), "concern": "Seen in town in school hours",
    })  # fmt: skip
    enquiry = CmeEnquiry.objects.get()
    assert response.status_code == 302 and enquiry.pupil is None and enquiry.source == "by_hand"
    assert "Zara Nowak, born 4 March 2016 Not on a school roll" in text(c.get(response["Location"]))


def test_bad_input_on_the_open_page_gets_the_reason_not_a_500(client, w):
    c = signed_in(client, w["la_officer"])
    page = c.post("/cme/enquiries/new/", {"surname": "", "date_of_birth": "last spring", "concern": ""})
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    for reason in ("Enter the child's last name", "Enter the date of birth like 2016-03-27",
                   "Say why the child may be missing education"):  # fmt: skip
        assert reason in text(page)
    school = signed_in(client, w["school_officer"]).post(
        "/cme/enquiries/new/", {"surname": "Nowak", "local_authority": str(w["north"].pk), "concern": "x"}
    )
    assert "Only local authority staff open an enquiry for a child not on a school's roll" in text(school)
    assert "Choose a local authority you work for" in text(school)
    assert CmeEnquiry.objects.count() == 0


def test_another_las_alert_or_pupil_is_404_and_opens_nothing(client, w):
    c = signed_in(client, w["south_officer"])
    assert c.get(f"/cme/enquiries/new/?alert={w['alert'].pk}").status_code == 404
    assert c.post(f"/cme/enquiries/new/?alert={w['alert'].pk}", {"concern": "x"}).status_code == 404
    assert (
        c.post(f"/cme/enquiries/new/?upn={w['amy'].upn}", {"source": "school", "concern": "x"}).status_code
        == 404
    )
    birch = signed_in(client, w["birch_officer"])
    assert birch.post(f"/cme/enquiries/new/?upn={w['amy'].upn}", {"concern": "x"}).status_code == 404
    assert CmeEnquiry.objects.count() == 0


def test_recording_school_and_la_enquiries_and_a_correction(client, w):
    enquiry = amys(w)
    school = signed_in(client, w["school_officer"])
    page = text(school.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert "must also go to the designated safeguarding lead or children's social care the usual way" in page
    post = {
        "kind": "contacts",
        "party": "la",
        "done_on": "2025-11-18",
        "done_by_name": "Sam Patel",
        "result": "x",
    }
    refused = school.post(f"/cme/enquiries/{enquiry.ref}/record/", post)
    assert (
        refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    )  # school side only
    school.post(f"/cme/enquiries/{enquiry.ref}/record/", {**post, "party": "school", "result": "No answer"})
    la = signed_in(client, w["la_officer"])
    la.post(f"/cme/enquiries/{enquiry.ref}/record/",
            {**post, "kind": "housing", "party": "la", "done_by_name": "Lee Officer", "result": "Tenancy ended"})  # fmt: skip
    housing = EnquiryCheck.objects.get(kind="housing")
    assert la.get(f"/cme/enquiries/{enquiry.ref}/record/?corrects={housing.pk}").status_code == 200
    la.post(f"/cme/enquiries/{enquiry.ref}/record/",
            {**post, "kind": "council_tax", "party": "la", "done_by_name": "Lee Officer", "result": "Closed",
             "corrects": str(housing.pk)})  # fmt: skip
    shown = text(la.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert "Parents and contacts rung Done by the school (Sam Patel), 18 Nov 2025" in shown
    assert "Council tax Done by the local authority (Lee Officer), 18 Nov 2025" in shown
    assert "Housing Not yet" in shown
    assert "Housing , the local authority, Lee Officer, 18 November 2025 Corrected Tenancy ended" in shown
    assert "Correction of the entry of 18 November 2025 (housing)" in shown
    assert "Both are recorded." in shown
    assert [c.party for c in EnquiryCheck.objects.order_by("id")] == ["school", "la", "la"]


def test_closing_refuses_with_the_reason_then_shows_the_outcome(client, w, smtp_server):
    enquiry = amys(w)
    assert (
        signed_in(client, w["school_officer"]).get(f"/cme/enquiries/{enquiry.ref}/close/").status_code == 403
    )
    c = signed_in(client, w["la_officer"])
    url = f"/cme/enquiries/{enquiry.ref}/close/"
    page = c.post(url, {"outcome": "not_found", "on": "2025-11-19"})
    assert "An enquiry cannot close as not found with no reasonable enquiries recorded" in text(page)
    page = c.post(url, {"outcome": "found_other_la", "on": "2025-11-19", "sent_to": "cme@bham.example"})
    assert "Choose the local authority the child was found in" in text(page)
    assert CmeEnquiry.objects.get().status == "open"
    c.post(url, {"outcome": "found_other_la", "on": "2025-11-19", "found_la": "330", "sent_to": "cme@bham.example",
                 "note": "On roll in Birmingham"})  # fmt: skip
    shown = text(c.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert "Closed: Found: in another LA (referred to that LA)" in shown and "Found in Birmingham" in shown
    assert "to Birmingham (cme@bham.example), the child has been found in that la" in shown
    assert LaReferral.objects.get().to_la == las.local_authority("330")
    again = c.post(url, {"outcome": "left_country", "on": "2025-11-19"})
    assert "is already closed (found: in another la (referred to that la))" in text(again)


def test_home_educated_links_to_the_home_education_page(client, w):
    enquiry = amys(w)
    close_enquiry(enquiry, by=w["la_officer"], outcome="home_educated", on=TODAY, note="Parent's letter")
    page = signed_in(client, w["la_officer"]).get(f"/cme/enquiries/{enquiry.ref}/")
    assert f'href="/cme/home-education/new/?upn={w["amy"].upn}"' in page.content.decode()


def test_the_responsible_la_closes_the_school_la_only_records(client, w):
    enquiry = amys(w, lives_in_la=w["south"])
    assert signed_in(client, w["la_officer"]).get(f"/cme/enquiries/{enquiry.ref}/close/").status_code == 404
    south = signed_in(client, w["south_officer"])
    assert south.get(f"/cme/enquiries/{enquiry.ref}/").status_code == 200
    assert south.get(f"/cme/enquiries/{enquiry.ref}/close/").status_code == 200


def test_another_las_enquiry_is_404_and_unchanged(client, w):
    ben = open_enquiry(by=w["south_officer"], source="school", pupil=w["ben"], concern="Not seen")
    entries = ChronologyEntry.objects.count()
    for user in (w["la_officer"], w["school_officer"]):
        c = signed_in(client, user)
        assert c.get(f"/cme/enquiries/{ben.ref}/").status_code == 404
        assert c.post(f"/cme/enquiries/{ben.ref}/record/", {"kind": "contacts", "party": "school",
                      "done_on": "2025-11-18", "done_by_name": "x", "result": "x"}).status_code == 404  # fmt: skip
    assert (
        signed_in(client, w["la_officer"])
        .post(f"/cme/enquiries/{ben.ref}/close/", {"outcome": "left_country", "on": "2025-11-19"})
        .status_code
        == 404
    )
    ben.refresh_from_db()
    assert ben.status == "open" and ben.checks.count() == 0 and ChronologyEntry.objects.count() == entries


def test_the_list_open_first_filters_and_scope(client, w):
    open_one = amys(w)
    closed = open_enquiry(by=w["la_officer"], source="by_hand", child={"surname": "Nowak"}, lives_in_la=w["north"],
                          concern="x")  # fmt: skip
    record_check(closed, by=w["la_officer"], kind="home_visit", party="la", done_on=TODAY, done_by_name="Lee",
                 result="Empty house")  # fmt: skip
    close_enquiry(closed, by=w["la_officer"], outcome="not_found", on=TODAY, note="")
    open_enquiry(by=w["south_officer"], source="school", pupil=w["ben"], concern="Southshire's")
    c = signed_in(client, w["la_officer"])
    shown = text(c.get("/cme/enquiries/"))
    assert shown.index(open_one.ref) < shown.index(closed.ref) and "CME-000003" not in shown
    assert closed.ref not in text(c.get("/cme/enquiries/?status=open"))
    assert open_one.ref not in text(c.get("/cme/enquiries/?status=closed"))
    school = text(signed_in(client, w["school_officer"]).get("/cme/enquiries/"))
    assert open_one.ref in school and closed.ref not in school


def test_the_cme_page_shows_the_panel(client, w):
    enquiry = amys(w)
    shown = text(signed_in(client, w["la_officer"]).get("/cme/"))
    assert f"{enquiry.ref} Amy Khan Alder Primary 2 None yet" in shown
    assert "Closed this term (since 1 August 2025): 0" in shown


def test_the_forms_offer_dates_they_accept_back(client, w):
    enquiry = amys(w)
    c = signed_in(client, w["la_officer"])
    assert (
        'name="done_on" type="text" value="2025-11-19"'
        in c.get(f"/cme/enquiries/{enquiry.ref}/").content.decode()
    )
    assert (
        'name="on" type="text" value="2025-11-19"'
        in c.get(f"/cme/enquiries/{enquiry.ref}/close/").content.decode()
    )


def test_the_work_list_offers_an_enquiry_only_on_cme_and_returned_post_alerts(client, w, settings, tmp_path):
    from .enquiries_world import cme_alert

    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    other = cme_alert(w["ben"], w["cedar"], rule="persistent_absence")
    south = signed_in(client, w["south_officer"])
    assert (
        "Start a children missing education enquiry"
        not in south.get(f"/work/pupils/{w['ben'].upn}/").content.decode()
    )
    c = signed_in(client, w["la_officer"])
    link = f'href="/cme/enquiries/new/?alert={w["alert"].pk}"'
    assert link in c.get("/work/").content.decode()
    assert link in c.get(f"/work/pupils/{w['amy'].upn}/").content.decode()
    assert f"?alert={other.pk}" not in south.get("/work/").content.decode()


def test_viewing_an_enquiry_is_audited(client, w):
    from attend.audit.models import AuditEvent

    enquiry = amys(w)
    by_hand = open_enquiry(by=w["la_officer"], source="by_hand", child={"surname": "Nowak"}, lives_in_la=w["north"],
                           concern="x")  # fmt: skip
    c = signed_in(client, w["la_officer"])
    c.get(f"/cme/enquiries/{enquiry.ref}/")
    c.get(f"/cme/enquiries/{by_hand.ref}/")
    viewed = AuditEvent.objects.filter(action="people.pupil.viewed", pupil=w["amy"]).get()
    assert viewed.data["page"] == "children missing education enquiry"
    assert AuditEvent.objects.filter(action="cme.enquiry.viewed", data__enquiry=by_hand.ref).count() == 1


def test_the_pupil_page_links_to_the_las_duties(client, w):
    upn = w["amy"].upn
    school_page = text(signed_in(client, w["school_officer"]).get(f"/pupils/{upn}/"))
    assert "Tell the LA this child may be missing education" in school_page
    assert "Record an s19 decision" not in school_page  # the LA's decision
    la_page = signed_in(client, w["la_officer"]).get(f"/pupils/{upn}/").content.decode()
    assert (
        f'href="/cme/enquiries/new/?upn={upn}&amp;source=school">Start a children missing education enquiry'
        in la_page
    )
    assert f'href="/cme/s19/{upn}/decide/?trigger=health">Record an s19 decision' in la_page
