"""Preparing a batch in the background: composed by the real task in a pool of processes, a progress bar on the
page meanwhile, resumed after a kill without composing anything twice, and a clear bound on the size."""

from __future__ import annotations

import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_user
from attend.jobs.tests.worker import run_queued_tasks
from attend.letters.batches import MAX_PUPILS, batch_create
from attend.letters.compose import MessageError
from attend.letters.models import Batch, Message
from attend.letters.prepare import batch_prepare
from attend.people.models import Pupil

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils():
    school = make_school()
    found = []
    for surname in ("Able", "Baker", "Cole", "Dunn", "Evans"):
        pupil = make_pupil(school, absences=25, surname=surname)
        make_contact(surname, pupil=pupil)
        found.append(pupil)
    return found


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_task_composes_every_letter_in_a_process_pool_and_leaves_the_batch_for_review(
    pupils, settings, tmp_path
):
    settings.ATTEND_LETTERS_PDF_WORKERS = 2  # two worker processes, as on the 2-core server
    officer = make_user("officer")
    batch = batch_create(template_name="concern_stage_1", pupils=pupils, as_of=AS_OF, by=officer)
    assert (batch.status, batch.prepared, batch.messages.count()) == ("preparing", 0, 0)
    assert run_queued_tasks() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.prepared, batch.total) == ("review", 5, 5)
    letters = list(batch.messages.order_by("pk"))
    assert [m.pupil.legal_surname for m in letters] == ["Able", "Baker", "Cole", "Dunn", "Evans"]
    assert {m.status for m in letters} == {"queued"}
    text = pdf_text(bytes(letters[2].pdf), tmp_path)
    assert "Mrs Anna Cole" in text and "Page 1 of 1" in text
    events = AuditEvent.objects.filter(action="letters.message.created")
    assert events.count() == 5
    sentences = [
        describe(e) for e in AuditEvent.objects.filter(action__startswith="letters.batch").order_by("pk")
    ]
    assert sentences == [
        "officer started a batch of concern_stage_1 letters.",
        "The letters of a batch were composed: 5 concern_stage_1 letters, 0 left out.",
    ]


def test_the_batch_page_shows_a_progress_bar_that_refreshes_itself_while_preparing(
    client, pupils, monkeypatch
):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    officer = make_user("officer", role="school_officer", school=pupils[0].enrolments.get().school)
    batch = batch_create(template_name="concern_stage_1", pupils=pupils, as_of=AS_OF, by=officer)
    client.force_login(officer)
    page = client.get(f"/letters/batches/{batch.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert re.search(r'<progress id="batch-prepare-bar"[^>]*max="5" value="0"', page)
    assert "0 of 5 pupils done" in page
    assert "Approve and send the batch" not in page  # nothing to approve until every letter is ready
    run_queued_tasks()
    page = client.get(f"/letters/batches/{batch.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page and "batch-prepare-bar" not in page
    assert 'data-testid="batch-total">5<' in page and "Approve and send the batch" in page


def test_a_preparation_killed_mid_way_resumes_without_composing_anything_twice(pupils, settings):
    settings.ATTEND_LETTERS_PDF_WORKERS = 0
    officer = make_user("officer")
    # What a worker killed after writing its first two pupils' letters leaves: those letters, the count of pupils
    # done, the batch still preparing (a chunk's letters and the count are written in one transaction).
    batch = batch_create(template_name="concern_stage_1", pupils=pupils[:2], as_of=AS_OF, by=officer)
    batch_prepare(batch.pk)
    Batch.objects.filter(pk=batch.pk).update(status="preparing", pupil_ids=[p.pk for p in pupils])
    first = {m.pupil_id: (m.pk, m.created_at) for m in Message.objects.filter(batch=batch)}
    assert Batch.objects.get(pk=batch.pk).prepared == 2

    call_command("letters", "resume", stdout=(out := StringIO()))
    assert "Queued 1 batch(es) to finish preparing" in out.getvalue()
    assert (
        run_queued_tasks() == 2
    )  # the first task finds the batch prepared already; the resumed one composes
    batch.refresh_from_db()
    assert (batch.status, batch.prepared, batch.total) == ("review", 5, 5)
    again = {m.pupil_id: (m.pk, m.created_at) for m in Message.objects.filter(batch=batch)}
    assert {k: again[k] for k in first} == first  # the first two were not composed again
    assert AuditEvent.objects.filter(action="letters.message.created").count() == 5

    # Even with the count lost, the idempotency keys refuse a second letter to the same family.
    Batch.objects.filter(pk=batch.pk).update(status="preparing", prepared=0)
    batch_prepare(batch.pk)
    assert Message.objects.filter(batch=batch).count() == 5
    assert AuditEvent.objects.filter(action="letters.message.created").count() == 5
    assert batch_prepare(batch.pk).status == "review"  # a finished batch is left alone


def test_two_runs_at_once_never_write_the_same_letters_twice(pupils):
    from attend.letters.compose import enrolment_on
    from attend.letters.figures import attendance_figures
    from attend.letters.prepare import AnotherRun, _compose_all

    batch = batch_create(template_name="concern_stage_1", pupils=pupils, as_of=AS_OF, by=make_user("officer"))
    first, second = Batch.objects.get(pk=batch.pk), Batch.objects.get(pk=batch.pk)  # two workers' copies
    enrolments = {p.pk: enrolment_on(p, AS_OF) for p in pupils}
    figures = attendance_figures(list(enrolments.values()), AS_OF)
    _compose_all(first, pupils[:2], figures, enrolments, workers=0)
    with pytest.raises(AnotherRun):
        _compose_all(second, pupils[:2], figures, enrolments, workers=0)  # it started at 0 too: it stops
    assert Message.objects.filter(batch=batch).count() == 2
    assert Batch.objects.get(pk=batch.pk).prepared == 2
    assert run_queued_tasks() == 1  # the queued run carries on after the first two
    assert Message.objects.filter(batch=batch).count() == 5
    assert AuditEvent.objects.filter(action="letters.batch.prepared").count() == 1


def test_a_batch_is_bounded_with_a_clear_message(pupils):
    too_many = [Pupil(upn=f"A{i:012d}") for i in range(MAX_PUPILS + 1)]
    with pytest.raises(MessageError) as refused:
        batch_create(template_name="concern_stage_1", pupils=too_many, as_of=AS_OF, by=None)
    assert str(refused.value) == (
        "A batch holds at most 5,000 pupils; this one has 5,001. Split them into smaller batches."
    )
    assert not Batch.objects.exists()


def test_a_held_letter_approved_while_preparing_waits_for_the_batch(pupils, settings, fake_notify):
    from attend.casework.models import PupilCircumstance
    from attend.letters.batches import batch_release, held_approve

    settings.ATTEND_LETTERS_PDF_WORKERS = 0
    PupilCircumstance.objects.create(pupil=pupils[0], kind="medical", summary="Broken leg", start=AS_OF)
    manager = make_user("manager")
    batch = batch_create(template_name="concern_stage_1", pupils=pupils[:2], as_of=AS_OF, by=manager)
    with pytest.raises(MessageError, match="still being prepared"):
        batch_release(batch, by=manager)
    batch_prepare(batch.pk)
    held = batch.messages.get(status="held")
    Batch.objects.filter(pk=batch.pk).update(status="preparing")  # as if more pupils were still to come
    held_approve(held, by=manager)
    assert Batch.objects.get(pk=batch.pk).status == "preparing"
    assert run_queued_tasks() == 1 and fake_notify.sent("letter") == []  # only the preparation ran
