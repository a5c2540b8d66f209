"""POST /api/v1/imports/: all or nothing, file:line problems, only schools and pupils in the caller's scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.people.models import Enrolment, Pupil
from attend.people.upn import make_upn
from attend.registers.models import ImportRun, Mark

from .factories import bearer, token_for

PUPILS = "upn,school_urn,legal_forename,legal_surname,date_of_birth,sex,nc_year,admission_date\n"
NEW_A, NEW_B = make_upn("201", "2000", 25, 901), make_upn("201", "2000", 25, 902)


def post(client, user, kind: str, name: str, text: str, scopes=None):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        "/api/v1/imports/", {"kind": kind, "file": upload}, headers=bearer(token_for(user, scopes))
    )


def pupils_file(urn: int) -> str:
    return (
        PUPILS
        + f"{NEW_A},{urn},Testy,Newpupil,2016-02-02,F,4,2025-09-01\n"
        + f"{NEW_B},{urn},Pretend,Newpupil,2016-03-03,M,4,2025-09-01\n"
    )


def test_a_good_file_is_imported_and_its_run_can_be_read(world, client):
    response = post(client, world["school_officer"], "pupils", "pupils.csv", pupils_file(world["a"].urn))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["file_name"], body["rows"], body["created"]) == ("pupils", "pupils.csv", 2, 2)
    assert Enrolment.objects.filter(pupil__upn__in=[NEW_A, NEW_B], school=world["a"]).count() == 2

    run_url = f"/api/v1/imports/{body['import_run']}/"
    run = client.get(run_url, headers=bearer(token_for(world["school_officer"]))).json()
    assert (run["imported_by"], run["rows"], run["created"]) == ("school_officer", 2, 2)
    # Someone else's run is not found (unless they may import everything).
    assert client.get(run_url, headers=bearer(token_for(world["la_officer"]))).status_code == 404
    assert client.get(run_url, headers=bearer(token_for(world["system_admin"]))).status_code == 200

    again = post(client, world["school_officer"], "pupils", "pupils.csv", pupils_file(world["a"].urn))
    assert (again.status_code, again.json()["unchanged"]) == (201, 2)  # idempotent


def test_a_bad_file_lists_every_problem_and_writes_nothing(world, client):
    upn = world["absent"].upn
    text = (
        "upn,school_urn,date,session,code\n"
        f"{upn},{world['a'].urn},2025-09-22,AM,/\n"
        f"{upn},{world['a'].urn},2025-09-22,XX,/\n"
        f"{upn},{world['a'].urn},2025-09-23,AM,9\n"
    )
    marks, runs = Mark.objects.count(), ImportRun.objects.count()
    response = post(client, world["school_officer"], "marks", "monday.csv", text)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and "nothing was imported" in body["detail"]
    assert body["total_problems"] == 2
    assert [p.split(":")[:3] for p in body["problems"]] == [
        ["monday.csv", "3", " session"],
        ["monday.csv", "4", " code"],
    ]
    assert (Mark.objects.count(), ImportRun.objects.count()) == (marks, runs)


def test_a_file_naming_another_school_is_refused_before_importing(world, client):
    response = post(client, world["school_officer"], "pupils", "pupils.csv", pupils_file(world["c"].urn))
    assert response.status_code == 403
    body = response.json()
    assert (
        body["problems"][0] == f"pupils.csv:2: school_urn: school {world['c'].urn} is not one of your schools"
    )
    assert body["total_problems"] == 2  # one per row naming it, as the importers report rows
    assert not Pupil.objects.filter(upn__in=[NEW_A, NEW_B]).exists()
    # The same URN spelt with leading zeros is the same school.
    padded = pupils_file(world["c"].urn).replace(f",{world['c'].urn},", f",000{world['c'].urn},")
    assert post(client, world["school_officer"], "pupils", "pupils.csv", padded).status_code == 403


def test_contacts_must_be_for_pupils_in_scope(world, client):
    text = (
        "contact_ref,upn,relationship,forename,surname\n"
        f"C-1,{world['absent'].upn},Mother,Pretend,Parent\n"
        f"C-2,{world['elsewhere'].upn},Father,Pretend,Parent\n"
    )
    response = post(client, world["school_officer"], "contacts", "contacts.csv", text)
    assert response.status_code == 403
    assert response.json()["problems"] == [
        f"contacts.csv:3: upn: pupil {world['elsewhere'].upn} is not one of your pupils"
    ]


def test_schools_and_ctf_files_are_for_users_who_see_every_school(world, client):
    # As on the web upload: these files can name any school. Here the LA officer sees LA 201's schools, not
    # Cedar Primary in LA 202, so only the system administrator may send them.
    text = "la_code,la_name,urn,laestab,name,phase\n201,Northshire,109999,2019999,Rowan Primary,primary\n"
    for persona in ("school_officer", "la_officer"):
        refused = post(client, world[persona], "schools", "schools.csv", text)
        assert refused.status_code == 403
        assert "every school" in refused.json()["problems"][0]
        ctf = post(client, world[persona], "ctf", "transfer.xml", "<CTfile/>")
        assert ctf.status_code == 403 and "every school" in ctf.json()["problems"][0]
    assert post(client, world["system_admin"], "schools", "schools.csv", text).status_code == 201


@pytest.mark.parametrize("persona", ["class_teacher", "social_worker"])
def test_read_only_roles_cannot_import_even_with_the_scope(world, client, persona):
    response = post(client, world[persona], "pupils", "pupils.csv", pupils_file(world["a"].urn))
    assert response.status_code == 403
    assert "import.run" in response.json()["detail"]
    assert not Pupil.objects.filter(upn=NEW_A).exists()


def test_a_token_without_the_imports_scope_cannot_import(world, client):
    response = post(
        client, world["la_officer"], "pupils", "pupils.csv", pupils_file(world["a"].urn), ["statistics:read"]
    )
    assert response.status_code == 403 and "imports:write" in response.json()["detail"]


def test_the_upload_must_say_what_it_is(world, client):
    response = client.post(
        "/api/v1/imports/", {"kind": "registers"}, headers=bearer(token_for(world["la_officer"]))
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "file"}
