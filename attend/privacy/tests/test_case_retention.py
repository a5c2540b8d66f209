"""Retention of cases: closed more than ATTEND_RETENTION_CASEWORK_YEARS ago, a case goes with its chronology
(append-only, so inside the erasure permit) and its documents' files; open and recently closed cases stay, and
so do their pupils. Nothing is due until the LA sets the policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from attend.casework.attachments import add_attachment, folder
from attend.casework.cases import open_case
from attend.casework.chronology import record_entry
from attend.casework.models import Attachment, Case, ChronologyEntry, StageChange
from attend.casework.tests.caseapi_world import make_caseworld
from attend.core.tests.factories import make_pupil
from attend.people.models import Pupil
from attend.privacy.retention import retention_apply, retention_report

AS_OF = dt.date(2032, 9, 1)


def closed_on(case: Case, day: dt.date) -> None:
    at = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))
    Case.objects.filter(pk=case.pk).update(status="closed", close_reason="improved", closed_at=at)


@pytest.fixture
def w(db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    settings.VAR_DIR = tmp_path
    w = make_caseworld()
    amy_case = w["amy_case"]
    wrong = record_entry(amy_case, kind="phone_call", summary="Rang mother", outcome="no_answer")
    record_entry(amy_case, kind="phone_call", summary="Rang father", corrects=wrong)
    add_attachment(amy_case, SimpleUploadedFile("gp.pdf", b"%PDF-1.4\n%%EOF\n"), by=w["la_officer"],
                   description="GP letter")  # fmt: skip
    StageChange.objects.create(
        case=amy_case, from_stage="listen", to_stage="facilitate", reason="Plan agreed"
    )
    closed_on(amy_case, dt.date(2026, 7, 20))  # due 6 years later: from 21 July 2032
    # Ben's case closed last year (not due); Kit's case open.
    ben_case, _ = open_case(by=None, pupil=w["ben"], school=w["beech"])
    closed_on(ben_case, dt.date(2031, 12, 1))
    w["ben_case"] = ben_case
    return w


def counts(reports) -> dict[str, int]:
    return {r.category.name: r.rows for r in reports}


def test_nothing_is_due_until_the_la_sets_a_policy(w):
    report = next(r for r in retention_report(as_of=AS_OF) if r.category.name == "cases")
    assert (report.rows, report.note) == (0, "no LA policy set (ATTEND_RETENTION_CASEWORK_YEARS): kept")
    assert retention_apply(as_of=AS_OF).deleted["cases"] == 0
    assert Case.objects.count() == 3


def test_exactly_the_due_cases_go_with_their_chronology_and_files(
    w, settings, django_capture_on_commit_callbacks
):
    settings.ATTEND_RETENTION_CASEWORK_YEARS = 6
    assert counts(retention_report(as_of=dt.date(2032, 7, 20)))["cases"] == 0
    report = next(r for r in retention_report(as_of=AS_OF) if r.category.name == "cases")
    assert (report.rows, report.oldest, report.note) == (
        1, dt.date(2026, 7, 20), "with 4 chronology entries and 1 documents",
    )  # fmt: skip
    assert report.by_school == [(f"{w['alder'].urn} Alder Primary", 1)]
    stored = folder() / Attachment.objects.get().stored_as
    with django_capture_on_commit_callbacks(execute=True):
        result = retention_apply(as_of=AS_OF)
    assert result.deleted["cases"] == 1
    assert sorted(Case.objects.values_list("ref", flat=True)) == sorted(
        [w["ben_case"].ref, w["kit_case"].ref]
    )
    assert not ChronologyEntry.objects.filter(case_id=w["amy_case"].pk).exists()
    assert not Attachment.objects.exists()
    assert not stored.exists()  # removed once the deletion is committed
    assert not StageChange.objects.exists()
    assert retention_apply(as_of=AS_OF).deleted["cases"] == 0  # idempotent
    # Outside retention the chronology is still append-only.
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyEntry.objects.filter(case=w["ben_case"]).delete()


def test_a_pupil_is_kept_while_their_case_is(w, settings):
    settings.ATTEND_RETENTION_CASEWORK_YEARS = 6
    # Left school long ago: nothing but the (recently closed) case keeps them.
    gone = make_pupil(surname="Gone")
    case, _ = open_case(by=None, pupil=gone, school=w["alder"])
    closed_on(case, dt.date(2031, 12, 1))
    retention_apply(as_of=AS_OF)
    assert Pupil.objects.filter(pk=gone.pk).exists()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.make_aware(dt.datetime(2026, 1, 5, 12)))
    retention_apply(as_of=AS_OF)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Pupil.objects.filter(pk=gone.pk).exists() or Pupil.objects.get(pk=gone.pk).upn.startswith(
        "ERASED"
    )
