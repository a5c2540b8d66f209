"""The targeting support meeting pages through Django's test client: what LA and school staff see and may do."""

from __future__ import annotations

import re

import pytest

from attend.accounts.models import Membership
from attend.casework.models import Case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.partnership.models_tsm import AgreedAction, SupportMeeting

pytestmark = pytest.mark.django_db
R = Membership.Role


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la, south = make_la(), make_la("202", "Southshire")
    alder = make_school(la=la, name="Alder Primary")
    oak = make_school(la=south, name="Oak Academy")
    return {
        "alder": alder,
        "oak": oak,
        "amy": make_pupil(school=alder, surname="Khan", legal_forename="Amy"),
        "officer": make_user(role=R.LA_OFFICER, local_authority=la),
        "school_officer": make_user(role=R.SCHOOL_OFFICER, school=alder),
        "south_officer": make_user(role=R.LA_OFFICER, local_authority=south),
    }


HELD = {
    "status": "held",
    "meeting_date": "2025-11-18",
    "attendees": "Jo Bloggs (LA)\nSam Lee (headteacher)",
    "record": "Reviewed the pack: 12 persistent absentees, 2 severe.",
}


def test_an_la_officer_records_a_meeting_and_an_action_and_sees_it_on_the_overview(client, world):
    client.force_login(world["officer"])
    page = text(client.get("/partnership/tsm/"))
    assert "Targeting support meetings" in page and "Autumn 2025/26" in page
    assert "Alder Primary Not yet offered 0 0" in page and "Oak Academy" not in page

    response = client.post(f"/partnership/tsm/schools/{world['alder'].urn}/record/", HELD)
    assert response.status_code == 302
    meeting = SupportMeeting.objects.get()
    assert (meeting.status, str(meeting.meeting_date), meeting.recorded_by) == (
        "held",
        "2025-11-18",
        world["officer"],
    )

    url = f"/partnership/tsm/schools/{world['alder'].urn}/actions/new/"
    refused = client.post(url, {"upn": world["amy"].upn, "action": "Home visit", "lead_practitioner": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert "Enter the lead practitioner: every agreed action needs a named lead" in text(refused)
    assert not AgreedAction.objects.exists() and not Case.objects.exists()

    response = client.post(url, {
        "upn": world["amy"].upn, "action": "Home visit", "lead_practitioner": "Priya Shah", "due_date": "2025-11-17",
    })  # fmt: skip
    assert "The date the action is due must be on or after the meeting" in text(response)
    response = client.post(url, {
        "upn": world["amy"].upn, "action": "Home visit", "lead_practitioner": "Priya Shah", "due_date": "2025-12-01",
    })  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get(pupil=world["amy"])
    school_page = text(client.get(response["Location"], follow=True))
    assert f"Action agreed and added to case {case.ref}" in school_page
    assert "Amy Khan" in school_page and "Home visit Priya Shah 1 Dec 2025 Not finished" in school_page
    assert "Alder Primary Held 18 Nov 2025 1 0" in text(client.get("/partnership/tsm/"))


def test_a_held_meeting_without_attendees_and_a_decline_without_reason_are_refused(client, world):
    client.force_login(world["officer"])
    url = f"/partnership/tsm/schools/{world['alder'].urn}/record/"
    page = text(client.post(url, {**HELD, "attendees": ""}))
    assert "There is a problem" in page and "Enter who attended the meeting" in page
    page = text(client.post(url, {"status": "declined"}))
    assert "Enter why the school declined" in page
    page = text(client.post(url, {**HELD, "meeting_date": "2025-13-01"}))
    assert "Enter the date of the meeting as a real date" in page
    assert not SupportMeeting.objects.exists()


def test_school_staff_read_their_schools_meeting_but_cannot_record_and_other_las_cannot_see_it(client, world):
    client.force_login(world["officer"])
    client.post(f"/partnership/tsm/schools/{world['alder'].urn}/record/", HELD)
    client.force_login(world["school_officer"])
    page = text(client.get(f"/partnership/tsm/schools/{world['alder'].urn}/"))
    assert "Reviewed the pack: 12 persistent absentees" in page and "Change the meeting record" not in page
    assert client.post(f"/partnership/tsm/schools/{world['alder'].urn}/record/", HELD).status_code == 403
    client.force_login(world["south_officer"])
    assert client.get(f"/partnership/tsm/schools/{world['alder'].urn}/").status_code == 404
    response = client.post(f"/partnership/tsm/schools/{world['alder'].urn}/record/", {**HELD, "record": "X"})
    assert response.status_code == 404
    assert SupportMeeting.objects.get().record.startswith("Reviewed the pack")


def test_reviewing_an_action_marks_it_done(client, world):
    client.force_login(world["officer"])
    client.post(f"/partnership/tsm/schools/{world['alder'].urn}/record/", HELD)
    client.post(
        f"/partnership/tsm/schools/{world['alder'].urn}/actions/new/",
        {"upn": world["amy"].upn, "action": "Home visit", "lead_practitioner": "Priya Shah"},
    )
    agreed = AgreedAction.objects.get()
    url = f"/partnership/tsm/actions/{agreed.pk}/review/"
    assert "Say why the action is no longer needed" in text(
        client.post(url, {"status": "dropped", "note": "", "version": agreed.version})
    )
    response = client.post(url, {"status": "done", "note": "Visited 19 Nov", "version": agreed.version})
    assert response.status_code == 302
    agreed.refresh_from_db()
    assert (agreed.status, agreed.review_note) == ("done", "Visited 19 Nov")
