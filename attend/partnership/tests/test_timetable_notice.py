"""The LA told of each new, changed or ended part-time timetable through Letters: the shipped template, a recorded
`Message` (status, template version) sent once over a real local SMTP server, on the case chronology through the
letters signal, audited. Maya Okafor at Alder Primary (plans_world), clock pinned to Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

import pytest

from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind, PartTimeTimetable
from attend.casework.tests.factories import make_part_time_timetable
from attend.casework.tests.plans_world import TODAY, make_plans_world
from attend.letters.models import Letterhead, Message
from attend.partnership.timetable_notice import notify_la
from attend.partnership.timetables import ReviewInput, timetable_review

pytestmark = pytest.mark.django_db
LA_EMAIL = "part-time-timetables@northshire.example.gov.uk"


@pytest.fixture
def world(monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_LA_NOTIFY_EMAIL = LA_EMAIL
    w = make_plans_world()
    w["timetable"] = make_part_time_timetable(
        w["maya"], w["alder"], hours_per_week=Decimal("15.0"), start=dt.date(2025, 11, 10),
        end=dt.date(2025, 12, 19), review_date=dt.date(2025, 12, 1), reason_category="medical",
        reason="Reintegration after knee surgery: she tires by the afternoon",
        return_plan="One more afternoon every two weeks; full time from 5 January",
    )  # fmt: skip
    return w


def text_of(mail) -> str:
    return mail["message"].get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_new_timetable_is_a_recorded_message_to_the_la_with_every_fact(world, smtp_server):
    message = notify_la(world["timetable"], what="new", by=world["school_officer"])

    [mail] = smtp_server.messages
    upn = world["maya"].upn
    assert mail["to"] == [LA_EMAIL]
    assert mail["message"]["Subject"] == f"New part-time timetable: {upn} at Alder Primary"
    assert mail["message"]["X-Attend-Message"] == f"timetable_la_notice/{world['timetable'].pk}/new/v1"
    text = text_of(mail)
    for fact in (
        "To the Northshire attendance team",
        f"- Pupil: Maya Okafor, UPN {upn}, Year 4",
        "- School: Alder Primary",
        "- Time in school: 15 hours, 6 sessions a week",
        "- Start: 10 November 2025",
        "- Planned end: 19 December 2025",
        "- Next review: 1 December 2025",
        "- Status: In place",
        "## Reason\nMedical reintegration: Reintegration after knee surgery: she tires by the afternoon",
        "## Plan back to full time\nOne more afternoon every two weeks; full time from 5 January",
        "## LA scrutiny\nNo: the reason is not related to behaviour",
    ):
        assert fact in text, fact
    assert "justification" not in text

    message.refresh_from_db()
    assert (message.status, message.route, message.recipient, message.provider) == (
        Message.Status.SENT,
        Message.Route.EMAIL,
        LA_EMAIL,
        "smtp",
    )
    assert (message.template_version.template.name, message.template_version.template.owner_key) == (
        "timetable_la_notice",
        "default",
    )
    assert message.template_version.number == 1 and message.pupil == world["maya"]
    assert message.school == world["alder"] and message.contact is None
    entry = ChronologyEntry.objects.get(case=world["case"], message=message)
    assert entry.kind == EntryKind.EMAIL
    assert entry.summary == f"Part-time timetable notice to the LA sent to {LA_EMAIL} by email"
    event = AuditEvent.objects.get(action="partnership.timetable.la_notified")
    assert event.data["message"] == message.pk and event.data["sent"] is True
    world["timetable"].refresh_from_db()
    assert world["timetable"].la_notified_at is not None


def test_the_same_change_is_never_notified_twice_but_the_next_change_is(world, smtp_server):
    timetable = world["timetable"]
    assert notify_la(timetable, what="new") is not None
    assert notify_la(timetable, what="new") is None
    assert len(smtp_server.messages) == 1 and Message.objects.count() == 1

    review = ReviewInput(
        reviewed_on=TODAY, notes="Mornings going well", outcome="continue",
        next_review_date=dt.date(2025, 12, 3), sessions_per_week=7, hours_per_week=Decimal("17.5"),
    )  # fmt: skip
    timetable_review(timetable, by=world["school_officer"], expected_version=1, review=review)
    timetable.refresh_from_db()
    assert notify_la(timetable, what="changed") is None  # the review told the LA already
    assert [m["message"]["Subject"].split(":")[0] for m in smtp_server.messages] == [
        "New part-time timetable",
        "Changed part-time timetable",
    ]
    text = text_of(smtp_server.messages[1])
    assert "- Time in school: 17.5 hours, 7 sessions a week" in text
    assert "- Next review: 3 December 2025" in text
    assert list(Message.objects.order_by("pk").values_list("idempotency_key", flat=True)) == [
        f"timetable_la_notice/{timetable.pk}/new/v1",
        f"timetable_la_notice/{timetable.pk}/changed/v2",
    ]
    assert ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.EMAIL).count() == 2


def test_without_a_configured_address_the_la_letterhead_email_is_used(world, settings, smtp_server):
    settings.ATTEND_LA_NOTIFY_EMAIL = ""
    Letterhead.objects.create(local_authority=world["la"], email="attendance@northshire.example.gov.uk")
    notify_la(world["timetable"], what="new")
    assert [m["to"] for m in smtp_server.messages] == [["attendance@northshire.example.gov.uk"]]


def test_with_no_la_address_nothing_is_sent_and_the_case_says_so(world, settings, smtp_server):
    settings.ATTEND_LA_NOTIFY_EMAIL = ""
    assert notify_la(world["timetable"], what="new") is None
    assert not smtp_server.messages and not Message.objects.exists()
    event = AuditEvent.objects.get(action="partnership.timetable.la_notified")
    assert (event.data["sent"], event.data["to"]) == (False, "no LA address set")
    entry = ChronologyEntry.objects.get(case=world["case"], kind=EntryKind.NOTE)
    assert entry.summary == (
        "New part-time timetable from 10 November 2025 to 19 December 2025; the LA could not be told: "
        "no LA address is set"
    )


def test_an_email_server_that_refuses_leaves_a_failed_message_on_the_case(world, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    settings.ATTEND_EMAIL_URL = f"smtp://127.0.0.1:{port}?timeout=2"
    settings.ATTEND_EMAIL_VIA = "smtp"
    message = notify_la(world["timetable"], what="new")
    assert message.status == Message.Status.FAILED
    assert message.status_reason.startswith("The email server did not accept the message")
    world["timetable"].refresh_from_db()
    assert world["timetable"].la_notified_at is None
    entry = ChronologyEntry.objects.get(case=world["case"], message=message)
    assert entry.summary == f"Part-time timetable notice to the LA to {LA_EMAIL} by email could not be sent"


def test_the_timetable_page_lists_the_notice_and_families_are_never_offered_it(client, world, smtp_server):
    message = notify_la(world["timetable"], what="new")
    client.force_login(world["la_officer"])
    page = client.get(f"/partnership/timetables/{world['timetable'].pk}/").content.decode()
    assert f"/letters/pupils/{world['maya'].upn}/messages/{message.pk}/" in page
    assert f"New part-time timetable: {world['maya'].upn} at Alder Primary</a>: sent" in page
    client.force_login(world["school_officer"])
    send_page = client.get(f"/letters/pupils/{world['maya'].upn}/send/").content.decode()
    assert "First-day absence (email)" in send_page
    assert "Part-time timetable notice to the LA" not in send_page
    assert PartTimeTimetable.objects.count() == 1
