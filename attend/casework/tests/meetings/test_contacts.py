"""Separated parents and safety: a confidential contact or address is marked, warned about on the pupil page,
kept out of the other parent's letter and redacted from the subject access export; barriers are recorded with
optimistic locking and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest

from attend.audit.models import AuditEvent
from attend.letters.models import Message
from attend.people.models import ContactSafety
from attend.privacy.subject_access import subject_access_export

pytestmark = pytest.mark.django_db


def safety_url(family, contact):
    return f"/cases/{family['case'].ref}/contacts/{contact.pk}/safety/"


CONFIDENTIAL = {
    "address_confidential": "on",
    "confidential_reason": "Non-molestation order against the mother's former partner",
    "barriers": ["language"],
    "barriers_note": "Prefers Polish",
    "version": "1",
}


def mark_confidential(client, family):
    client.force_login(family["la_officer"])
    return client.post(safety_url(family, family["father"]), CONFIDENTIAL)


def test_an_officer_marks_an_address_confidential_and_it_is_audited(client, family):
    response = mark_confidential(client, family)
    assert response.status_code == 302
    safety = ContactSafety.objects.get(contact=family["father"])
    assert (safety.address_confidential, safety.contact_confidential, safety.barriers, safety.version) == (
        True,
        False,
        ["language"],
        2,
    )
    event = AuditEvent.objects.get(action="casework.contact_safety.changed")
    assert event.data["changed"] == [
        "address_confidential",
        "barriers",
        "barriers_note",
        "confidential_reason",
    ]
    page = client.get(safety_url(family, family["father"])).content.decode()
    assert "Confidential: Non-molestation order against the mother&#x27;s former partner." in page


def test_a_reason_is_needed_and_a_stale_version_is_refused(client, family):
    client.force_login(family["la_officer"])
    page = client.post(
        safety_url(family, family["father"]), {**CONFIDENTIAL, "confidential_reason": ""}
    ).content.decode()
    assert "Give the reason the contact or address is confidential" in page
    client.post(safety_url(family, family["father"]), CONFIDENTIAL)
    page = client.post(
        safety_url(family, family["father"]), {**CONFIDENTIAL, "barriers": ["no_technology"]}
    ).content.decode()  # still version 1: someone saved first
    assert "sam changed this contact&#x27;s record while you were editing it" in page
    assert ContactSafety.objects.get().barriers == ["language"]


def test_the_pupil_page_warns_that_the_address_is_confidential(client, family):
    from attend.registers.models import Mark

    # A week of marks: on PostgreSQL the statistics store fails on a school with no marks at all (reported).
    enrolment = family["pupil"].enrolments.get()
    Mark.objects.bulk_create(
        Mark(enrolment=enrolment, date=dt.date(2025, 11, d), session=s, code="/" if s == "AM" else "\\")
        for d in (17, 18, 19)
        for s in ("AM", "PM")
    )
    mark_confidential(client, family)
    client.force_login(family["school_officer"])
    page = client.get(f"/pupils/{family['pupil'].upn}/").content.decode()
    assert (
        "Never share or print their address with anyone else, including the other parent "
        "(Non-molestation order against the mother&#x27;s former partner)."
    ) in page


def test_the_confidential_address_is_absent_from_the_other_parents_letter(client, family):
    mark_confidential(client, family)
    client.post(
        f"/cases/{family['case'].ref}/meetings/new/",
        {
            "method": "telephone",
            "purpose": "parent",
            "date": "2025-11-26",
            "time": "10:00",
            "length_minutes": "30",
            "agenda": "How Amelia is getting on",
            "invite": str(family["mother"].pk),
            "route": "print",
        },
    )
    letter = Message.objects.get()
    assert letter.recipient.startswith("Mrs Anna Kowalska\n12 Elm Road")
    for text in (letter.body_html, letter.body_text, letter.recipient):
        assert "Refuge Close" not in text and "ST9 9ZZ" not in text


def test_the_subject_access_export_redacts_the_confidential_address(client, family):
    mark_confidential(client, family)
    archive = subject_access_export(pupil=family["pupil"])
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("contacts.csv").decode("utf-8-sig"))))
    father = next(r for r in rows if r["forename"] == "Piotr")
    assert (father["address_line1"], father["town"], father["postcode"]) == ("[confidential]",) * 3
    assert father["phone_mobile"] == "07700 900456"  # the address only
    mother = next(r for r in rows if r["forename"] == "Anna")
    assert mother["address_line1"] == "12 Elm Road"
