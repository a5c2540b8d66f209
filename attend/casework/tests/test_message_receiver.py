"""Letters about a pupil with an open case go on the case's chronology once, through the letters signal (letters
never imports casework); the entry reads the message's live status through its link."""

from __future__ import annotations

import pytest

from attend.casework.cases import open_case
from attend.casework.models import ChronologyEntry
from attend.core.tests.factories import make_user
from attend.letters.batches import message_approve
from attend.letters.compose import compose
from attend.letters.services import message_create, message_mark_returned, message_send
from attend.letters.tests.factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stats_store(settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")


@pytest.fixture
def family():
    school = make_school()
    pupil = make_pupil(school, absences=25, forename="Lily", surname="Jones")
    mother = make_contact("Jones", title="Ms", forename="Sarah", pupil=pupil)
    return school, pupil, mother


def letter(pupil, contact, *, hold_reason="", route="print"):
    draft = compose(template_name="concern_stage_1", pupil=pupil, contact=contact, route=route, as_of=AS_OF)
    return message_create(draft, as_of=AS_OF, hold_reason=hold_reason)


def test_a_sent_letter_goes_on_the_open_case_once_with_who_and_how(family):
    school, pupil, mother = family
    officer = make_user("officer")
    case, _ = open_case(by=officer, pupil=pupil, school=school, reason="Attendance 80%")
    message = letter(pupil, mother)
    assert not ChronologyEntry.objects.filter(case=case, message=message).exists()  # queued: not gone yet
    message_send(message, by=officer)
    entries = ChronologyEntry.objects.filter(case=case, message=message)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.summary == (
        "Attendance concern: stage 1 (supportive letter) sent to Ms Jones printed for posting or handing over"
    )
    assert (entry.kind, entry.source, entry.source_ref) == (
        "letter",
        "letters",
        f"letters.Message:{message.pk}",
    )
    # A later status change is read through the link; it adds no second entry.
    message_mark_returned(message, by=officer, note="Gone away")
    assert ChronologyEntry.objects.filter(case=case, message=message).count() == 1
    assert ChronologyEntry.objects.get(case=case, message=message).message.status == "returned"


def test_a_held_letter_goes_on_the_case_when_it_is_approved_and_sent_not_before(family):
    school, pupil, mother = family
    manager = make_user("manager")
    case, _ = open_case(by=manager, pupil=pupil, school=school)
    message = letter(pupil, mother, hold_reason="Bereavement")
    message_approve(message, by=manager)
    assert not ChronologyEntry.objects.filter(case=case, message=message).exists()
    message_send(message, by=manager)
    assert ChronologyEntry.objects.get(case=case, message=message).recorded_by == manager


def test_a_pupil_without_an_open_case_gets_no_entry(family):
    _, pupil, mother = family
    message_send(letter(pupil, mother))
    assert not ChronologyEntry.objects.exists()
