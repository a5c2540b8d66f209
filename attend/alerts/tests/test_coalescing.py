"""Imports landing while an evaluation waits are folded into it: one evaluation over the union of their schools
and enrolments, run by the real database worker (issue 22)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django_tasks_db.models import DBTaskResult

from attend.alerts.models import Alert
from attend.alerts.receivers import narrowed_to, on_import_completed
from attend.alerts.tasks import evaluate_schools
from attend.jobs.tests.worker import run_queued_tasks
from attend.registers.imports import import_file

from .factories import fill_marks, make_enrolment, make_school, weekdays

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 11, 20)  # a Thursday in term
DAYS = weekdays(D(2025, 10, 16), D(2025, 11, 19), skip=())[-20:]  # the 20 school days before today


@pytest.fixture(autouse=True)
def _task_mode(settings, monkeypatch):
    settings.ALERTS_AFTER_IMPORT = "task"
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def _import(tmp_path, enrolment, capture, absent_days=2):
    """A marks file for 20 days, the first `absent_days` of them absent (2 of 20 days: exactly 10%)."""
    path = tmp_path / f"marks-{enrolment.pk}.csv"
    lines = ["upn,school_urn,date,session,code"]
    for i, day in enumerate(DAYS):
        for session in ("AM", "PM"):
            code = "O" if i < absent_days else ("/" if session == "AM" else "\\")
            lines.append(f"{enrolment.pupil.upn},{enrolment.school.urn},{day.isoformat()},{session},{code}")
    path.write_text("\n".join(lines) + "\n")
    with capture(execute=True):
        import_file("marks", path)


def _waiting() -> list[dict]:
    rows = DBTaskResult.objects.filter(task_path=evaluate_schools.module_path, status="READY")
    return [r.args_kwargs["kwargs"] for r in rows.order_by("enqueued_at")]


def _run_worker() -> list[str]:
    """Run everything queued (the statistics refresh the imports queue too); the evaluations' end states."""
    run_queued_tasks()
    rows = DBTaskResult.objects.filter(task_path=evaluate_schools.module_path).order_by("enqueued_at")
    return list(rows.values_list("status", flat=True))


def _pa(enrolment) -> bool:
    return Alert.objects.filter(enrolment=enrolment, rule="persistent_absence", status="new").exists()


def test_three_imports_while_an_evaluation_waits_cost_one_evaluation_of_their_enrolments(
    tmp_path, django_capture_on_commit_callbacks
):
    school, other = make_school(), make_school()
    first, second, third = make_enrolment(school), make_enrolment(school), make_enrolment(other)
    untouched = make_enrolment(school)
    fill_marks(untouched, DAYS, {(d, s): "O" for d in DAYS[:4] for s in ("AM", "PM")})  # 20%, not imported
    for enrolment in (first, second, third):
        _import(tmp_path, enrolment, django_capture_on_commit_callbacks)
    _import(tmp_path, first, django_capture_on_commit_callbacks)  # the same file again: already covered
    assert _waiting() == [
        {
            "school_ids": sorted([school.pk, other.pk]),
            "as_of": None,
            "enrolment_ids": sorted([first.pk, second.pk, third.pk]),
        }
    ]
    assert _run_worker() == ["SUCCESSFUL"]
    outcome = DBTaskResult.objects.get(task_path=evaluate_schools.module_path).return_value
    assert (outcome["schools"], outcome["pupils"]) == (2, 3)
    # (Today's registers are not in: missing_register may fire for the schools, depending on the time of day.)
    assert Alert.objects.filter(enrolment__isnull=False).count() == 3
    assert _pa(first) and _pa(second) and _pa(third) and not _pa(untouched)


def test_a_started_evaluation_does_not_count_an_import_after_it_queues_another(
    tmp_path, django_capture_on_commit_callbacks
):
    school = make_school()
    first, second = make_enrolment(school), make_enrolment(school)
    _import(tmp_path, first, django_capture_on_commit_callbacks)
    started = DBTaskResult.objects.get(task_path=evaluate_schools.module_path)
    started.claim("another-worker")  # RUNNING: its arguments are fixed
    _import(tmp_path, second, django_capture_on_commit_callbacks)
    started.refresh_from_db()
    assert started.args_kwargs["kwargs"]["enrolment_ids"] == [first.pk]
    assert _waiting() == [{"school_ids": [school.pk], "as_of": None, "enrolment_ids": [second.pk]}]
    assert _run_worker() == ["RUNNING", "SUCCESSFUL"]
    assert _pa(second) and not _pa(first)  # the first's evaluation is the other worker's


def test_a_whole_school_import_widens_the_waiting_evaluation_to_the_whole_school(
    tmp_path, django_capture_on_commit_callbacks
):
    school, other = make_school(), make_school()
    first = make_enrolment(school)
    untouched = make_enrolment(other)
    fill_marks(untouched, DAYS, {(d, s): "O" for d in DAYS[:4] for s in ("AM", "PM")})
    _import(tmp_path, first, django_capture_on_commit_callbacks)
    # A pupils file for the other school (its result names the school, no enrolments): every pupil there.
    on_import_completed(None, kind="pupils", result=SimpleNamespace(school_ids={other.pk}, latest_date=None))
    assert _waiting() == [{"school_ids": sorted([school.pk, other.pk]), "as_of": None, "enrolment_ids": None}]
    # A later marks file for a school already evaluated whole adds nothing.
    on_import_completed(
        None,
        kind="marks",
        result=SimpleNamespace(school_ids={other.pk}, latest_date=TODAY, enrolment_ids=[9]),
    )
    assert len(_waiting()) == 1 and _waiting()[0]["enrolment_ids"] is None
    assert _run_worker() == ["SUCCESSFUL"]
    assert _pa(first) and _pa(untouched)


def test_an_evaluation_of_another_day_is_not_merged():
    school = make_school()
    on_import_completed(
        None, kind="calendar", result=SimpleNamespace(school_ids={school.pk}, latest_date=None)
    )
    old_year = SimpleNamespace(school_ids={school.pk}, latest_date=D(2025, 7, 18), enrolment_ids=[1])
    on_import_completed(None, kind="marks", result=old_year)
    assert [w["as_of"] for w in _waiting()] == [None, "2025-07-18"]


def test_only_marks_imports_are_narrowed():
    carried = SimpleNamespace(enrolment_ids=[5, 3])
    assert narrowed_to("marks", carried) == [3, 5]
    assert narrowed_to("marks", SimpleNamespace(enrolment_ids=[])) == []
    assert narrowed_to("marks", SimpleNamespace()) is None  # a result that does not say: the whole school
    for kind in ("pupils", "ctf", "calendar"):
        assert narrowed_to(kind, carried) is None
