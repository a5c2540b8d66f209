"""Retention keeps the LA's deletion returns (and CME records) and the pupil, enrolment and case they name, instead
of failing on the append-only, protected rows (attend/cme/retention.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from attend.casework.cases import close_case, open_case
from attend.cme.models import CmeEnquiry, RollDeletion
from attend.cme.roll import record_deletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Enrolment, Pupil
from attend.privacy.retention import retention_apply, retention_report
from attend.registers.models import Mark

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2032, 8, 1)  # register cutoff 1 August 2026: 2025/26 and before are due


def _left(school, surname: str) -> Enrolment:
    pupil = make_pupil(surname=surname)
    enrolment = Enrolment.objects.create(
        pupil=pupil, school=school, admission_date=dt.date(2020, 9, 1), nc_year="6"
    )
    Mark.objects.create(enrolment=enrolment, date=dt.date(2026, 7, 10), session="AM", code="/")
    return enrolment


def test_retention_keeps_a_pupil_with_a_deletion_return_and_removes_one_without(
    monkeypatch, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    settings.ATTEND_RETENTION_CASEWORK_YEARS = 6
    monkeypatch.setenv("ATTEND_TODAY", "2026-07-20")
    school = make_school(la=make_la(), name="Riverside Primary")
    kept = _left(school, "Kept")
    deletion = record_deletion(
        by=None, enrolment=kept, ground="h", deleted_on=dt.date(2026, 7, 20), note="Gone"
    )
    plain = _left(school, "Plain")
    Enrolment.objects.filter(pk=plain.pk).update(leaving_date=dt.date(2026, 7, 20))
    officer = make_user("officer")
    case, _ = open_case(by=officer, pupil=kept.pupil, school=school)
    CmeEnquiry.objects.create(
        ref="CME-000001", case=case, pupil=kept.pupil, school=school, local_authority=school.local_authority,
        source="deletion", concern="Left with no destination", opened_at=timezone.now(),
    )  # fmt: skip
    close_case(case, "improved", "Found", officer)
    case.__class__.objects.filter(pk=case.pk).update(
        closed_at=timezone.make_aware(dt.datetime(2024, 6, 3, 12))
    )  # more than six years before AS_OF: due, but for the enquiry
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())
    counts = {r.category.name: r.rows for r in retention_report(as_of=AS_OF)}
    assert counts["cases"] == 0
    retention_apply(as_of=AS_OF)
    call_command(
        "retention", "report", "--as-of", AS_OF.isoformat()
    )  # the command's report does not fail either
    assert RollDeletion.objects.filter(pk=deletion.pk).exists()
    assert Enrolment.objects.filter(pk=kept.pk).exists() and Pupil.objects.filter(pk=kept.pupil_id).exists()
    assert case.__class__.objects.filter(pk=case.pk).exists()
    assert not Enrolment.objects.filter(pk=plain.pk).exists()
    assert not Mark.objects.filter(enrolment=kept).exists()  # the register itself still goes after six years
