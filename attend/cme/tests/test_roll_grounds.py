"""The other grounds' conditions, the date rules, append-only returns and the concerns stored in words."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from attend.audit.models import AuditEvent
from attend.cme.models import HomeEducation, RollDeletion
from attend.cme.roll import DeletionRefused, record_deletion
from attend.core.tests.factories import make_la, make_pupil, make_school
from attend.registers.models import Mark

from .roll_world import TODAY, D, set_marks, world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def _ehe(pupil, school, **fields) -> HomeEducation:
    return HomeEducation.objects.create(
        ref=f"EHE-{pupil.pk:06d}", pupil=pupil, school=school, local_authority=school.local_authority,
        notice_received_on=D(2025, 11, 17), notice_from_name="Sara Ahmed", **fields,
    )  # fmt: skip


def test_a_date_in_the_future_is_refused():
    w = world()
    with pytest.raises(DeletionRefused, match="cannot be in the future"):
        record_deletion(
            by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=D(2025, 11, 20), note="x"
        )


def test_a_date_before_the_last_present_mark_is_refused_and_the_day_itself_is_allowed():
    w = world()
    set_marks(w["enrolment"], D(2025, 11, 3), D(2025, 11, 14), "/")
    with pytest.raises(DeletionRefused, match="present on 14 November 2025"):
        record_deletion(
            by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=D(2025, 11, 13), note="x"
        )
    deletion = record_deletion(
        by=w["lead"],
        enrolment=w["enrolment"],
        ground="k",
        deleted_on=D(2025, 11, 14),
        note="Told by the father",
    )
    assert deletion.deleted_on == D(2025, 11, 14)


def test_ground_a_needs_the_new_school_and_a_named_school_raises_no_concern():
    w = world()
    with pytest.raises(DeletionRefused, match="name the school"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="a", deleted_on=TODAY)
    other = make_school(la=w["la"], name="Hillside Primary")
    deletion = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="a", deleted_on=TODAY, destination_school=other
    )
    assert deletion.concerns == []
    assert deletion.destination_school == other


def test_ground_a_with_only_a_note_is_allowed_with_a_concern():
    w = world()
    deletion = record_deletion(
        by=w["lead"],
        enrolment=w["enrolment"],
        ground="a",
        deleted_on=TODAY,
        destination_note="A school in Leeds",
    )
    assert deletion.concerns == [
        "Ground (a) with no destination school named: the new school's registration is unconfirmed."
    ]


def test_ground_f_needs_the_notice_and_for_an_la_placed_special_school_pupil_consent():
    w = world()
    with pytest.raises(DeletionRefused, match="record the parent's notice"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="f", deleted_on=TODAY)
    notice = _ehe(w["pupil"], w["school"], special_school_la_placed=True, consent="pending")
    with pytest.raises(DeletionRefused, match=r"only with the LA's consent \(reg 9\(3\)\)"):
        record_deletion(
            by=w["lead"], enrolment=w["enrolment"], ground="f", deleted_on=TODAY, home_education=notice
        )
    assert RollDeletion.objects.count() == 0
    HomeEducation.objects.filter(pk=notice.pk).update(consent="given")
    notice.refresh_from_db()
    deletion = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="f", deleted_on=TODAY, home_education=notice
    )
    assert deletion.home_education == notice


def test_ground_f_with_another_childs_notice_is_refused():
    w = world()
    other = make_pupil(school=w["school"], surname="Brown")
    notice = _ehe(other, w["school"])
    with pytest.raises(DeletionRefused, match="record the parent's notice"):
        record_deletion(
            by=w["lead"], enrolment=w["enrolment"], ground="f", deleted_on=TODAY, home_education=notice
        )


def test_ground_l_only_at_the_end_of_year_11():
    w = world()
    with pytest.raises(DeletionRefused, match="end of Year 11"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="l", deleted_on=TODAY)
    school = make_school(la=w["la"], name="Northshire High")
    pupil = make_pupil(surname="Young")
    pupil.date_of_birth = D(2010, 3, 1)
    pupil.save()
    year_11 = pupil.enrolments.create(school=school, admission_date=D(2021, 9, 1), nc_year="11")
    deletion = record_deletion(by=w["lead"], enrolment=year_11, ground="l", deleted_on=TODAY)
    assert deletion.concerns == []


@pytest.mark.parametrize("ground", ["k", "o", "j", "g", "h"])
def test_grounds_stated_in_words_need_a_note(ground):
    w = world()
    with pytest.raises(DeletionRefused, match="say what the school knows"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground=ground, deleted_on=TODAY, note="  ")
    assert record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground=ground, deleted_on=TODAY, note="Seen"
    )


def test_not_given_only_from_an_import():
    w = world()
    with pytest.raises(DeletionRefused, match="only an import"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="not_given", deleted_on=TODAY)


def test_a_second_return_must_be_a_correction_and_the_rows_are_append_only():
    w = world()
    first = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="h", deleted_on=TODAY, note="Not back"
    )
    with pytest.raises(DeletionRefused, match="already has a deletion return"):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=TODAY, note="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        RollDeletion.objects.filter(pk=first.pk).update(ground="k")
    with pytest.raises(DatabaseError), transaction.atomic():
        RollDeletion.objects.filter(pk=first.pk).delete()
    second = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="j", deleted_on=TODAY, note="Detained", corrects=first
    )
    assert second.corrects == first
    assert RollDeletion.objects.get(pk=first.pk).ground == "h"
    with pytest.raises(DeletionRefused, match="already been corrected"):
        record_deletion(
            by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=TODAY, note="x", corrects=first
        )


def test_the_deletion_and_the_leaving_date_are_audited():
    w = world()
    deletion = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="k", deleted_on=TODAY, note="Died"
    )
    event = AuditEvent.objects.get(action="cme.deletion.recorded")
    assert event.pupil == w["pupil"] and event.object_id == str(deletion.pk)
    assert event.data["after"] == {"leaving_date": "2025-11-19"}
    assert event.data["before"] == {"leaving_date": None}


def test_vulnerable_pupils_and_a_g_ground_in_the_same_la_are_concerns():
    w = world()
    w["pupil"].sen_status = "E"
    w["pupil"].child_protection_plan = True
    w["pupil"].looked_after = True
    w["pupil"].save()
    deletion = record_deletion(
        by=w["lead"],
        enrolment=w["enrolment"],
        ground="g",
        deleted_on=TODAY,
        note="Moved",
        destination_la=w["la"],
    )
    assert deletion.concerns == [
        "Ground (g) but the family still lives in this LA: is the school really beyond reasonable distance?",
        "The pupil has an EHC plan (off-rolling falls hardest on pupils with SEND).",
        "The pupil is on a child protection plan.",
        "The pupil is looked after: tell the virtual school.",
    ]


def test_g_to_another_la_is_no_concern():
    w = world()
    elsewhere = make_la("330", "Birmingham")
    deletion = record_deletion(
        by=w["lead"],
        enrolment=w["enrolment"],
        ground="g",
        deleted_on=TODAY,
        note="Moved",
        destination_la=elsewhere,
    )
    assert deletion.concerns == []


def test_a_year_11_deletion_before_the_january_census_is_a_concern():
    w = world()
    school = make_school(la=w["la"], name="Northshire High")
    pupil = make_pupil(surname="Young")
    year_11 = pupil.enrolments.create(school=school, admission_date=D(2021, 9, 1), nc_year="11")
    Mark.objects.create(enrolment=year_11, date=D(2025, 11, 3), session="AM", code="/")
    deletion = record_deletion(by=w["lead"], enrolment=year_11, ground="h", deleted_on=TODAY, note="Not back")
    assert deletion.concerns == [
        "A Year 11 pupil removed before the January census (not a ground (a) move or (l))."
    ]


def test_ground_c_only_for_a_dual_registered_pupil():
    w = world()
    with pytest.raises(
        DeletionRefused, match=r"Ground \(c\) is for a pupil registered at more than one school"
    ):
        record_deletion(by=w["lead"], enrolment=w["enrolment"], ground="c", deleted_on=TODAY, note="Consent")
    w["enrolment"].registration = "subsidiary"
    w["enrolment"].save()
    deletion = record_deletion(
        by=w["lead"], enrolment=w["enrolment"], ground="c", deleted_on=TODAY, note="Main school consents"
    )
    assert deletion.ground == "c"
