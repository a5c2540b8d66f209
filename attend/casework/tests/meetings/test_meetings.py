"""Consent, booking a telephone or video meeting, the invitation through Letters, the record and action plan."""

from __future__ import annotations

import pytest

from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, Consent, Meeting, PlanAction, SupportPlan
from attend.letters.models import Message
from attend.people.models import ContactSafety

pytestmark = pytest.mark.django_db

CONSENT = {
    "how": "telephone",
    "given_on": "2025-11-18",
    "expires_on": "2026-02-13",
    "parent_at_home": "on",
    "contact_number": "07700 900123",
}
BOOKING = {
    "method": "telephone",
    "purpose": "parent",
    "date": "2025-11-26",
    "time": "10:00",
    "length_minutes": "30",
    "agenda": "How Amelia is getting on\nWhat makes mornings hard\nWhat would help",
    "joining_details": "We will call you on 07700 900123.",
    "route": "email",
}


def url(family, tail):
    return f"/cases/{family['case'].ref}/{tail}"


def test_consent_is_recorded_on_the_chronology_and_withdrawn(client, family):
    client.force_login(family["la_officer"])
    mother = family["mother"]
    response = client.post(url(family, "consent/new/"), {**CONSENT, "contact": str(mother.pk)})
    assert response.status_code == 302
    consent = Consent.objects.get(case=family["case"])
    assert (consent.given_by_name, consent.contact_number, consent.parent_at_home) == (
        "Mrs Anna Kowalska",
        "07700 900123",
        True,
    )
    entry = family["case"].entries.get(kind="consent")
    assert entry.summary == (
        "Consent to direct work with Amelia Kowalska given by Mrs Anna Kowalska (by telephone (recorded by the "
        "officer)) on 18 November 2025 until 13 February 2026. Parent at home; contact through the parent's "
        "number 07700 900123."
    )
    response = client.post(
        url(family, f"consent/{consent.pk}/withdraw/"), {"reason": "Mother changed her mind"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert str(consent.withdrawn_on) == "2025-11-19"
    assert family["case"].entries.filter(kind="consent").count() == 2
    assert AuditEvent.objects.filter(action="casework.consent.withdrawn").count() == 1


def test_consent_without_a_parent_number_or_a_reason_for_another_arrangement_is_refused(client, family):
    client.force_login(family["la_officer"])
    page = client.post(
        url(family, "consent/new/"), {**CONSENT, "contact": str(family["mother"].pk), "contact_number": ""}
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter the parent&#x27;s number used to reach the child (never the child&#x27;s own)" in page
    page = client.post(
        url(family, "consent/new/"), {**CONSENT, "arrangement": "looked_after", "given_by_name": "Sam Okoro"}
    ).content.decode()
    assert "Give the reason for the different arrangement" in page
    assert not Consent.objects.exists()
    response = client.post(
        url(family, "consent/new/"),
        {
            **CONSENT,
            "arrangement": "looked_after",
            "given_by_name": "Sam Okoro, social worker",
            "arrangement_reason": "Amelia is looked after; the social worker holds consent",
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get().other_arrangement == (
        "Looked-after child: consent through the social worker or the carer's delegated authority: "
        "Amelia is looked after; the social worker holds consent"
    )


def test_direct_work_without_consent_is_refused_with_the_reason(client, family):
    client.force_login(family["la_officer"])
    data = {**BOOKING, "purpose": "direct_work", "purpose_shared": "To hear from Amelia about school"}
    page = client.post(url(family, "meetings/new/"), data).content.decode()
    assert (
        "Direct work with Amelia Kowalska cannot be booked without a parent&#x27;s consent valid on "
        "26 November 2025: record the consent first, or record a different arrangement with its reason"
    ) in page
    assert not Meeting.objects.exists() and not Message.objects.exists()
    client.post(url(family, "consent/new/"), {**CONSENT, "contact": str(family["mother"].pk)})
    response = client.post(url(family, "meetings/new/"), {**data, "series": "Talking about school"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.consent == Consent.objects.get() and meeting.series == "Talking about school"


def test_a_consent_that_has_expired_by_the_session_does_not_count(client, family):
    client.force_login(family["la_officer"])
    client.post(
        url(family, "consent/new/"),
        {**CONSENT, "contact": str(family["mother"].pk), "expires_on": "2025-11-25"},
    )
    data = {**BOOKING, "purpose": "direct_work", "purpose_shared": "To hear from Amelia"}
    page = client.post(url(family, "meetings/new/"), data).content.decode()
    assert "cannot be booked without a parent&#x27;s consent valid on 26 November 2025" in page


def test_a_video_call_is_refused_for_a_contact_with_no_technology_at_home(client, family):
    ContactSafety.objects.create(contact=family["mother"], barriers=["no_technology", "literacy"])
    client.force_login(family["la_officer"])
    page = client.get(url(family, "meetings/new/")).content.decode()
    assert "No computer or smartphone at home (offer telephone)" in page and "Low literacy" in page
    assert "No technology at home: offer a telephone meeting, not a video call." in page
    data = {**BOOKING, "method": "video", "joining_details": "https://teams.example/meet/1"}
    data["invite"] = str(family["mother"].pk)
    page = client.post(url(family, "meetings/new/"), data).content.decode()
    assert (
        "Mrs Anna Kowalska has no computer or smartphone at home, so a video call will not work for them: "
        "offer a telephone meeting instead"
    ) in page
    assert not Meeting.objects.exists()


def test_bad_booking_input_gets_an_error_summary(client, family):
    client.force_login(family["la_officer"])
    page = client.post(
        url(family, "meetings/new/"), {**BOOKING, "date": "2025-02-30", "agenda": "", "length_minutes": "5"}
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter the meeting date as a real date, like 2025-11-19" in page
    assert "Enter the agenda, one item a line" in page
    assert "A meeting takes at least 10 minutes" in page
    page = client.post(url(family, "meetings/new/"), {**BOOKING, "date": "2025-11-18"}).content.decode()
    assert "A meeting is booked for today or later" in page


def test_the_invitation_reaches_the_parent_by_email_and_is_on_the_chronology(client, family, smtp_server):
    client.force_login(family["la_officer"])
    response = client.post(url(family, "meetings/new/"), {**BOOKING, "invite": str(family["mother"].pk)})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.invitation.status == "sent" and meeting.invitation.recipient == "anna.kowalska@example.com"
    [mail] = smtp_server.messages
    assert mail["to"] == ["anna.kowalska@example.com"]
    body = mail["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Wednesday 26 November at 10:00am. It should take about 30 minutes." in body
    assert "We will call you on 07700 900123." in body
    assert "- How Amelia is getting on" in body and "- What would help" in body
    assert mail["message"]["Subject"] == "Invitation: telephone meeting about Amelia"
    entry = family["case"].entries.get(kind="email")
    assert entry.message == meeting.invitation
    page = client.get(response["Location"]).content.decode()
    assert "Email to anna.kowalska@example.com: sent" in page


def book(client, family, **extra):
    client.force_login(family["la_officer"])
    client.post(url(family, "meetings/new/"), {**BOOKING, **extra})
    return Meeting.objects.latest("id")


RECORD = {
    "held": "yes",
    "participants": "Mrs Anna Kowalska\nSam Patel (LA attendance officer)",
    "note_0": "Amelia has settled in her new class.",
    "note_1": "Her little brother's nursery run makes mornings late.",
    "note_2": "A breakfast club place.",
    "child_seen": "",
    "child_heard": "on",
    "child_words": "I like art but I hate the bus.",
    "parent_words": "Mornings are a battle.",
    "action_0_what": "Offer a breakfast club place",
    "action_0_owner": "school",
    "action_0_due": "2025-11-28",
    "action_1_what": "Walk Amelia to school on Mondays",
    "action_1_owner": "parent",
    "action_1_due": "2025-12-01",
    "next_step": "Review attendance",
    "next_step_due": "2025-12-10",
}


def test_recording_makes_the_agenda_the_headings_and_the_actions_the_plans(client, family, monkeypatch):
    meeting = book(client, family)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-26")
    page = client.get(url(family, f"meetings/{meeting.pk}/record/")).content.decode()
    for heading in ("How Amelia is getting on", "What makes mornings hard", "What would help"):
        assert heading in page
    response = client.post(url(family, f"meetings/{meeting.pk}/record/"), {**RECORD, "version": "1"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.version == 2
    assert meeting.record.startswith("## How Amelia is getting on\nAmelia has settled in her new class.\n\n")
    entry = family["case"].entries.get(kind="telephone_meeting")
    assert (entry.child_seen, entry.child_heard, entry.child_words) == (
        False,
        True,
        "I like art but I hate the bus.",
    )
    assert str(entry.next_step_due) == "2025-12-10"
    plan = SupportPlan.objects.get(case=family["case"])
    assert plan.title == "Attendance support plan"
    assert [(a.description, a.owner, str(a.due)) for a in plan.actions.all()] == [
        ("Offer a breakfast club place", "school", "2025-11-28"),
        ("Walk Amelia to school on Mondays", "parent", "2025-12-01"),
    ]
    # Recording twice (e.g. a second tab) is refused, and changes nothing.
    page = client.post(
        url(family, f"meetings/{meeting.pk}/record/"), {**RECORD, "version": "1"}
    ).content.decode()
    assert "This meeting has been recorded already" in page
    assert PlanAction.objects.count() == 2


def test_an_action_without_an_owner_or_date_is_refused(client, family, monkeypatch):
    meeting = book(client, family)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-26")
    data = {**RECORD, "version": "1", "action_0_owner": "", "action_1_due": ""}
    page = client.post(url(family, f"meetings/{meeting.pk}/record/"), data).content.decode()
    assert "Choose who owns action 1" in page and "Enter when action 2 is due" in page
    assert Meeting.objects.get().status == "planned" and not PlanAction.objects.exists()


def test_a_meeting_that_did_not_take_place_says_why(client, family, monkeypatch):
    meeting = book(client, family)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-26")
    page = client.post(
        url(family, f"meetings/{meeting.pk}/record/"), {"held": "no", "version": "1"}
    ).content.decode()
    assert "Say why the meeting did not take place" in page
    client.post(
        url(family, f"meetings/{meeting.pk}/record/"),
        {"held": "no", "why_not_held": "No answer at 10:00 or 10:15", "version": "1"},
    )
    entry = family["case"].entries.get(kind="telephone_meeting")
    assert entry.summary == (
        "Meeting with parents or carers (telephone): did not take place (No answer at 10:00 or 10:15)."
    )


def test_the_record_and_action_plan_are_sent_to_the_parent(client, family, monkeypatch, smtp_server):
    meeting = book(client, family)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-26")
    client.post(url(family, f"meetings/{meeting.pk}/record/"), {**RECORD, "version": "1"})
    response = client.post(
        url(family, f"meetings/{meeting.pk}/send/"), {"contact": str(family["mother"].pk), "route": "email"}
    )
    assert response.status_code == 302
    record_mail, plan_mail = smtp_server.messages
    record = record_mail["message"].get_body(preferencelist=("plain",)).get_content()
    assert record_mail["message"]["Subject"] == "Notes of our meeting about Amelia"
    assert "## What makes mornings hard" in record or "What makes mornings hard" in record
    assert "Her little brother's nursery run makes mornings late." in record
    plan = plan_mail["message"].get_body(preferencelist=("plain",)).get_content()
    assert plan_mail["message"]["Subject"] == "Amelia's attendance plan"
    assert "- Offer a breakfast club place (School, by 28 November 2025)" in plan
    assert "- Walk Amelia to school on Mondays (Parent or carer, by 1 December 2025)" in plan
    kinds = list(
        ChronologyEntry.objects.filter(case=family["case"], message__isnull=False).values_list(
            "message__template_version__template__name", flat=True
        )
    )
    assert kinds == ["meeting_record", "action_plan"]
    page = client.get(url(family, f"meetings/{meeting.pk}/")).content.decode()
    # Worded by the letters receiver, which puts each message that has gone on the open case's chronology.
    assert "Record of a meeting sent to Mrs Kowalska by email: sent" in page


def test_meeting_pages_are_scoped(client, family):
    meeting = book(client, family)
    client.force_login(family["other_officer"])
    assert client.get(url(family, "meetings/")).status_code == 404
    assert client.get(url(family, f"meetings/{meeting.pk}/")).status_code == 404
    assert client.post(url(family, "meetings/new/"), BOOKING).status_code == 404
    assert Meeting.objects.count() == 1


def test_the_demo_hook_adds_recorded_meetings_consent_and_barriers(family):
    from attend.casework.demo_meetings import add_demo_meetings

    assert add_demo_meetings([family["case"]]) == 2
    held, booked = Meeting.objects.order_by("starts_at")
    assert (held.status, booked.status, booked.purpose, booked.method) == (
        "held",
        "planned",
        "direct_work",
        "video",
    )
    assert booked.consent is not None
    assert family["case"].entries.filter(kind="telephone_meeting").count() == 1
    assert PlanAction.objects.filter(plan__case=family["case"]).count() == 2
