"""The batch pages: prepare from the work list, review held letters, approve and send in the background, progress
and the print file. Real task runs (django-tasks-db's worker), the fake GOV.UK Notify, PDFs read with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from attend.alerts.models import Alert
from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.casework.models import PupilCircumstance
from attend.core.tests.factories import make_user
from attend.jobs.tests.worker import run_queued_tasks
from attend.letters.models import Batch, Message

from .factories import make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


def pa_alert(pupil, school, raised_on=dt.date(2026, 11, 23)):
    enrolment = pupil.enrolments.get()
    return Alert.objects.create(
        rule="persistent_absence",
        pupil=pupil,
        enrolment=enrolment,
        school=school,
        raised_on=raised_on,
        last_evaluated_on=raised_on,
        reason="Attendance 79.2% this year (below 90%)",
        measure=20.8,
        peak_measure=20.8,
    )


@pytest.fixture
def place(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")  # a Wednesday
    school = make_school()
    other_school = make_school(name="Southfield Primary School")
    pupils = {}
    for forename, surname in (("Aisha", "Able"), ("Ben", "Baker"), ("Ella", "Evans")):
        pupils[surname] = make_pupil(school, absences=25, forename=forename, surname=surname)
        make_contact(surname, pupil=pupils[surname])
        pa_alert(pupils[surname], school)
    PupilCircumstance.objects.create(
        pupil=pupils["Baker"],
        kind="bereavement",
        summary="Grandparent died in October",
        start=dt.date(2026, 10, 20),
    )
    # An alert from three weeks ago is not "this week's new" alert.
    older = make_pupil(school, absences=25, surname="Olds")
    make_contact("Olds", pupil=older)
    pa_alert(older, school, raised_on=dt.date(2026, 11, 2))
    outsider = make_pupil(other_school, absences=25, surname="Yates")
    make_contact("Yates", pupil=outsider)
    pa_alert(outsider, other_school)
    return {
        "school": school,
        "pupils": pupils,
        "older": older,
        "outsider": outsider,
        "officer": make_user("officer", role="school_officer", school=school),
        "lead": make_user("lead", role="attendance_lead", school=school),
        "teacher": make_user("teacher", role="class_teacher", school=school),
        "other": make_user("other", role="school_officer", school=other_school),
    }


def prepare(client, place, *, upns=None, compose=True, **extra):
    """Post the prepare form, then (with `compose`) run the background task that composes the letters."""
    upns = [p.upn for p in place["pupils"].values()] if upns is None else upns
    data = {"template": "concern_stage_1", "route": "post", "upn": upns, **extra}
    response = client.post("/letters/batches/new/", data)
    if compose and response.status_code == 302:
        assert run_queued_tasks() == 1
    return response


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def count(page: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}">(\d+)<', page).group(1))


def test_the_prepare_page_lists_this_weeks_new_alerts_and_which_letters_will_be_held(client, place):
    client.force_login(place["officer"])
    page = client.get("/letters/batches/new/").content.decode()
    text = text_of(page)
    for surname in ("Able", "Baker", "Evans"):
        assert place["pupils"][surname].upn in page
    assert place["older"].upn not in page  # raised three weeks ago
    assert place["outsider"].upn not in page  # another school
    assert "3 pupils with a new “persistent absence” alert in your scope" in text
    assert "the letters for 1 of them will be held" in text
    assert "Bereavement: Grandparent died in October" in text
    assert 'data-testid="work-batch-letters"' in client.get("/work/?list=school").content.decode()
    every = text_of(client.get("/letters/batches/new/?new=0").content.decode())
    assert "4 pupils with an open “persistent absence” alert" in every


def test_a_prepared_batch_holds_the_letter_of_a_pupil_with_a_circumstance_and_sends_nothing(
    client, place, fake_notify
):
    client.force_login(place["officer"])
    response = prepare(client, place)
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/letters/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert (count(page, "batch-total"), count(page, "batch-held"), count(page, "batch-queued")) == (3, 1, 2)
    assert count(page, "batch-sent") == 0
    held = re.search(r'data-testid="held-(\w+)"', page).group(1)
    assert held == place["pupils"]["Baker"].upn
    assert "Bereavement: Grandparent died in October" in page
    baker = Message.objects.get(pupil=place["pupils"]["Baker"])
    assert f"/letters/pupils/{baker.pupil.upn}/messages/{baker.pk}/" in page  # preview link
    assert "Not yet: nothing is sent until a named person approves the batch" in text_of(page)
    assert "Approve and send the batch" in page
    assert run_queued_tasks() == 0
    assert fake_notify.sent("letter") == []


def test_approving_sends_the_others_in_the_background_and_the_held_one_waits(
    client, place, fake_notify, tmp_path
):
    client.force_login(place["officer"])
    batch_url = prepare(client, place)["Location"]
    client.force_login(place["lead"])
    assert client.post(batch_url, {"approve": "1"}).status_code == 302
    page = client.get(batch_url).content.decode()
    assert 'hx-get="' in page and "This page updates by itself" in page  # sending: the page polls
    assert run_queued_tasks() == 1
    assert len(fake_notify.sent("letter")) == 2
    page = client.get(batch_url).content.decode()
    assert (count(page, "batch-sent"), count(page, "batch-held"), count(page, "batch-total")) == (2, 1, 3)
    assert 'hx-get="' not in page
    assert "by lead" in text_of(page)  # the named approver
    batch = Batch.objects.get()
    assert (batch.status, batch.approved_by) == ("approved", place["lead"])
    assert Message.objects.get(pupil=place["pupils"]["Baker"]).status == "held"
    assert client.get(f"{batch_url}progress/").status_code == 286  # polling stops
    # A second approval is refused and queues nothing.
    client.post(batch_url, {"approve": "1"})
    assert run_queued_tasks() == 0

    # The print file: one PDF of every letter sent (not the held one).
    response = client.get(f"{batch_url}print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "batch.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for pupil in (place["pupils"]["Able"], place["pupils"]["Evans"]):  # the letter names the pupil and family
        assert f"{pupil.legal_forename} has missed" in text and f"Mrs Anna {pupil.legal_surname}" in text
    assert "Ben" not in text and "Baker" not in text
    assert text.count("Page 1 of 1") == 2

    # The held letter goes once a person approves it.
    baker = Message.objects.get(pupil=place["pupils"]["Baker"])
    client.post(f"{batch_url}letters/{baker.pk}/", {"action": "approve"})
    assert run_queued_tasks() == 1
    assert len(fake_notify.sent("letter")) == 3
    baker.refresh_from_db()
    assert (baker.status, baker.approved_by) == ("sent", place["lead"])
    assert Batch.objects.get().status == "done"
    sentences = [describe(e) for e in AuditEvent.objects.filter(action__startswith="letters.batch")]
    assert "lead approved a batch of 3 letters for sending." in sentences
    assert "lead downloaded the print file of a batch (2 letters sent)." in sentences


def test_skipping_a_held_letter_needs_a_reason(client, place, fake_notify):
    client.force_login(place["officer"])
    batch_url = prepare(client, place)["Location"]
    client.post(batch_url, {"approve": "1"})
    run_queued_tasks()
    baker = Message.objects.get(pupil=place["pupils"]["Baker"])
    page = client.post(f"{batch_url}letters/{baker.pk}/", {"action": "skip", "reason": " "}, follow=True)
    assert "say why the letter is skipped" in page.content.decode()
    assert Message.objects.get(pk=baker.pk).status == "held"
    client.post(
        f"{batch_url}letters/{baker.pk}/", {"action": "skip", "reason": "Family met the head on Monday"}
    )
    baker.refresh_from_db()
    assert (baker.status, baker.status_reason) == ("skipped", "Family met the head on Monday")
    assert Batch.objects.get().status == "done"
    assert run_queued_tasks() == 0 and len(fake_notify.sent("letter")) == 2
    page = text_of(client.get(batch_url).content.decode())
    assert "Skipped (1)" in page and "Family met the head on Monday" in page


def test_a_user_without_letters_send_is_refused(client, place):
    client.force_login(place["officer"])
    batch_url = prepare(client, place)["Location"]
    client.force_login(place["teacher"])
    assert client.get("/letters/batches/new/").status_code == 403
    assert prepare(client, place).status_code == 403
    assert client.post(batch_url, {"approve": "1"}).status_code == 403
    assert Batch.objects.get().status == "review"


def test_a_pupil_outside_scope_cannot_be_added(client, place):
    client.force_login(place["officer"])
    outsider = place["outsider"].upn
    response = prepare(client, place, others=outsider)
    assert response.status_code == 200
    assert f"No pupil in your scope with UPN {outsider}: nothing was prepared." in response.content.decode()
    response = prepare(client, place, upns=[place["pupils"]["Able"].upn, outsider])  # a tampered tick box
    assert f"No pupil in your scope with UPN {outsider}" in response.content.decode()
    assert not Batch.objects.exists()
    # Another school's batch is not found at all.
    batch_url = prepare(client, place)["Location"]
    client.force_login(place["other"])
    assert client.get(batch_url).status_code == 404
    assert client.get(f"{batch_url}print.pdf").status_code == 404
    assert f'href="{batch_url}"' not in client.get("/letters/batches/").content.decode()
    client.force_login(place["officer"])
    assert f'href="{batch_url}"' in client.get("/letters/batches/").content.decode()


def test_bad_input_gets_a_clear_error(client, place):
    client.force_login(place["officer"])
    page = client.post("/letters/batches/new/", {"route": "post"}).content.decode()
    assert "Choose a letter" in page and "Choose at least one pupil" in page
    page = prepare(client, place, template="first_day_absence_sms").content.decode()
    assert "Select a valid choice" in page
    assert not Batch.objects.exists()
