"""Saved import profiles: who may save and use them, names, versions, the audit trail, the command line, and
sniffing a file nobody has mapped yet."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.core.locking import VersionConflict
from attend.people.upn import make_upn
from attend.registers.imports import ImportFailed, import_file
from attend.registers.imports.profiles import (
    FIELDS,
    ProfileError,
    ProfileSpec,
    preview,
    profiles_for,
    resolve,
    save_profile,
    sniff,
)
from attend.registers.models import ImportProfile, ImportRun, Mark

from .scope_world import R, make_scope_world, make_user_with

pytestmark = pytest.mark.django_db

LONG = ProfileSpec(
    layout="long", columns={"upn": "UPN", "date": "Date", "session": "Session", "code": "Mark"}
)


@pytest.fixture
def world(db, django_user_model):
    world = make_scope_world()
    world["officer_a"] = make_user_with(django_user_model, "officer_a", R.SCHOOL_OFFICER, school=world["a"])
    world["la_officer"] = make_user_with(
        django_user_model, "la_officer", R.LA_OFFICER, local_authority=world["la"]
    )
    world["teacher_a"] = make_user_with(django_user_model, "teacher_a", R.CLASS_TEACHER, school=world["a"])
    return world


def names(user):
    return [(p.name, p.owner, p.shipped) for p in profiles_for(user)]


def test_profiles_for_lists_shipped_then_the_users_schools_and_las(world):
    save_profile(by=world["officer_a"], name="Alder SIMS", spec=LONG, school=world["a"])
    save_profile(by=world["la_officer"], name="Testshire Arbor", spec=LONG, local_authority=world["la"])
    save_profile(by=None, name="Cedar Bromcom", spec=LONG, school=world["c"])
    shipped = [(p.name, "Shipped with Attend", True) for p in profiles_for(None) if p.shipped]
    assert len(shipped) >= 2
    assert names(world["officer_a"]) == shipped + [
        ("Alder SIMS", "Alder Primary", False),
        ("Testshire Arbor", "Testshire", False),
    ]
    assert names(world["la_officer"]) == shipped + [
        ("Alder SIMS", "Alder Primary", False),
        ("Testshire Arbor", "Testshire", False),
    ]
    assert [n for n, *_ in names(None)][len(shipped) :] == ["Alder SIMS", "Cedar Bromcom", "Testshire Arbor"]
    # A role that may not import uses no saved profile.
    assert names(world["teacher_a"]) == shipped


def test_saving_is_scope_checked(world):
    with pytest.raises(PermissionDenied):
        save_profile(by=world["officer_a"], name="X", spec=LONG, school=world["c"])
    with pytest.raises(PermissionDenied):  # a school officer cannot speak for the LA
        save_profile(by=world["officer_a"], name="X", spec=LONG, local_authority=world["la"])
    with pytest.raises(PermissionDenied):
        save_profile(by=world["teacher_a"], name="X", spec=LONG, school=world["a"])
    assert ImportProfile.objects.count() == 0


def test_saving_is_audited_and_versioned(world):
    officer = world["officer_a"]
    profile = save_profile(by=officer, name="  Alder   SIMS ", spec=LONG, school=world["a"])
    assert (profile.name, profile.layout, profile.version, profile.created_by) == (
        "Alder SIMS",
        "long",
        1,
        officer,
    )
    assert ProfileSpec.from_json(profile.spec) == LONG
    event = AuditEvent.objects.get(action="registers.profile.saved")
    assert event.school == world["a"] and event.object_id == str(profile.pk)
    assert (
        describe(event)
        == "officer_a saved version 1 of the import profile Alder SIMS (Alder Primary, long layout)."
    )
    with pytest.raises(ProfileError, match="already a profile called 'alder sims'"):
        save_profile(by=officer, name="alder sims", spec=LONG, school=world["a"])
    changed = ProfileSpec(**{**LONG.to_json(), "date_format": "dd/mm/yyyy"})
    again = save_profile(by=officer, name="Alder SIMS", spec=changed, school=world["a"], expected_version=1)
    assert again.version == 2 and again.spec["date_format"] == "dd/mm/yyyy"
    with pytest.raises(VersionConflict):  # someone saved it since version 1 was opened
        save_profile(by=officer, name="Alder SIMS", spec=LONG, school=world["a"], expected_version=1)
    assert ImportProfile.objects.get().version == 2
    assert AuditEvent.objects.filter(action="registers.profile.saved").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"layout": "tall", "columns": {}}, "layout must be long or wide, not 'tall'"),
        ({"layout": "long", "columns": {}, "date_format": "mm/dd/yyyy"}, "date format must be one of"),
        ({"layout": "long", "columns": {"pupil": "UPN"}}, "unknown Attend field(s): pupil"),
        ({"layout": "long", "columns": {}, "school_urn": "10000A"}, "the school's URN must be digits"),
        ({"layout": "wide", "columns": {}, "wide_header": "three_rows"}, "wide header must be one of"),
        ("not a profile", "a profile is an object"),
    ],
)
def test_a_bad_spec_is_refused_with_a_reason(data, message):
    with pytest.raises(ProfileError) as error:
        ProfileSpec.from_json(data)
    assert message in str(error.value)


def test_a_name_shipped_with_attend_cannot_be_taken(world):
    shipped = next(p for p in profiles_for(None) if p.shipped)
    with pytest.raises(ProfileError, match="shipped with Attend"):
        save_profile(by=None, name=shipped.name.upper(), spec=LONG, school=world["a"])


def test_resolve_names_a_profile_the_user_may_use(world):
    save_profile(by=None, name="Cedar Bromcom", spec=LONG, school=world["c"])
    save_profile(by=None, name="Register", spec=LONG, school=world["a"])
    save_profile(by=None, name="Register", spec=LONG, school=world["b"])
    with pytest.raises(ImportFailed) as failed:
        resolve("Cedar Bromcom", world["officer_a"])
    assert "no import profile called 'Cedar Bromcom' that you may use" in failed.value.messages[0]
    assert resolve("register", world["officer_a"]).columns == LONG.columns
    with pytest.raises(ImportFailed) as failed:  # the LA sees both schools' profiles of that name
        resolve("Register", world["la_officer"])
    assert failed.value.messages == [
        "profile: 2 profiles are called 'Register' (Alder Primary; Beech Primary); rename one"
    ]


def test_a_profile_without_a_school_reads_the_one_school_the_user_imports_for(world, tmp_path):
    # A school's own report carries no URN: the shipped profile reads it as the importer's school.
    upn = world["pupil_a"].upn if "pupil_a" in world else world["a"].enrolments.get().pupil.upn
    path = tmp_path / "register.csv"
    path.write_text(f"UPN,Date,Session,Mark\n{upn},25/11/2026,AM,/\n", encoding="utf-8")
    shipped = next(p for p in profiles_for(None) if p.shipped and p.spec.layout == "long")
    assert resolve(shipped.name, world["officer_a"]).school_urn == "100001"
    assert resolve(shipped.name, world["la_officer"]).school_urn == ""  # two schools: the URN is needed
    shown = preview(path, shipped.spec, user=world["officer_a"])
    assert [(r["school_urn"], r["date"]) for r in shown.rows] == [("100001", "2026-11-25")]
    assert (
        preview(path, shipped.spec, user=world["la_officer"])
        .problems[0]
        .startswith("register.csv:1: school_urn:")
    )
    result = import_file("marks", path, user=world["officer_a"], profile=shipped.name, source="web")
    assert result.rows == 1
    run = ImportRun.objects.get(pk=result.import_run_id)
    assert (run.source, run.profile_name) == ("web", shipped.name)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, user=world["la_officer"], profile=shipped.name)
    assert failed.value.messages[0] == (
        "register.csv:1: school_urn: School URN (map the column with the URN, or choose the school) is not mapped "
        "to a column of the file"
    )


def test_the_command_imports_through_a_profile(world, tmp_path, capsys):
    save_profile(by=None, name="Alder SIMS", spec=LONG, school=world["a"])
    upn = world["a"].enrolments.get().pupil.upn
    path = tmp_path / "register.csv"
    path.write_text(f"URN,UPN,Date,Session,Mark\n100001,{upn},25/11/2026,PM,L\n", encoding="utf-8")
    spec = ProfileSpec(**{**LONG.to_json(), "columns": {**LONG.columns, "school_urn": "URN"}})
    save_profile(by=None, name="Alder SIMS with URN", spec=spec, school=world["a"])
    call_command("import", "marks", str(path), "--profile", "Alder SIMS with URN")
    assert "Imported marks from register.csv: 1 rows, 1 created" in capsys.readouterr().out
    assert Mark.objects.get(enrolment__school=world["a"], date="2026-11-25", session="PM").code == "L"
    assert ImportRun.objects.get(kind="marks", profile_name="Alder SIMS with URN").source == "command"
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", "marks", str(path), "--profile", "No such profile")
    with pytest.raises(CommandError, match="--profile reads marks files only"):
        call_command("import", "pupils", str(path), "--profile", "Alder SIMS")


def test_fields_label_every_attend_field():
    assert FIELDS == {
        "upn": "UPN",
        "school_urn": "School URN",
        "date": "Date",
        "session": "Session (AM or PM)",
        "code": "Attendance code",
    }


def test_sniff_suggests_a_long_mapping_by_header_names_and_values(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(
        "Attendance report\n"
        "Printed 21/11/2025\n"
        "Unique Pupil Number,Forename,Register Date,AM/PM,Mark,Reg group\n"
        "A999200115001,Ada,19/11/2025,AM,/,5A\n"
        "A999200115001,Ada,19/11/2025,PM,\\,5A\n",
        encoding="utf-8",
    )
    found = sniff(path)
    assert (found.header_line, found.layout) == (3, "long")
    assert found.suggested.columns == {
        "upn": "Unique Pupil Number",
        "date": "Register Date",
        "session": "AM/PM",
        "code": "Mark",
    }
    assert found.rows[0] == ["A999200115001", "Ada", "19/11/2025", "AM", "/", "5A"]
    assert found.suggested.unmapped() == ["School URN (map the column with the URN, or choose the school)"]
    assert found.notes == [
        "The header is on line 3; the 2 line(s) above it are titles and are skipped.",
        "No column holds the school's URN: choose the school the file comes from.",
    ]


def test_sniff_finds_columns_by_their_values_when_headers_say_nothing(tmp_path):
    path = tmp_path / "report.csv"
    ada, ben = make_upn("999", "2001", 15, 1), make_upn("999", "2001", 15, 2)
    path.write_text(
        f"Student,Ref,Day,Half,Value\nAda,{ada},2025-11-19,a,/\nBen,{ben},2025-11-19,p,N\n",
        encoding="utf-8",
    )
    found = sniff(path)
    assert found.suggested.columns == {"upn": "Ref", "date": "Day", "session": "Half", "code": "Value"}


def test_sniff_recognises_a_wide_report_with_two_header_rows(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(
        "Register,Wed 19/11/2025,,Thu 20/11/2025,\nUPN,AM,PM,AM,PM\nA999200115001,/,\\,/,\\\n",
        encoding="utf-8",
    )
    found = sniff(path)
    assert (found.layout, found.header_line, found.suggested.wide_header) == ("wide", 1, "two_rows")
    assert found.suggested.columns == {"upn": "UPN"}
    assert found.rows == [["A999200115001", "/", "\\", "/", "\\"]]


def test_a_named_profile_passed_in_code_records_its_name_on_the_run(world, tmp_path):
    # The web flow imports the spec it previewed; passing it as a NamedProfile names the run in the same write.
    from attend.registers.imports.profiles import NamedProfile

    upn = world["a"].enrolments.get().pupil.upn
    path = tmp_path / "register.csv"
    path.write_text(f"UPN,Date,Session,Mark\n{upn},25/11/2026,AM,/\n", encoding="utf-8")
    named = NamedProfile("Alder SIMS", LONG, owner="Alder Primary", shipped=False)
    result = import_file("marks", path, user=world["officer_a"], profile=named, source="web")
    assert result.profile_name == "Alder SIMS"
    assert ImportRun.objects.get(pk=result.import_run_id).profile_name == "Alder SIMS"
    bare = import_file("marks", path, user=world["officer_a"], profile=LONG)
    assert (bare.profile_name, bare.unchanged) == ("", 1)
