"""A confidential address (people.ContactSafety) is never printed on a letter, email or text to anyone else; a
letter to that contact uses their own address. PDFs read with pdftotext."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from attend.core.tests.factories import make_user
from attend.jobs.tests.worker import run_queued_tasks
from attend.letters.batches import batch_create
from attend.letters.compose import MessageError, NoAddress, compose
from attend.letters.context import Meeting
from attend.people.models import ContactSafety

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def separated(settings):
    """Two separated parents, both with parental responsibility; the mother's address (a refuge) is confidential."""
    settings.ATTEND_LETTERS_PDF_WORKERS = 0
    school = make_school()
    pupil = make_pupil(school, absences=25, forename="Lily", surname="Jones")
    mother = make_contact(
        "Jones", title="Ms", forename="Sarah", pupil=pupil, address_line1="5 Larch Close", postcode="NT9 9ZZ"
    )
    father = make_contact(
        "Jones", title="Mr", forename="David", pupil=pupil, priority=2,
        address_line1="12 Elm Road", postcode="NT2 3BB",
    )  # fmt: skip
    ContactSafety.objects.create(contact=mother, address_confidential=True, confidential_reason="Refuge")
    return pupil, mother, father


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_fathers_letter_never_prints_the_mothers_confidential_address(separated, tmp_path):
    pupil, mother, father = separated
    letter = compose(template_name="concern_stage_3", pupil=pupil, contact=father, route="post", as_of=AS_OF)
    text = text_of(letter.pdf, tmp_path)
    assert "Mr David Jones" in text and "12 Elm Road" in text and "NT2 3BB" in text
    assert "Larch" not in text and "NT9 9ZZ" not in text and "NT9" not in text
    # Her own letter uses her address: it is hers.
    hers = compose(template_name="concern_stage_3", pupil=pupil, contact=mother, route="post", as_of=AS_OF)
    assert "5 Larch Close" in text_of(hers.pdf, tmp_path) and "NT9 9ZZ" in hers.recipient


def test_a_formal_batch_writes_to_each_parent_and_only_hers_holds_her_address(separated, tmp_path):
    pupil, mother, father = separated
    batch = batch_create(template_name="concern_stage_3", pupils=[pupil], as_of=AS_OF, by=make_user())
    run_queued_tasks()
    letters = {m.contact_id: m for m in batch.messages.all()}
    assert set(letters) == {mother.pk, father.pk}
    his = text_of(bytes(letters[father.pk].pdf), tmp_path)
    assert "Larch" not in his and "NT9 9ZZ" not in his and "NT9 9ZZ" not in letters[father.pk].body_html
    assert "5 Larch Close" in text_of(bytes(letters[mother.pk].pdf), tmp_path)


def test_a_meeting_letter_naming_her_address_to_him_is_refused(separated):
    pupil, mother, father = separated
    meeting = Meeting(
        kind="home visit",
        date=dt.date(2026, 12, 2),
        time="10:00am",
        how_to_join="We will come to 5 larch close.",
    )
    with pytest.raises(MessageError, match="would print an address that is confidential to another contact"):
        compose(
            template_name="meeting_invitation", pupil=pupil, contact=father, route="email",
            as_of=AS_OF, meeting=meeting,
        )  # fmt: skip
    meeting.how_to_join, meeting.agenda = "We will call you.", "Lily's move to the new house in NT9 9ZZ"
    with pytest.raises(MessageError, match="confidential"):
        compose(
            template_name="meeting_invitation", pupil=pupil, contact=father, route="email",
            as_of=AS_OF, meeting=meeting,
        )  # fmt: skip


def test_a_letter_to_someone_recorded_at_her_confidential_address_is_refused_with_the_reason(separated):
    pupil, mother, father = separated
    father.address_line1, father.postcode = "5 LARCH CLOSE", "nt99zz"  # the MIS copied the pupil's address
    father.save()
    with pytest.raises(NoAddress) as refused:
        compose(template_name="concern_stage_1", pupil=pupil, contact=father, route="print", as_of=AS_OF)
    assert str(refused.value) == (
        "The address on record for Mr David Jones is the same as an address that is confidential to another "
        "contact, so this letter cannot be addressed to it. Check where they live first."
    )


def test_the_send_page_says_whose_address_is_confidential(separated, client, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    pupil, mother, father = separated
    officer = make_user("officer", role="school_officer", school=pupil.enrolments.get().school)
    client.force_login(officer)
    page = client.get(f"/letters/pupils/{pupil.upn}/send/").content.decode()
    assert "Ms Sarah Jones (Mother, parental responsibility, address confidential" in page
    assert "Mr David Jones (Father, parental responsibility)" in page
