"""Safeguarding from a case: a concern to the DSL (work-list item, an email with a link and no details),
referrals by the LA with reference and appended outcomes, restricted notes hidden from others and audited."""

from __future__ import annotations

import pytest

from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework.models import SafeguardingRecord

from .conftest import TODAY

pytestmark = pytest.mark.django_db

CONCERN = "Amelia said she is scared to go home because of shouting; bruise on her arm."


def url(family, tail=""):
    return f"/cases/{family['case'].ref}/safeguarding/{tail}"


def test_a_school_officer_raises_a_concern_to_the_dsl(client, family, smtp_server):
    dsl = family["dsl"]
    dsl.email = "dsl@alder.example"
    dsl.save()
    client.force_login(family["school_officer"])
    page = client.get(url(family, "new/")).content.decode()
    assert "Referral to children" not in page  # the school side raises concerns; referrals are the LA's
    response = client.post(url(family, "new/"), {"kind": "dsl_concern", "summary": CONCERN})
    assert response.status_code == 302
    record = SafeguardingRecord.objects.get()
    assert (record.kind, record.raised_by) == ("dsl_concern", family["school_officer"])
    entry = family["case"].entries.get(kind="safeguarding")
    assert entry.restricted and CONCERN in entry.summary
    # The DSL's work list: an item on the school's list, today.
    alert = Alert.objects.get(rule="safeguarding_concern")
    assert alert.school == family["school"] and CONCERN not in alert.reason
    client.force_login(dsl)
    page = client.get(f"/work/?list=school&school={family['school'].urn}").content.decode()
    assert "Safeguarding concern raised to the designated safeguarding lead" in page
    # The email: a link, no details.
    [mail] = smtp_server.messages
    assert mail["to"] == ["dsl@alder.example"]
    body = mail["message"].get_content()
    assert f"/cases/{family['case'].ref}/safeguarding/" in body
    assert "bruise" not in body and "Amelia" not in body and "Kowalska" not in body


def test_the_restricted_note_is_hidden_from_a_school_officer_and_shown_to_the_dsl(client, family):
    client.force_login(family["dsl"])
    response = client.post(url(family, "notes/new/"), {"text": "Strategy discussion held with social care."})
    assert response.status_code == 302
    client.force_login(family["school_officer"])
    page = client.get(url(family)).content.decode()
    assert "Strategy discussion" not in page
    assert "This case has 1 restricted safeguarding entry that only" in page
    assert client.get(url(family, "notes/new/")).status_code == 403
    assert not AuditEvent.objects.filter(action="casework.restricted.viewed").exists()
    client.force_login(family["dsl"])
    page = client.get(url(family)).content.decode()
    assert "Strategy discussion held with social care." in page
    viewed = AuditEvent.objects.get(action="casework.restricted.viewed")
    assert (viewed.actor, viewed.pupil) == (family["dsl"], family["pupil"])
    client.force_login(family["la_manager"])  # the LA's safeguarding lead
    assert "Strategy discussion held with social care." in client.get(url(family)).content.decode()


def test_an_la_officer_records_a_referral_and_appends_outcomes(client, family):
    client.force_login(family["la_officer"])
    response = client.post(
        url(family, "new/"),
        {
            "kind": "social_care",
            "summary": "Referred to the MASH after the disclosure.",
            "reference": "MASH-2291",
        },
    )
    assert response.status_code == 302
    record = SafeguardingRecord.objects.get()
    assert (record.kind, record.reference, record.outcome) == ("social_care", "MASH-2291", "")
    client.post(
        url(family, f"{record.pk}/outcome/"), {"outcome": "Accepted for a child and family assessment"}
    )
    client.post(url(family, f"{record.pk}/outcome/"), {"outcome": "Assessment closed: early help offered"})
    record.refresh_from_db()
    assert record.outcome == (
        "19 November 2025: Accepted for a child and family assessment\n"
        "19 November 2025: Assessment closed: early help offered"
    )
    assert family["case"].entries.filter(kind="referral", restricted=True).count() == 3
    # The officer who made it sees their own referral; the school officer sees neither it nor its outcomes.
    assert "MASH-2291" in client.get(url(family)).content.decode()
    client.force_login(family["school_officer"])
    page = client.get(url(family)).content.decode()
    assert "MASH-2291" not in page and "This case has 3 restricted safeguarding entries" in page


def test_a_school_officer_cannot_record_a_referral_and_an_empty_concern_is_refused(client, family):
    client.force_login(family["school_officer"])
    page = client.post(url(family, "new/"), {"kind": "police", "summary": "x"}).content.decode()
    assert "Choose what you are recording from the list" in page
    page = client.post(url(family, "new/"), {"kind": "dsl_concern", "summary": ""}).content.decode()
    assert "There is a problem" in page and "Describe the concern or the referral" in page
    assert not SafeguardingRecord.objects.exists()


def test_safeguarding_is_never_blocked_for_want_of_consent_and_is_scoped(client, family):
    assert not family["case"].consents.exists()
    client.force_login(family["other_officer"])
    assert client.get(url(family)).status_code == 404
    assert client.post(url(family, "new/"), {"kind": "dsl_concern", "summary": CONCERN}).status_code == 404
    client.force_login(family["school_officer"])
    assert client.post(url(family, "new/"), {"kind": "dsl_concern", "summary": CONCERN}).status_code == 302


def test_the_case_page_panels_say_a_restricted_entry_exists_without_showing_it(family):
    from django.template.loader import render_to_string

    from attend.casework import safeguarding

    safeguarding.restricted_note(family["case"], by=family["dsl"], text="Strategy discussion held.")
    context = {"case": family["case"], "today": TODAY}
    html = render_to_string(
        "casework/safeguarding/_case_panel.html", {**context, "user": family["school_officer"]}
    )
    assert "This case has 1 restricted safeguarding entry, readable only by the school" in html
    assert "Strategy discussion" not in html
    html = render_to_string(
        "casework/meetings/_case_panel.html", {**context, "user": family["school_officer"]}
    )
    assert "No meetings booked." in html and "No valid consent for direct work with Amelia Kowalska." in html
