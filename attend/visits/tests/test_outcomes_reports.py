"""Agreements made at a visit (the letter or email to the parent seen, on the chronology, and the follow-up on
the work list) and a visit cancelled for safety (the written report emailed with its PDF to the headteacher, or to
the line manager and the health-and-safety log, the chronology, and the risk marker the officer confirms).
Real parts: a local SMTP server (aiosmtpd), WeasyPrint PDFs read back with pdftotext."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.events import CASE_NEXT_STEP
from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind
from attend.casework.prompts import sync_case_prompts
from attend.letters.models import Message
from attend.letters.tests.conftest import smtp_server  # noqa: F401  (a real local SMTP server)
from attend.visits.models import RiskKind, RiskMarker, SafetyReportRecipient, Visit, VisitOutcome

from .test_outcomes import TODAY, make_outcomes_world, pdf_text, post_outcome

pytestmark = pytest.mark.django_db
DOGS = "Two large dogs loose in the hallway; Mr Okafor refused to shut them in another room."


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    settings.ATTEND_VISITS_HS_LOG_EMAIL = "hs-incidents@northshire.example"
    return make_outcomes_world()


@pytest.fixture
def mailbox(smtp_server):  # noqa: F811
    return smtp_server


def attachment(message) -> tuple[str, bytes]:
    part = next(message.iter_attachments())
    return part.get_filename(), part.get_content()


def test_an_agreement_is_emailed_to_the_parent_seen_and_followed_up_on_the_work_list(
    client,
    world,
    mailbox,
    monkeypatch,
):
    client.force_login(world["jo"])
    response = post_outcome(
        client, world["visit"], parent_seen="on", parent_contact=str(world["grace"].pk),
        agreements="Maya will be in school by 8:50 every day\nGrace will ring the office by 9:00 if Maya is ill",
        agreement_route="email", follow_up_on="2025-12-03",
    )  # fmt: skip
    assert response.status_code == 302
    outcome = VisitOutcome.objects.get()
    message = outcome.agreement_message
    assert message.status == Message.Status.SENT and message.recipient == "grace.okafor@example.com"
    [mail] = mailbox.messages
    assert mail["to"] == ["grace.okafor@example.com"]
    assert mail["message"]["Subject"] == "What we agreed when we visited on Wednesday 19 November"
    body = mail["message"].get_body(("plain",)).get_content()
    assert "Maya will be in school by 8:50 every day" in body and "Dear Mrs Okafor" in body
    # On the chronology by the letters signal, after the visit itself.
    email_entry = ChronologyEntry.objects.get(case=outcome.case, kind=EntryKind.EMAIL)
    assert email_entry.message == message
    visit_entry = ChronologyEntry.objects.get(case=outcome.case, kind=EntryKind.HOME_VISIT)
    assert visit_entry.next_step_due == dt.date(2025, 12, 3)
    assert "Agreed: Maya will be in school by 8:50 every day" in visit_entry.summary
    # Not on the work list before the follow-up date; on it from that day.
    assert not Alert.objects.filter(rule=CASE_NEXT_STEP).exists()
    monkeypatch.setenv("ATTEND_TODAY", "2025-12-03")
    sync_case_prompts(dt.date(2025, 12, 3))
    alert = Alert.objects.get(rule=CASE_NEXT_STEP, pupil=world["maya"])
    assert "Check the agreement made at the home visit is kept; if not, send the letter" in alert.reason
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    assert "Email to grace.okafor@example.com" in page


def test_an_agreement_to_a_parent_with_no_email_is_refused_and_nothing_is_saved(client, world):
    world["grace"].email = ""
    world["grace"].save()
    client.force_login(world["jo"])
    response = post_outcome(
        client, world["visit"], parent_seen="on", parent_contact=str(world["grace"].pk),
        agreements="Maya in by 8:50", agreement_route="email",
    )  # fmt: skip
    page = response.content.decode()
    assert "govuk-error-summary" in page and "has no email address on record" in page
    assert not VisitOutcome.objects.exists() and not Message.objects.exists()
    assert not ChronologyEntry.objects.exists()


def test_a_school_officers_visit_cancelled_for_safety_is_reported_to_the_headteacher(
    client,
    world,
    mailbox,
    tmp_path,
):
    client.force_login(world["jo"])
    response = post_outcome(client, world["visit"], not_safe="on", not_safe_reason=DOGS, visit_time="11:05")
    assert response.status_code == 302
    visit = Visit.objects.get(pk=world["visit"].pk)
    assert visit.status == Visit.Status.CANCELLED_FOR_SAFETY
    [mail] = mailbox.messages
    assert mail["to"] == ["head@alder.example"]
    assert mail["message"]["Subject"] == "Home visit cancelled for safety on Wednesday 19 November"
    name, pdf = attachment(mail["message"])
    assert name == f"visit-{visit.pk}-safety-report.pdf"
    text = " ".join(pdf_text(pdf, tmp_path).split())
    for expected in (
        "To: Helen Ward (headteacher)", "Officer: Jo Khan, Attendance officer",
        "When: Wednesday 19 November at 11:05", "Where: 4 Willow Road, Northtown", "Pupil: Maya Okafor",
        DOGS,
    ):  # fmt: skip
        assert expected in text, expected
    [row] = SafetyReportRecipient.objects.all()
    assert (row.role, row.name, row.email, row.status) == (
        "headteacher",
        "Helen Ward",
        "head@alder.example",
        "sent",
    )
    note = ChronologyEntry.objects.get(kind=EntryKind.NOTE, case=visit.case)
    assert note.summary == (
        f"Home visit to 4 Willow Road cancelled for safety: {DOGS}\nWritten report to: Helen Ward (headteacher)."
    )
    assert not ChronologyEntry.objects.filter(
        kind=EntryKind.HOME_VISIT
    ).exists()  # no contact with the family
    assert AuditEvent.objects.get(action="visits.safety_report.sent").data["to"] == "Helen Ward (sent)"
    # The page proposes a marker on the address (dangerous animals stay with the place); the officer confirms.
    page = client.get(f"/visits/visit/{visit.pk}/outcome/").content.decode()
    assert "Confirm the risk marker" in page and 'value="animals" selected' in page
    assert 'name="review_on" type="text" value="2026-05-20"' in page  # 182 days on, to be reviewed
    assert client.get(f"/visits/visit/{visit.pk}/safety-report.pdf").content == pdf
    response = client.post(
        f"/visits/visit/{visit.pk}/risk-marker/",
        {"kind": "animals", "about": "address", "reason": DOGS, "review_on": "2026-05-20"},
    )
    assert response.status_code == 302
    marker = RiskMarker.objects.get()
    assert (marker.kind, marker.address_line1, marker.postcode, marker.contact) == (
        RiskKind.ANIMALS, "4 Willow Road", "NT1 2AB", None,
    )  # fmt: skip
    assert marker.review_on == dt.date(2026, 5, 20) and marker.recorded_by == world["jo"]
    assert VisitOutcome.objects.get().risk_marker == marker
    assert (
        "Risk marker recorded: Dangerous animals"
        in client.get(f"/visits/visit/{visit.pk}/outcome/").content.decode()
    )


def test_an_la_officers_report_goes_to_the_line_manager_and_the_health_and_safety_log(
    client,
    world,
    mailbox,
    tmp_path,
):
    client.force_login(world["sam"])
    post_outcome(
        client,
        world["visit"],
        not_safe="on",
        not_safe_reason="Mr Okafor shouted and threatened me at the door",
    )
    sent_to = sorted(m["to"][0] for m in mailbox.messages)
    assert sent_to == ["hs-incidents@northshire.example", "lee.grant@northshire.example"]
    rows = {(r.role, r.name, r.status) for r in SafetyReportRecipient.objects.all()}
    assert rows == {
        ("line_manager", "Lee Grant", "sent"),
        ("hs_log", "Health and safety incident log", "sent"),
    }
    text = pdf_text(attachment(mailbox.messages[0]["message"])[1], tmp_path)
    assert "To: Lee Grant (line manager)" in text and "threatened me at the door" in text
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    assert 'value="aggression" selected' in page


def test_a_report_that_cannot_be_emailed_shows_not_sent_with_the_reason(client, world, settings):
    settings.ATTEND_VISITS_HS_LOG_EMAIL = ""
    settings.ATTEND_EMAIL_URL = "smtp://127.0.0.1:9?timeout=2"  # nothing listens: the server refuses
    settings.ATTEND_EMAIL_VIA = "smtp"
    client.force_login(world["sam"])
    post_outcome(
        client, world["visit"], not_safe="on", not_safe_reason="Felt unsafe: a crowd outside the flat"
    )
    rows = {r.role: r for r in SafetyReportRecipient.objects.all()}
    assert rows["hs_log"].status == "failed" and "No email address on record" in rows["hs_log"].reason
    assert rows["line_manager"].status == "failed"
    assert rows["line_manager"].reason.startswith("The email server did not accept the message")
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    assert page.count("Not sent") == 2


def test_a_report_that_did_not_go_is_sent_again_once_the_server_is_back(client, world, mailbox, settings):
    working = settings.ATTEND_EMAIL_URL
    settings.ATTEND_EMAIL_URL = "smtp://127.0.0.1:9?timeout=2"
    client.force_login(world["jo"])
    post_outcome(client, world["visit"], not_safe="on", not_safe_reason=DOGS)
    assert SafetyReportRecipient.objects.get().status == "failed" and mailbox.messages == []
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    assert "Send the report again to those it did not reach" in page
    settings.ATTEND_EMAIL_URL = working
    response = client.post(f"/visits/visit/{world['visit'].pk}/safety-report/resend/")
    assert response.status_code == 302
    row = SafetyReportRecipient.objects.get()
    assert (row.status, row.reason) == ("sent", "")
    assert [m["to"] for m in mailbox.messages] == [["head@alder.example"]]
    assert AuditEvent.objects.get(action="visits.safety_report.resent").data["to"] == "Helen Ward (sent)"
    page = client.get(f"/visits/visit/{world['visit'].pk}/outcome/").content.decode()
    assert "Send the report again" not in page


def test_a_risk_marker_without_a_reason_is_refused(client, world, mailbox):
    client.force_login(world["jo"])
    post_outcome(client, world["visit"], not_safe="on", not_safe_reason=DOGS)
    response = client.post(
        f"/visits/visit/{world['visit'].pk}/risk-marker/",
        {"kind": "animals", "about": "address", "reason": "", "review_on": "2026-05-20"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Enter the reason for the risk marker" in page
    assert not RiskMarker.objects.exists()


def test_with_no_headteacher_account_the_report_goes_to_the_schools_letterhead_email(client, world, mailbox):
    world["head"].memberships.all().delete()
    client.force_login(world["jo"])
    post_outcome(client, world["visit"], not_safe="on", not_safe_reason=DOGS)
    assert [m["to"] for m in mailbox.messages] == [["office@alder.example"]]
    row = SafetyReportRecipient.objects.get()
    assert (row.role, row.name, row.status) == ("headteacher", "The headteacher, Alder Primary", "sent")
