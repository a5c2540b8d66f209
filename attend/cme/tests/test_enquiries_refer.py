"""Sending an enquiry to the LA that is responsible: the LA where the child lives owns the CME enquiry, so the school's
LA refers it there; a looked-after child's enquiry goes to the virtual school of the LA that looks after the child."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.casework.models import ChronologyEntry
from attend.cme import las
from attend.cme.enquiries import open_enquiry
from attend.cme.models import LaReferral

from .enquiries_world import TODAY, at, make_enquiry_world
from .test_enquiries_pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_enquiry_world()


def amy_lives_in_southshire(w, **extra):
    return open_enquiry(by=w["la_officer"], source="school", pupil=w["amy"], lives_in_la=w["south"],
                        at=at(dt.date(2025, 11, 17)), concern="Not seen since half term", **extra)  # fmt: skip


def test_the_schools_la_refers_the_enquiry_to_the_la_where_the_child_lives(client, w):
    enquiry = amy_lives_in_southshire(w)
    assert enquiry.local_authority == w["south"]
    client.force_login(w["la_officer"])  # Northshire: the school's LA
    page = text(client.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert "The child lives in Southshire: it owns the enquiry. Refer to Southshire" in page
    url = f"/cme/enquiries/{enquiry.ref}/refer/lives_there/"
    form = text(client.get(url))
    assert f"Children missing education enquiry {enquiry.ref}: Not seen since half term" in form
    response = client.post(
        url, {"sent_to": "Southshire CME team (secure email)", "summary": "Amy, last seen 3 Nov"}
    )
    assert response.status_code == 302
    referral = LaReferral.objects.get()
    assert (referral.reason, referral.from_la, referral.to_la, referral.sent_on) == (
        "lives_there", w["north"], w["south"], TODAY,
    )  # fmt: skip
    assert ChronologyEntry.objects.filter(
        case=enquiry.case, kind="cme", summary__contains="Southshire"
    ).exists()
    after = text(client.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert (
        "Refer to Southshire" not in after and "to Southshire (Southshire CME team (secure email))" in after
    )
    assert client.get(url).status_code == 404  # sent once


def test_a_looked_after_childs_enquiry_goes_to_the_placing_las_virtual_school(client, w):
    birmingham = las.local_authority("330")
    enquiry = open_enquiry(by=w["la_officer"], source="school", pupil=w["amy"], placing_la=birmingham,
                           at=at(dt.date(2025, 11, 17)), concern="Placement ended suddenly")  # fmt: skip
    client.force_login(w["la_officer"])
    assert "Looked after by Birmingham: its virtual school must know." in text(
        client.get(f"/cme/enquiries/{enquiry.ref}/")
    )
    client.post(
        f"/cme/enquiries/{enquiry.ref}/refer/looked_after/",
        {"sent_to": "vs@birmingham.example", "summary": "x"},
    )
    assert LaReferral.objects.get().to_la == birmingham


def test_bad_input_is_refused_on_the_page_and_nothing_is_sent(client, w):
    enquiry = amy_lives_in_southshire(w)
    client.force_login(w["la_officer"])
    page = client.post(f"/cme/enquiries/{enquiry.ref}/refer/lives_there/", {"sent_to": "", "summary": "x"})
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert "Say who at that local authority the referral goes to" in text(page)
    assert not LaReferral.objects.exists()


def test_only_the_referring_las_staff_may_send_it(client, w):
    enquiry = amy_lives_in_southshire(w)
    client.force_login(
        w["south_officer"]
    )  # the receiving LA sees the enquiry but does not refer it to itself
    assert "Refer to" not in text(client.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert (
        client.post(
            f"/cme/enquiries/{enquiry.ref}/refer/lives_there/", {"sent_to": "x", "summary": "x"}
        ).status_code
        == 404
    )
    client.force_login(w["school_officer"])  # school staff: no cme.decide
    assert (
        client.post(
            f"/cme/enquiries/{enquiry.ref}/refer/lives_there/", {"sent_to": "x", "summary": "x"}
        ).status_code
        == 403
    )
    assert not LaReferral.objects.exists()


def test_no_referral_when_the_child_lives_in_the_schools_la(client, w):
    enquiry = open_enquiry(by=w["la_officer"], source="school", pupil=w["amy"], concern="Not seen")
    client.force_login(w["la_officer"])
    assert "Refer to" not in text(client.get(f"/cme/enquiries/{enquiry.ref}/"))
    assert client.get(f"/cme/enquiries/{enquiry.ref}/refer/lives_there/").status_code == 404
