"""Issue 14, findings 2 and 3 through the two ways in: the web upload (a background job) and
POST /api/v1/imports/. A school officer of school A trying to change school B's enrolment, marks, calendar or
contact is refused, whatever the header or compression, and nothing changes."""

from __future__ import annotations

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.api.tests.factories import bearer, token_for
from attend.audit.models import AuditEvent
from attend.jobs.models import Job
from attend.jobs.tests.worker import run_queued_tasks
from attend.people.models import Transfer
from attend.people.transfers import confirm_transfer

from .scope_world import R, checksum, make_scope_world, make_user_with, out_of_scope_files

KINDS = ["pupils", "marks", "calendar", "contacts"]


@pytest.fixture
def world(db, settings, tmp_path, django_user_model):
    settings.VAR_DIR = tmp_path
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    world = make_scope_world()
    world["officer_a"] = make_user_with(django_user_model, "officer_a", R.SCHOOL_OFFICER, school=world["a"])
    return world


def variant(text: str, how: str) -> tuple[str, bytes]:
    """(file name, bytes) of the file spelt one of the ways that got past the old pre-pass."""
    first, rest = text.split("\n", 1)
    if how == "space":
        return "f.csv", (
            first.replace("school_urn", "school_urn ").replace("upn", "upn ") + "\n" + rest
        ).encode()
    if how == "case+bom":
        return "f.csv", ("\ufeff" + first.upper() + "\n" + rest).encode()
    return "f.csv.gz", gzip.compress(text.encode())


@pytest.mark.parametrize("how", ["space", "case+bom", "gzip"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_web_upload_refuses_another_schools_rows(client, world, kind, how):
    client.force_login(world["officer_a"])
    name, data = variant(out_of_scope_files(world)[kind], how)
    before = checksum()
    response = client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    assert run_queued_tasks() == 1
    job = Job.objects.get()
    assert job.status == "failed" and job.problems_total == 1
    field = "upn" if kind == "contacts" else "school_urn"
    # The upload is stored decompressed, so problems name the plain file (marks.csv.gz -> marks.csv).
    assert job.problems[0].startswith(f"{name.removesuffix('.gz')}:2: {field}: ")
    assert "is not one of your" in job.problems[0]
    assert checksum() == before
    assert not AuditEvent.objects.filter(action="registers.import.completed").exists()


@pytest.mark.parametrize("how", ["space", "case+bom", "gzip"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_api_refuses_another_schools_rows(client, world, kind, how):
    name, data = variant(out_of_scope_files(world)[kind], how)
    before = checksum()
    response = client.post(
        "/api/v1/imports/",
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
        headers=bearer(token_for(world["officer_a"])),
    )
    assert response.status_code == 403, response.json()
    body = response.json()
    assert body["total_problems"] == 1 and "is not one of your" in body["problems"][0]
    assert checksum() == before


def test_the_api_records_what_an_import_changed(client, world):
    a, pupil_a = world["a"], world["pupil_a"]
    text = f"upn,school_urn,date,session,code\n{pupil_a.upn},{a.urn},2026-11-25,PM,L\n"
    response = client.post(
        "/api/v1/imports/",
        {"kind": "marks", "file": SimpleUploadedFile("m.csv", text.encode())},
        headers=bearer(token_for(world["officer_a"])),
    )
    assert response.status_code == 201, response.json()
    event = AuditEvent.objects.get(action="registers.import.completed")
    assert (event.actor, event.data["file"], event.data["counts"]) == (
        world["officer_a"],
        "m.csv",
        {"marks": {"created": 1}},
    )


def test_the_web_upload_names_a_transfer_for_the_la_and_succeeds(client, world):
    """Finding 1 through the web: a genuine joiner already registered at B is imported (enrolment only)."""
    client.force_login(world["officer_a"])
    p = world["pupil_b"]
    text = (
        "upn,school_urn,legal_forename,legal_surname,date_of_birth,sex,nc_year,admission_date\n"
        f"{p.upn},{world['a'].urn},Mallory,Other,2015-03-14,F,5,2026-11-23\n"
    )
    client.post("/imports/new/", {"kind": "pupils", "file": SimpleUploadedFile("pupils.csv", text.encode())})
    run_queued_tasks()
    job = Job.objects.get()
    assert job.status == "done", job.problems
    assert job.result["notes"] == [
        "pupils.csv:2: upn: already registered at another school: the LA will confirm the transfer"
    ]
    assert "the LA will confirm the transfer" in job.result["detail"]
    p.refresh_from_db()
    assert (p.legal_forename, p.legal_surname) == ("PupilB", "Fakeperson")


def test_a_joiners_new_school_sees_its_own_period_and_contacts_not_the_other_schools(
    client, world, monkeypatch, django_user_model
):
    """Finding 1, read side: the school a pupil joined by an import sees nothing of the other school's record
    from before its admission date, nor the contacts the other school holds; its own contacts file shows."""
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    client.force_login(world["officer_a"])
    p = world["pupil_b"]
    joiner = (
        "upn,school_urn,legal_forename,legal_surname,date_of_birth,sex,nc_year,admission_date\n"
        f"{p.upn},{world['a'].urn},Mallory,Other,2015-03-14,F,5,2026-11-23\n"
    )
    client.post("/imports/new/", {"kind": "pupils", "file": SimpleUploadedFile("p.csv", joiner.encode())})
    assert run_queued_tasks() == 1 and Job.objects.get().status == "done"
    page = " ".join(client.get(f"/pupils/{p.upn}/").content.decode().split())
    assert "PupilB" in page  # the pupil's name as held
    assert "07700900002" not in page and "B Street" not in page  # Beech's contact for the pupil
    assert "since 23 November 2026" in page and "since 2 September 2026" not in page
    contacts = (
        "upn,contact_ref,forename,surname,relationship,priority,phone_mobile\n"
        f"{p.upn},ALDER-1,Morgan,Parent,Father,1,07700 900555\n"
    )
    client.post("/imports/new/", {"kind": "contacts", "file": SimpleUploadedFile("c.csv", contacts.encode())})
    assert run_queued_tasks() == 1
    # Until the LA confirms the move, the new school's contacts wait (they could reach the other school's calls).
    assert "contacts wait until the LA confirms the transfer" in Job.objects.latest("pk").result["detail"]
    confirm_transfer(
        Transfer.objects.get(pupil=p),
        make_user_with(django_user_model, "la", R.LA_OFFICER, local_authority=world["la"]),
    )
    client.post("/imports/new/", {"kind": "contacts", "file": SimpleUploadedFile("c.csv", contacts.encode())})
    assert run_queued_tasks() == 1
    page = " ".join(client.get(f"/pupils/{p.upn}/").content.decode().split())
    assert "07700 900555" in page and "07700900002" not in page and "B Street" not in page
