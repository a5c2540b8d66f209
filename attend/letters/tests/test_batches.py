"""Batches: held letters with reasons, a named approver, a background task, and resuming without double sends."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.casework.models import PupilCircumstance
from attend.core.tests.factories import make_user
from attend.jobs.tests.worker import run_queued_tasks
from attend.letters.batches import batch_approve, batch_create, batch_print_file, batch_send, message_approve
from attend.letters.models import Batch, Message

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch_pupils():
    school = make_school()
    plain = make_pupil(school, absences=25, surname="Able")
    bereaved = make_pupil(school, absences=25, surname="Baker")
    PupilCircumstance.objects.create(
        pupil=bereaved, kind="bereavement", summary="Grandparent died in October", start=dt.date(2026, 10, 20)
    )
    reception = make_pupil(school, absences=25, surname="Cole", born=dt.date(2021, 10, 15), nc_year="R")
    ill = make_pupil(school, absences=20, surname="Dunn", absence_code="I")
    for p in (plain, bereaved, reception, ill):
        make_contact(p.legal_surname, pupil=p)
    return {"plain": plain, "bereaved": bereaved, "reception": reception, "ill": ill}


def test_a_batch_holds_letters_that_need_a_person_and_sends_only_when_approved(batch_pupils, fake_notify):
    officer, manager = make_user("officer"), make_user("manager")
    batch = batch_create(
        template_name="concern_stage_1", pupils=list(batch_pupils.values()), as_of=AS_OF, by=officer
    )
    assert (batch.status, batch.messages.count()) == ("preparing", 0)
    assert run_queued_tasks() == 1  # the preparation: composed in the background
    by_pupil = {
        m.pupil.legal_surname: m for m in batch.messages.select_related("pupil", "template_version__template")
    }
    assert by_pupil["Able"].status == "queued" and by_pupil["Able"].hold_reason == ""
    assert by_pupil["Baker"].status == "held"
    assert by_pupil["Baker"].hold_reason == "Bereavement: Grandparent died in October"
    assert by_pupil["Cole"].hold_reason == "Below compulsory school age until 31 December 2026"
    assert by_pupil["Dunn"].template_version.template.name == "health_absence"
    assert Batch.objects.get(pk=batch.pk).status == "review"
    assert fake_notify.sent("letter") == []  # nothing goes before a named person approves
    batch_approve(batch, by=manager)
    assert run_queued_tasks() == 1
    assert len(fake_notify.sent("letter")) == 2  # Able and Dunn; the held two wait
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.approved_by) == ("approved", 2, 4, manager)
    message_approve(by_pupil["Baker"], by=manager)
    batch_send(batch)
    assert len(fake_notify.sent("letter")) == 3
    assert Message.objects.get(pk=by_pupil["Baker"].pk).approved_by == manager
    assert Message.objects.get(pk=by_pupil["Cole"].pk).status == "held"


def test_a_batch_killed_mid_way_resumes_without_sending_anything_twice(batch_pupils, fake_notify):
    manager = make_user("manager")
    pupils = [batch_pupils["plain"], batch_pupils["ill"]]
    batch = batch_create(template_name="concern_stage_1", pupils=pupils, as_of=AS_OF, by=manager)
    run_queued_tasks()
    Batch.objects.filter(pk=batch.pk).update(status="approved", approved_by=manager)
    batch.messages.update(approved_by=manager)
    first, second = batch.messages.order_by("pk")
    batch_send(batch)
    assert len(fake_notify.sent("letter")) == 2
    # The process died after Notify accepted the second letter but before its id was saved.
    Message.objects.filter(pk=second.pk).update(status="queued", provider_id="", provider="")
    batch_send(Batch.objects.get(pk=batch.pk))
    assert len(fake_notify.sent("letter")) == 2
    assert set(batch.messages.values_list("status", flat=True)) == {"sent"}
    assert Batch.objects.get(pk=batch.pk).status == "done"


def test_the_print_file_holds_every_letter_in_order(batch_pupils, tmp_path):
    import subprocess

    batch = batch_create(
        template_name="concern_stage_1",
        pupils=[batch_pupils["plain"], batch_pupils["bereaved"]],
        as_of=AS_OF,
        by=make_user(),
        route="print",
    )
    run_queued_tasks()
    path = tmp_path / "print.pdf"
    path.write_bytes(batch_print_file(batch))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert text.index("Able") < text.index("Baker")
    assert text.count("Page 1 of 1") == 2
