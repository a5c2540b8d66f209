"""Stage, status, assignment, linking, corrections and approved removals: the exact chronology each leaves."""

import pytest
from django.db import DatabaseError, transaction

from attend.audit.models import AuditEvent
from attend.casework import cases
from attend.casework.chronology import (
    EntryRefused,
    approve_removal,
    correct_entry,
    erase_cases,
    record_entry,
    refuse_removal,
    request_removal,
)
from attend.casework.models import Attachment, Case, ChronologyEntry, EntryRemoval, PathwayStep, StageChange
from attend.core.locking import VersionConflict

from .cases_world import TODAY, at, make_case_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    world = make_case_world()
    world["case"], _ = cases.open_case(
        by=world["la_officer"], pupil=world["maya"], school=world["alder"], occurred_at=at(TODAY, 9)
    )
    return world


def summaries(case):
    return list(case.entries.order_by("id").values_list("kind", "summary"))


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_changing_the_stage_records_who_when_why_and_puts_it_on_the_chronology(w):
    case, lena = w["case"], w["la_officer"]
    step = PathwayStep.objects.create(local_authority=w["north"], stage="facilitate", name="Stage 2 letter")
    cases.change_stage(case, "facilitate", "Mother agreed to an early help assessment", lena, step, version=1)
    case.refresh_from_db()
    assert (case.stage, case.pathway_step, case.version) == ("facilitate", step, 2)
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        "listen",
        "facilitate",
        lena,
        "Mother agreed to an early help assessment",
    )
    assert summaries(case)[-1] == (
        "stage_change",
        "Stage changed from Listen and understand to Facilitate support (Stage 2 letter): "
        "Mother agreed to an early help assessment",
    )
    assert actions()[-2:] == ["casework.entry.recorded", "casework.case.stage_changed"]


def test_a_stage_change_needs_a_reason_a_real_step_and_the_version_the_officer_saw(w):
    case, lena = w["case"], w["la_officer"]
    with pytest.raises(EntryRefused, match="Enter why the stage is changing"):
        cases.change_stage(case, "facilitate", "  ", lena)
    other_la_step = PathwayStep.objects.create(local_authority=w["south"], stage="facilitate", name="S2")
    with pytest.raises(EntryRefused, match="not a step of this stage"):
        cases.change_stage(case, "facilitate", "Why", lena, other_la_step)
    cases.change_stage(case, "facilitate", "First officer", lena, version=1)
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(VersionConflict, match="Someone else changed case CW-000001"):
        cases.change_stage(stale, "formalise", "Second officer", w["la_manager"], version=1)
    assert Case.objects.get(pk=case.pk).stage == "facilitate"
    assert StageChange.objects.count() == 1


def test_closing_needs_a_reason_and_summary_and_reopening_refuses_a_second_open_case(w):
    case, lena = w["case"], w["la_officer"]
    with pytest.raises(EntryRefused, match="Choose why the case is closing"):
        cases.close_case(case, "", "Better", lena)
    with pytest.raises(EntryRefused, match="Enter a closing summary"):
        cases.close_case(case, "improved", "", lena)
    cases.close_case(case, "improved", "96% over the last six weeks", lena)
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.closed_by) == ("closed", "improved", lena)
    assert summaries(case)[-1] == (
        "status_change",
        "Case closed (Attendance improved): 96% over the last six weeks",
    )
    second, created = cases.open_case(by=lena, pupil=w["maya"], school=w["alder"])
    assert created and second.ref == "CW-000002"
    with pytest.raises(
        EntryRefused, match="Maya Okafor already has an open case, CW-000002: add to that one"
    ):
        cases.reopen_case(case, "Absence again", lena)
    cases.close_case(second, "left_roll", "Moved away", lena)
    cases.reopen_case(case, "Absent again since half-term", lena)
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.close_summary) == ("open", "", "")
    assert summaries(case)[-1] == ("status_change", "Case reopened: Absent again since half-term")
    assert "casework.case.reopened" in actions()


def test_assigning_checks_the_officers_and_the_version(w):
    case, lena, amira = w["case"], w["la_officer"], w["alder_officer"]
    with pytest.raises(EntryRefused, match="Choose a school lead from the case's school"):
        cases.assign(case, lena, w["beech_officer"], "", lena, 1)
    with pytest.raises(EntryRefused, match="Choose an LA officer"):
        cases.assign(case, amira, None, "", lena, 1)
    cases.assign(case, lena, amira, "Sam Patel, Early Help key worker", lena, 1)
    case.refresh_from_db()
    assert (case.la_officer, case.school_lead, case.lead_practitioner, case.version) == (
        lena,
        amira,
        "Sam Patel, Early Help key worker",
        2,
    )
    assert summaries(case)[-1] == (
        "note",
        "Case held by: LA officer Lena Shah; school lead Amira Khan; lead practitioner Sam Patel, Early Help key worker",
    )
    with pytest.raises(VersionConflict) as lost:
        cases.assign(case, w["la_manager"], None, "", w["la_manager"], 1)
    assert "held by LA officer Lena Shah, school lead Amira Khan" in str(lost.value)
    event = AuditEvent.objects.get(action="casework.case.assigned")
    assert event.data["after"]["school_lead"] == "Amira Khan" and event.data["before"]["la_officer"] == ""


def test_a_child_not_on_roll_is_linked_to_the_pupil_record_once_there_is_one(w):
    lena = w["la_officer"]
    child = {"forename": "Ada", "surname": "Nowak", "address": "9 Quay St", "postcode": "NO1 9QQ"}
    case, _ = cases.open_case(
        by=lena, local_authority=w["north"], child=child, reason="New arrival, no school"
    )
    record_entry(case, kind="phone_call", summary="Spoke to father", by=lena, outcome="spoke_to_parent")
    ada = w["maya"].__class__.objects.create(
        upn="A201200024999",
        legal_forename="Ada",
        legal_surname="Nowak",
        date_of_birth=TODAY.replace(year=2016),
        sex="F",
    )
    cases.link_to_pupil(case, ada, lena)
    case.refresh_from_db()
    assert case.pupil == ada and case.local_authority == w["north"]
    assert summaries(case)[-1] == (
        "note",
        "Linked to the pupil record of Ada Nowak (UPN A201200024999); opened for a child named Ada Nowak",
    )
    with pytest.raises(EntryRefused, match="already about Ada Nowak"):
        cases.link_to_pupil(case, w["maya"], lena)


def test_a_correction_is_a_new_entry_and_the_original_is_untouched(w):
    case, lena = w["case"], w["la_officer"]
    call = record_entry(
        case, kind="phone_call", summary="No answer", by=lena, outcome="no_answer", occurred_at=at(TODAY, 11)
    )
    fix = correct_entry(call, lena, "Voicemail left, not no answer", outcome="voicemail")
    assert (fix.corrects, fix.kind, fix.occurred_at, fix.outcome) == (
        call,
        "phone_call",
        at(TODAY, 11),
        "voicemail",
    )
    call.refresh_from_db()
    assert (call.summary, call.outcome) == ("No answer", "no_answer")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyEntry.objects.filter(pk=call.pk).update(summary="rewritten")


def test_removal_needs_a_different_manager_and_keeps_who_why_when_but_not_the_content(
    w, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    case, amira, hal, mo = w["case"], w["alder_officer"], w["alder_head"], w["la_manager"]
    wrong = record_entry(case, kind="note", summary="Sibling's GP appointment details", by=amira)
    fix = correct_entry(wrong, amira, "Sibling's GP appointment on Friday")
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "a1.pdf").write_bytes(b"%PDF-1.4")
    Attachment.objects.create(
        entry=wrong,
        filename="gp.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        stored_as="a1.pdf",
    )
    with pytest.raises(EntryRefused, match="Ask to remove the entry this correction corrects"):
        request_removal(fix, amira, "Wrong child")
    removal = request_removal(wrong, amira, "Filed on Maya's case; it is about her brother")
    with pytest.raises(EntryRefused, match="already been asked for"):
        request_removal(wrong, amira, "again")
    with pytest.raises(EntryRefused, match="Only a manager"):
        approve_removal(removal, amira)
    with pytest.raises(EntryRefused, match="Only a manager"):
        approve_removal(removal, w["cedar_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        approve_removal(removal, hal)
    assert not ChronologyEntry.objects.filter(pk__in=[wrong.pk, fix.pk]).exists()
    assert not Attachment.objects.exists() and not (tmp_path / "attachments" / "a1.pdf").exists()
    removal.refresh_from_db()
    assert (removal.requested_by, removal.approved_by, removal.entry_id_removed, removal.pending_entry) == (
        amira,
        hal,
        wrong.pk,
        None,
    )
    assert removal.reason == "Filed on Maya's case; it is about her brother"
    event = AuditEvent.objects.get(action="casework.entry.removed")
    assert event.data["entries"] == 2 and "GP" not in str(event.data)
    with pytest.raises(EntryRefused, match="already been decided"):
        approve_removal(removal, mo)


def test_the_manager_who_asked_cannot_approve_and_a_refusal_keeps_the_entry(w):
    case, hal, mo = w["case"], w["alder_head"], w["la_manager"]
    entry = record_entry(case, kind="note", summary="Maya's words at the meeting", by=hal)
    removal = request_removal(entry, hal, "I think this is her cousin")
    with pytest.raises(EntryRefused, match="Another manager must approve a removal you asked for"):
        approve_removal(removal, hal)
    refuse_removal(removal, mo)
    assert ChronologyEntry.objects.filter(pk=entry.pk).exists() and not EntryRemoval.objects.exists()
    assert "casework.removal.refused" in actions()


def test_retention_erases_whole_cases_only_through_the_permit(w):
    case, lena = w["case"], w["la_officer"]
    call = record_entry(case, kind="phone_call", summary="No answer", by=lena, outcome="no_answer")
    fix = correct_entry(call, lena, "Voicemail")
    correct_entry(fix, lena, "Voicemail on the landline")
    cases.change_stage(case, "facilitate", "Agreed support", lena)
    other, _ = cases.open_case(by=lena, pupil=w["kit"], school=w["cedar"])
    with pytest.raises(DatabaseError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert erase_cases([case.pk]) == 1
    assert not Case.objects.filter(pk=case.pk).exists() and not StageChange.objects.exists()
    assert list(ChronologyEntry.objects.values_list("case_id", flat=True)) == [other.pk]
