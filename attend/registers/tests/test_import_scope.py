"""Issue 14: every import checks every row against the importing user's scope where it reads the row."""

from __future__ import annotations

import pytest

from attend.audit.models import AuditEvent
from attend.people.models import Contact, Enrolment, Pupil, Transfer
from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import Mark

from .scope_world import (
    CALENDAR,
    CONTACTS,
    MARKS,
    NEW_UPN,
    PUPILS,
    WEDNESDAY,
    R,
    checksum,
    make_scope_world,
    make_user_with,
    out_of_scope_files,
    pupil_row,
    text_of,
    write,
)  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, django_user_model):
    world = make_scope_world()
    world["officer_a"] = make_user_with(django_user_model, "officer_a", R.SCHOOL_OFFICER, school=world["a"])
    world["la_officer"] = make_user_with(
        django_user_model, "la_officer", R.LA_OFFICER, local_authority=world["la"]
    )
    return world


def refused(kind, path, user) -> ImportFailed:
    with pytest.raises(ImportFailed) as failed:
        import_file(kind, path, user=user)
    return failed.value


def header_variants(text: str) -> dict[str, dict]:
    first, rest = text.split("\n", 1)
    return {
        "plain": dict(text=text),
        "space": dict(text=first.replace("school_urn", "school_urn ").replace("upn", " upn") + "\n" + rest),
        "case": dict(text=first.upper() + "\n" + rest),
        "bom": dict(text=text, bom=True),
        "gzip": dict(text=text, compress=True),
        "gzip+bom+case": dict(text=first.title() + "\n" + rest, compress=True, bom=True),
    }


@pytest.mark.parametrize("variant", ["plain", "space", "case", "bom", "gzip", "gzip+bom+case"])
@pytest.mark.parametrize("kind", ["pupils", "marks", "calendar", "contacts"])
def test_another_schools_rows_are_refused_whatever_the_header_or_compression(tmp_path, world, kind, variant):
    before = checksum()
    options = header_variants(out_of_scope_files(world)[kind])[variant]
    path = write(tmp_path / f"{kind}.csv", options.pop("text"), **options)
    failed = refused(kind, path, world["officer_a"])
    assert failed.out_of_scope == 1 and failed.total == 1
    field = "upn" if kind == "contacts" else "school_urn"
    what = (
        f"pupil {world['pupil_b'].upn} is not one of your pupils"
        if kind == "contacts"
        else "school 100002 is not one of your schools"
    )
    assert failed.messages == [f"{kind}.csv:2: {field}: {what}"]
    assert checksum() == before


@pytest.mark.parametrize("variant", ["space", "case", "bom", "gzip", "gzip+bom+case"])
def test_own_rows_import_whatever_the_header_or_compression(tmp_path, world, variant):
    a, pupil_a = world["a"], world["pupil_a"]
    text = text_of(MARKS, [[pupil_a.upn, str(a.urn), WEDNESDAY.isoformat(), "PM", "N"]])
    options = header_variants(text)[variant]
    result = import_file(
        "marks", write(tmp_path / "marks.csv", options.pop("text"), **options), user=world["officer_a"]
    )
    assert (result.rows, result.created) == (1, 1)
    assert Mark.objects.get(enrolment=world["enrolment_a"], date=WEDNESDAY, session="PM").code == "N"


def test_a_marks_header_with_a_space_is_read_not_a_key_error(tmp_path, world):
    a, pupil_a = world["a"], world["pupil_a"]
    text = "upn ,school_urn, date,session ,code\n" + f"{pupil_a.upn},{a.urn},{WEDNESDAY},PM,L\n"
    result = import_file("marks", write(tmp_path / "marks.csv", text))
    assert result.created == 1


def test_schools_and_ctf_files_need_the_whole_service(tmp_path, world):
    files = out_of_scope_files(world)
    before = checksum()
    for user in (world["officer_a"], world["la_officer"]):  # the LA officer does not see school C's LA
        for kind in ("schools", "ctf"):
            failed = refused(kind, write(tmp_path / f"{kind}.x", files[kind]), user)
            assert failed.messages == [
                f"{kind}.x:1: file: {kind} files can be imported only by users whose scope covers every school"
            ]
    assert checksum() == before
    import_file("schools", write(tmp_path / "schools.csv", files["schools"]))  # the operator's command
    assert world["b"].__class__.objects.get(urn=100002).name == "Renamed Beech"


def test_a_pupils_row_for_another_schools_pupil_makes_only_an_enrolment_and_a_pending_transfer(
    tmp_path, world
):
    """Finding 1: school A names school B's pupil. A's enrolment is made (a joiner), nothing of B's record
    changes, the result names the row without telling anything of B's record, and the LA has a transfer."""
    a, pupil_b = world["a"], world["pupil_b"]
    rows = [
        pupil_row(
            pupil_b, a, legal_forename="Mallory", child_protection_plan="N", admission_date="2026-11-23"
        ),
        [NEW_UPN, str(a.urn), "Nina", "Newcomer", "2016-05-05", "F", "5", "2026-11-23", "", "N"],
    ]
    result = import_file(
        "pupils", write(tmp_path / "pupils.csv", text_of(PUPILS, rows)), user=world["officer_a"]
    )
    assert (result.rows, result.created) == (2, 2)
    assert result.notes == [
        "pupils.csv:2: upn: already registered at another school: the LA will confirm the transfer"
    ]
    assert "Beech" not in result.summary() and pupil_b.legal_forename not in result.summary()
    pupil_b.refresh_from_db()
    assert (pupil_b.legal_forename, pupil_b.child_protection_plan) == ("PupilB", True)
    assert Enrolment.objects.get(pupil=pupil_b, school=world["b"]).leaving_date is None
    made = Enrolment.objects.get(pupil=pupil_b, school=a)
    assert made.admission_date.isoformat() == "2026-11-23"
    transfer = Transfer.objects.get()
    assert (transfer.pupil, transfer.to_school, transfer.enrolment, transfer.status) == (
        pupil_b,
        a,
        made,
        "pending",
    )
    assert list(transfer.from_schools.all()) == [world["b"]]
    assert (transfer.created_by, transfer.file_line) == (world["officer_a"], "pupils.csv:2")
    assert Pupil.objects.get(upn=NEW_UPN).legal_forename == "Nina"

    # The next night's import of the same file succeeds, changes nothing of B's and makes no second transfer.
    again = import_file(
        "pupils", write(tmp_path / "pupils.csv", text_of(PUPILS, rows)), user=world["officer_a"]
    )
    assert (again.created, again.unchanged) == (0, 2) and len(again.notes) == 1
    assert Transfer.objects.count() == 1
    pupil_b.refresh_from_db()
    assert pupil_b.legal_forename == "PupilB"


def test_after_the_la_confirms_the_new_school_keeps_the_pupils_details(tmp_path, world):
    a, pupil_b = world["a"], world["pupil_b"]
    row = pupil_row(pupil_b, a, admission_date="2026-11-23")
    import_file("pupils", write(tmp_path / "p.csv", text_of(PUPILS, [row])), user=world["officer_a"])
    Transfer.objects.update(status=Transfer.Status.CONFIRMED)
    changed = pupil_row(pupil_b, a, admission_date="2026-11-23", legal_surname="Newname")
    result = import_file(
        "pupils", write(tmp_path / "p.csv", text_of(PUPILS, [changed])), user=world["officer_a"]
    )
    assert result.notes == [] and result.updated == 1
    assert Pupil.objects.get(pk=pupil_b.pk).legal_surname == "Newname"


def test_the_whole_service_import_changes_any_pupil(tmp_path, world):
    row = pupil_row(world["pupil_b"], world["b"], legal_forename="Renamed")
    result = import_file("pupils", write(tmp_path / "p.csv", text_of(PUPILS, [row])))
    assert result.updated == 1 and result.notes == []
    assert Pupil.objects.get(pk=world["pupil_b"].pk).legal_forename == "Renamed"


def test_contact_refs_belong_to_the_school_that_sent_them(tmp_path, world):
    """Finding 3: A's contacts file names MIS-7, which is also B's contact's reference: B's contact keeps its
    phone and address; A gets its own contact."""
    a, pupil_a, contact_b = world["a"], world["pupil_a"], world["contact_b"]
    row = ["MIS-7", pupil_a.upn, "Mother", "Parent", "A", "07700900666", "Attacker Road"]
    result = import_file(
        "contacts", write(tmp_path / "c.csv", text_of(CONTACTS, [row])), user=world["officer_a"]
    )
    assert result.rows == 1
    contact_b.refresh_from_db()
    assert (contact_b.phone_mobile, contact_b.address_line1) == ("07700900002", "B Street")
    mine = Contact.objects.get(source_school=a, contact_ref="MIS-7")
    assert (mine.phone_mobile, mine.address_line1) == ("07700900666", "Attacker Road")
    assert [link.pupil for link in mine.pupil_links.all()] == [pupil_a]


def test_a_contact_shared_with_another_schools_pupil_cannot_be_changed(tmp_path, world):
    pupil_a, contact_a = world["pupil_a"], world["contact_a"]
    contact_a.pupil_links.create(pupil=world["pupil_b"], relationship="Mother")  # siblings, one moved to B
    before = checksum()
    row = ["MIS-7", pupil_a.upn, "Mother", "Parent", "A", "07700900666", "A Street"]
    failed = refused("contacts", write(tmp_path / "c.csv", text_of(CONTACTS, [row])), world["officer_a"])
    assert failed.messages == [
        "c.csv:2: contact_ref: contact MIS-7 is shared with pupils outside your schools: it cannot be changed here"
    ]
    assert checksum() == before
    unchanged = ["MIS-7", pupil_a.upn, "Mother", "Parent", "A", "07700900001", "A Street"]
    assert (
        import_file(
            "contacts", write(tmp_path / "c.csv", text_of(CONTACTS, [unchanged])), user=world["officer_a"]
        ).unchanged
        == 1
    )


def test_a_very_long_ctf_forename_is_a_problem_not_a_database_error(tmp_path, world):
    from attend.registers.imports.ctf import export_ctf

    path = tmp_path / "transfer.xml"
    export_ctf(world["a"], path)
    text = path.read_text().replace("<Forename>PupilA</Forename>", f"<Forename>{'x' * 5000}</Forename>")
    failed = refused("ctf", write(path, text), None)
    assert len(failed.messages) == 1 and failed.messages[0].endswith(
        ": Pupil/legal_forename: longer than 100 characters"
    )
    assert failed.messages[0].startswith("transfer.xml:")


def test_each_import_is_audited_with_its_checksum_counts_and_protected_changes(tmp_path, world):
    la_officer = world["la_officer"]
    rows = [pupil_row(world["pupil_a"], world["a"], child_protection_plan="Y")]
    path = write(tmp_path / "pupils.csv", text_of(PUPILS, rows))
    result = import_file("pupils", path, user=la_officer)
    event = AuditEvent.objects.get(action="registers.import.completed")
    assert (event.actor, event.object_id) == (la_officer, str(result.import_run_id))
    assert event.data["file"] == "pupils.csv" and len(event.data["sha256"]) == 64
    assert event.data["counts"] == {"pupils": {"changed": 1}}
    changed = AuditEvent.objects.get(action="registers.pupil_details.changed")
    assert (changed.pupil, changed.data["fields"]) == (world["pupil_a"], ["child_protection_plan"])
    moved = ["MIS-7", world["pupil_a"].upn, "Mother", "Parent", "A", "07700900001", "New Street"]
    import_file(
        "contacts",
        write(tmp_path / "c.csv", text_of(CONTACTS + ["school_urn"], [moved + ["100001"]])),
        user=la_officer,
    )
    address = AuditEvent.objects.filter(action="registers.pupil_details.changed").order_by("pk").last()
    assert (address.pupil, address.data["fields"]) == (world["pupil_a"], ["address"])
    assert AuditEvent.objects.filter(action="registers.import.completed").count() == 2


def test_calendar_rows_for_another_school_are_refused_but_own_rows_import(tmp_path, world):
    rows = [[str(world["a"].urn), "planned_closure", "2026-11-26", "", "", "Snow"]]
    assert (
        import_file(
            "calendar", write(tmp_path / "cal.csv", text_of(CALENDAR, rows)), user=world["officer_a"]
        ).created
        == 1
    )
