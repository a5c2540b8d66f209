"""POST /api/v1/imports/ with a `profile`: an MIS report read through an import profile (docs/api.md)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from attend.registers.imports.profiles import ProfileSpec, save_profile
from attend.registers.models import ImportRun, Mark

from .factories import bearer, token_for


def post(client, user, text: str, **fields):
    upload = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
    return client.post(
        "/api/v1/imports/", {"kind": "marks", "file": upload, **fields}, headers=bearer(token_for(user))
    )


def test_a_wide_report_imports_through_the_schools_saved_profile(world, client):
    officer, upn = world["school_officer"], world["absent"].upn
    spec = ProfileSpec(layout="wide", columns={"upn": "Pupil UPN"}, school_urn=str(world["a"].urn))
    save_profile(by=officer, name="Our SIMS register", spec=spec, school=world["a"])
    text = f"Pupil UPN,Mon 29/09/2025 AM,Mon 29/09/2025 PM\n{upn},/,N\n"
    response = post(client, officer, text, profile="Our SIMS register")
    assert response.status_code == 201, response.json()
    assert response.json()["rows"] == 2
    run = ImportRun.objects.get(pk=response.json()["import_run"])
    assert (run.source, run.profile_name) == ("api", "Our SIMS register")
    assert Mark.objects.get(enrolment__pupil=world["absent"], date="2025-09-29", session="PM").code == "N"


def test_an_unknown_profile_is_a_400_naming_it_and_nothing_is_imported(world, client):
    runs = ImportRun.objects.count()
    response = post(client, world["school_officer"], "UPN,Date\n", profile="Nobody's profile")
    assert response.status_code == 400
    body = response.json()
    assert body["problems"][0].startswith(
        'profile: no import profile called "Nobody\'s profile" that you may use'
    )
    assert ImportRun.objects.count() == runs


def test_another_schools_profile_is_unknown_to_you(world, client):
    spec = ProfileSpec(layout="wide", columns={"upn": "UPN"}, school_urn=str(world["c"].urn))
    save_profile(by=None, name="School C register", spec=spec, school=world["c"])
    response = post(client, world["school_officer"], "UPN\n", profile="School C register")
    assert response.status_code == 400
    assert "no import profile called 'School C register'" in response.json()["problems"][0]


def test_a_profile_for_a_file_that_is_not_marks_is_refused(world, client):
    upload = SimpleUploadedFile("pupils.csv", b"upn\n", content_type="text/csv")
    response = client.post(
        "/api/v1/imports/",
        {"kind": "pupils", "file": upload, "profile": "Generic long register (UPN, Date, Session, Mark)"},
        headers=bearer(token_for(world["school_officer"])),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["profile"] == ["An import profile reads marks files only."]


def test_a_profile_never_widens_scope_rows_of_another_school_are_403(world, client):
    officer = world["school_officer"]
    spec = ProfileSpec(layout="long", columns={"school_urn": "URN", "upn": "UPN", "date": "Date",
                                               "session": "AM/PM", "code": "Mark"})  # fmt: skip
    save_profile(by=officer, name="Alder with URN", spec=spec, school=world["a"])
    elsewhere = world["elsewhere"].upn
    text = f"URN,UPN,Date,AM/PM,Mark\n{world['c'].urn},{elsewhere},29/09/2025,AM,/\n"
    marks = Mark.objects.count()
    response = post(client, officer, text, profile="Alder with URN")
    assert response.status_code == 403
    assert response.json()["problems"] == [
        f"register.csv:2: school_urn: school {world['c'].urn} is not one of your schools"
    ]
    assert Mark.objects.count() == marks
