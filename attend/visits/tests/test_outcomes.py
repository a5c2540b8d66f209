"""Recording what happened at a home visit: the outcome, the visit marked done, the case chronology, the pupil
page's "Home visits" panel, the visit card, the children-missing-education prompt, and bad input refused.

World: Maya Okafor at Alder Primary (Northshire) with her mother Grace; Jo Khan, Alder's attendance officer;
Helen Ward, Alder's headteacher; Sam Patel, Northshire LA officer, and Lee Grant, his manager; an officer at
Cedar Primary (Southshire) who must see nothing. Today is pinned to Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from attend.accounts.models import Membership, PupilLink
from attend.alerts.events import CASE_NEXT_STEP
from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.letters.models import Letterhead
from attend.people.models import Contact, PupilContact
from attend.visits.models import Visit, VisitOutcome

R = Membership.Role
TODAY = dt.date(2025, 11, 19)
REASON = "Attendance 54%: five days of unexplained absence since October"

pytestmark = pytest.mark.django_db


def named_user(username: str, first: str, last: str, role: str, email: str = "", **scope):
    user = make_user(username, role=role, **scope)
    user.first_name, user.last_name, user.email = first, last, email
    user.save()
    return user


def make_visit(w: dict, *, mode: str = Visit.Mode.ALONE, planned_for: dt.date = TODAY, **fields) -> Visit:
    return Visit.objects.create(
        pupil=w["maya"], contact=w["grace"], address="4 Willow Road\nNorthtown", postcode="NT1 2AB",
        source=Visit.Source.CASE, reason=REASON, planned_for=planned_for, mode=mode, **fields,
    )  # fmt: skip


def make_outcomes_world() -> dict:
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    Letterhead.objects.create(school=alder, phone="01632 960 001", email="office@alder.example")
    cedar = make_school(la=make_la(code="202", name="Southshire"), name="Cedar Primary")
    maya = make_pupil(school=alder, surname="Okafor", legal_forename="Maya")
    grace = Contact.objects.create(
        contact_ref="C-MAYA-1", title="Mrs", forename="Grace", surname="Okafor", email="grace.okafor@example.com",
        phone_mobile="07700 900123", address_line1="4 Willow Road", town="Northtown", postcode="NT1 2AB",
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=maya, contact=grace, relationship="Mother", parental_responsibility=True, lives_with_pupil=True,
        priority=1,
    )  # fmt: skip
    w = {
        "la": la, "alder": alder, "cedar": cedar, "maya": maya, "grace": grace,
        "jo": named_user("jo.khan", "Jo", "Khan", R.SCHOOL_OFFICER, "jo.khan@alder.example", school=alder),
        "head": named_user("helen.ward", "Helen", "Ward", R.HEADTEACHER, "head@alder.example", school=alder),
        "sam": named_user("sam.patel", "Sam", "Patel", R.LA_OFFICER, "sam.patel@northshire.example",
                          local_authority=la),
        "manager": named_user("lee.grant", "Lee", "Grant", R.LA_MANAGER, "lee.grant@northshire.example",
                              local_authority=la),
        "outsider": make_user("cedar.officer", role=R.SCHOOL_OFFICER, school=cedar),
    }  # fmt: skip
    w["visit"] = make_visit(w)
    return w


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    return make_outcomes_world()


def outcome_url(visit) -> str:
    return f"/visits/visit/{visit.pk}/outcome/"


def post_outcome(client, visit, **data):
    form = {"visit_date": TODAY.isoformat(), "visit_time": "10:15", **data}
    return client.post(outcome_url(visit), form)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_no_answer_with_a_card_marks_the_visit_done_and_goes_on_the_case_and_the_pupil_page(client, world):
    client.force_login(world["jo"])
    response = post_outcome(
        client, world["visit"], no_answer="on", card_left="on", next_steps="Call on Friday"
    )
    assert response.status_code == 302
    visit = Visit.objects.get(pk=world["visit"].pk)
    assert visit.status == Visit.Status.DONE
    outcome = VisitOutcome.objects.get(visit=visit)
    assert outcome.in_a_few_words == "No answer, card left"
    assert outcome.occurred_at == timezone.make_aware(dt.datetime(2025, 11, 19, 10, 15))
    entry = ChronologyEntry.objects.get(case=outcome.case, kind=EntryKind.HOME_VISIT)
    assert entry.summary == (
        "Home visit to 4 Willow Road.\nChild not seen.\nNo answer. Visit card left.\nNext steps: Call on Friday"
    )
    assert entry.child_seen is False and entry.recorded_by == world["jo"]
    assert visit.case == outcome.case and outcome.case.pupil == world["maya"]  # a case opened for the visit
    event = AuditEvent.objects.get(action="visits.outcome.recorded")
    assert event.data["outcome"] == "No answer, card left"
    page = client.get(f"/pupils/{world['maya'].upn}/").content.decode()
    panel = page[page.index('data-testid="pupil-home-visits"') :][:1500]
    assert "19 Nov 2025" in panel and "Jo Khan" in panel and "No answer, card left" in panel


def test_a_doorstep_visit_is_a_doorstep_entry_and_the_childs_own_words_are_kept(client, world):
    visit = make_visit(world, mode=Visit.Mode.DOORSTEP)
    client.force_login(world["jo"])
    response = post_outcome(
        client, visit, parent_seen="on", parent_contact=str(world["grace"].pk), child_seen="on",
        child_seen_alone="no", child_seen_with="her mother", child_seen_where="at the front door",
        child_words="I don't like PE because the changing room is loud", next_steps="Talk to the PE lead",
    )  # fmt: skip
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get(kind=EntryKind.DOORSTEP_VISIT)
    assert entry.child_seen is True and entry.child_heard is True
    assert entry.child_words == "I don't like PE because the changing room is loud"
    assert entry.participants == "Mrs Grace Okafor"
    assert "Child seen with her mother and spoken with, at the front door." in entry.summary
    assert VisitOutcome.objects.get(visit=visit).in_a_few_words == "Parent seen; child seen"


def test_the_visit_card_says_who_called_when_and_how_to_reach_us_never_why(client, world, tmp_path):
    client.force_login(world["jo"])
    response = client.get(f"/visits/visit/{world['visit'].pk}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Jo Khan from Alder Primary called at your home today, 19 November 2025" in text
    assert "01632 960 001" in text
    lowered = text.lower()
    for word in ("attendance", "absence", "absent", "unexplained", "54%", "five days", "october"):
        assert word not in lowered, word
    assert AuditEvent.objects.filter(action="visits.card.printed").count() == 1


def test_moving_away_starts_the_children_missing_education_enquiry_on_the_work_list(client, world):
    client.force_login(world["jo"])
    post_outcome(
        client, world["visit"], neighbour_enquiries="Next door said they left for Leeds two weeks ago",
        moved_away="on", new_address="Somewhere in Leeds",
    )  # fmt: skip
    outcome = VisitOutcome.objects.get()
    assert outcome.cme_prompted
    cme = ChronologyEntry.objects.get(case=outcome.case, kind=EntryKind.CME)
    assert cme.summary == (
        "The family has moved away: start the children missing education enquiry. New address: Somewhere in Leeds."
    )
    assert cme.next_step_due == TODAY
    alert = Alert.objects.get(rule=CASE_NEXT_STEP, pupil=world["maya"])
    assert alert.reason.startswith(f"Case {outcome.case.ref}: next step 'Children missing education enquiry")
    # The outcome's page starts the enquiry itself (attend.cme), naming the visit outcome as its source.
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    link = f"/cme/enquiries/new/?upn={world['maya'].upn}&amp;source=visit&amp;ref=visit-outcome-{outcome.pk}"
    assert f'href="{link}">Start the children missing education enquiry</a>' in page


def test_a_second_no_answer_within_20_school_days_prompts_the_enquiry_and_the_first_does_not(client, world):
    client.force_login(world["jo"])
    first = make_visit(world, planned_for=dt.date(2025, 11, 5))
    post_outcome(client, first, visit_date="2025-11-05", no_answer="on")
    assert not VisitOutcome.objects.get(visit=first).cme_prompted
    assert not ChronologyEntry.objects.filter(kind=EntryKind.CME).exists()
    post_outcome(client, world["visit"], no_answer="on", card_left="on")
    second = VisitOutcome.objects.get(visit=world["visit"])
    assert second.cme_prompted
    cme = ChronologyEntry.objects.get(kind=EntryKind.CME)
    assert cme.summary.startswith("No answer at a second visit in 20 school days")


def test_a_no_answer_more_than_20_school_days_ago_does_not_count(client, world):
    client.force_login(world["jo"])
    old = make_visit(world, planned_for=dt.date(2025, 10, 8))  # 30 weekdays before today
    post_outcome(client, old, visit_date="2025-10-08", no_answer="on")
    post_outcome(client, world["visit"], no_answer="on")
    assert not ChronologyEntry.objects.filter(kind=EntryKind.CME).exists()


def test_a_concern_referred_to_the_police_is_a_safeguarding_entry_with_the_reference(client, world):
    client.force_login(world["jo"])
    post_outcome(
        client, world["visit"], parent_seen="on", parent_contact=str(world["grace"].pk), concern="police",
        concern_reference="NP-2025-118833", concern_time="10:40",
    )  # fmt: skip
    entry = ChronologyEntry.objects.get(kind=EntryKind.SAFEGUARDING)
    assert entry.summary == (
        "Concern at the home visit referred to the police at 10:40 on 19 November 2025, reference NP-2025-118833."
    )


BAD = [
    ({}, "Record what happened"),
    ({"child_seen": "on", "child_seen_alone": "yes"}, "Enter where the child was seen"),
    ({"child_seen": "on", "child_seen_alone": "no", "child_seen_where": "hallway"}, "Enter who the child was with"),
    ({"parent_seen": "on", "concern": "front_door"}, "Enter the reference the front door or the police gave you"),
    ({"not_safe": "on"}, "Enter why it was not safe to go ahead with the visit"),
    ({"no_answer": "on", "visit_time": "half ten"}, "Enter the time of the visit as a time, like 14:30"),
    ({"no_answer": "on", "visit_date": "2025-11-20"}, "The date of the visit cannot be in the future"),
    ({"parent_seen": "on", "parent_contact": "", "agreements": "Maya in by 8:50", "agreement_route": "email"},
     "Choose the parent or carer seen: the agreement is sent to them"),
]  # fmt: skip


@pytest.mark.parametrize("data,error", BAD)
def test_bad_input_shows_the_error_summary_and_saves_nothing(client, world, data, error):
    client.force_login(world["jo"])
    response = post_outcome(client, world["visit"], **data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and error in page
    assert not VisitOutcome.objects.exists()
    assert Visit.objects.get(pk=world["visit"].pk).status == Visit.Status.LISTED
    assert not ChronologyEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="visits.").exists()


def test_another_schools_officer_gets_404_and_changes_nothing(client, world):
    client.force_login(world["outsider"])
    assert client.get(outcome_url(world["visit"])).status_code == 404
    assert post_outcome(client, world["visit"], no_answer="on").status_code == 404
    assert client.get(f"/visits/visit/{world['visit'].pk}/card.pdf").status_code == 404
    assert not VisitOutcome.objects.exists()
    assert Visit.objects.get(pk=world["visit"].pk).status == Visit.Status.LISTED


def test_an_outcome_is_recorded_once(client, world):
    client.force_login(world["jo"])
    post_outcome(client, world["visit"], no_answer="on")
    response = post_outcome(client, world["visit"], parent_seen="on", parent_seen_who="An uncle")
    assert response.status_code == 200
    assert 'data-testid="outcome-words">No answer<' in response.content.decode()
    assert VisitOutcome.objects.count() == 1
    assert ChronologyEntry.objects.filter(kind=EntryKind.HOME_VISIT).count() == 1


def test_the_home_visits_panel_is_not_shown_to_a_class_teacher(client, world):
    client.force_login(world["jo"])
    post_outcome(client, world["visit"], no_answer="on")
    teacher = make_user("class.teacher", role=R.CLASS_TEACHER, school=world["alder"])
    PupilLink.objects.create(user=teacher, pupil=world["maya"], reason="Form tutor")
    client.force_login(teacher)
    page = client.get(f"/pupils/{world['maya'].upn}/")
    assert page.status_code == 200
    assert 'data-testid="pupil-home-visits"' not in page.content.decode()
