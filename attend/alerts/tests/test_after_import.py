"""Rules are evaluated after every committed import of register data (import_completed), as a background task
by default."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django_tasks_db.models import DBTaskResult

from attend.alerts.models import Alert
from attend.alerts.receivers import evaluation_args
from attend.alerts.tasks import evaluate_schools
from attend.registers.imports import import_file

from .factories import fill_marks, make_enrolment, make_school, weekdays

pytestmark = pytest.mark.django_db

D = dt.date
DAYS = weekdays(D(2025, 9, 1), D(2025, 11, 14))


def _marks_file(tmp_path, enrolment, days, code):
    path = tmp_path / "marks.csv"
    lines = ["upn,school_urn,date,session,code"]
    lines += [
        f"{enrolment.pupil.upn},{enrolment.school.urn},{d.isoformat()},{s},{code}"
        for d in days
        for s in ("AM", "PM")
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _contacts_file(tmp_path, enrolment, phone="07700 900123"):
    path = tmp_path / "contacts.csv"
    header = "upn,contact_ref,forename,surname,relationship,priority,phone_mobile\n"
    path.write_text(header + f"{enrolment.pupil.upn},C1,Ann,Example,Mother,1,{phone}\n")
    return path


def test_a_marks_import_is_followed_by_an_evaluation(
    settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    settings.ALERTS_AFTER_IMPORT = "inline"
    today = D(2025, 11, 20)  # the service's today, pinned: a Thursday in term
    monkeypatch.setenv("ATTEND_TODAY", today.isoformat())
    # Without a latest date from the import, the evaluation is as of today: marks from the last 20 weekdays.
    days = weekdays(today - dt.timedelta(days=40), today - dt.timedelta(days=1), skip=())[-20:]
    school = make_school()
    enrolment = make_enrolment(school)
    fill_marks(enrolment, days[2:])
    path = _marks_file(tmp_path, enrolment, days[:2], "O")  # 4 of 40 sessions: exactly 10%
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_file("marks", path)
    assert len(callbacks) >= 1
    # (Today's registers are not in yet: missing_register may fire too, depending on the time of day.)
    assert set(Alert.objects.values_list("rule", flat=True)) - {"missing_register"} == {"persistent_absence"}
    alert = Alert.objects.get(rule="persistent_absence")
    assert (alert.rule, alert.enrolment, alert.raised_on, alert.measure) == (
        "persistent_absence",
        enrolment,
        today,
        10.0,
    )


def test_the_default_queues_a_background_task_for_the_worker(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ALERTS_AFTER_IMPORT = "task"
    school = make_school()
    enrolment = make_enrolment(school)
    path = _marks_file(tmp_path, enrolment, DAYS[:2], "/")
    with django_capture_on_commit_callbacks(execute=True):
        import_file("marks", path)
    with django_capture_on_commit_callbacks(execute=True):
        # A second file correcting the same days: the same evaluation is already waiting, so no second task.
        import_file("marks", _marks_file(tmp_path, enrolment, DAYS[:2], "N"))
    queued = DBTaskResult.objects.get(task_path=evaluate_schools.module_path)
    # The marks import reports its schools, its enrolments and its latest marked date (in the past here), so
    # only this pupil (and the school-level rules of this school) is evaluated, as at that day.
    assert (queued.args_kwargs["kwargs"], queued.queue_name) == (
        {"school_ids": [school.pk], "as_of": DAYS[1].isoformat(), "enrolment_ids": [enrolment.pk]},
        "default",
    )
    assert queued.status == "READY" and Alert.objects.count() == 0


def test_no_evaluation_when_switched_off_or_for_contacts(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ALERTS_AFTER_IMPORT = "off"
    school = make_school()
    enrolment = make_enrolment(school)
    with django_capture_on_commit_callbacks(execute=True):
        import_file("marks", _marks_file(tmp_path, enrolment, DAYS[:2], "/"))
        import_file("contacts", _contacts_file(tmp_path, enrolment))
    settings.ALERTS_AFTER_IMPORT = "task"
    with django_capture_on_commit_callbacks(execute=True):
        import_file("contacts", _contacts_file(tmp_path, enrolment, "07700 900124"))
    assert not DBTaskResult.objects.filter(task_path=evaluate_schools.module_path).exists()


def test_an_import_reporting_its_schools_and_latest_date_narrows_the_evaluation(monkeypatch):
    today = D(2026, 3, 4)
    monkeypatch.setenv("ATTEND_TODAY", today.isoformat())
    assert evaluation_args(SimpleNamespace()) == (None, None)
    assert evaluation_args(SimpleNamespace(school_ids={3, 1}, latest_date=today)) == ([1, 3], None)
    old = D(2025, 7, 18)
    assert evaluation_args(SimpleNamespace(school_ids=[2], latest_date=old)) == ([2], "2025-07-18")
    # A correction of an earlier day of this school year is evaluated as of today, with every mark held.
    this_year = D(2025, 8, 1)
    assert evaluation_args(SimpleNamespace(school_ids=[2], latest_date=this_year)) == ([2], None)


def test_the_task_evaluates_the_given_schools_as_of_the_given_day():
    school, other = make_school(), make_school()
    for each in (school, other):
        fill_marks(make_enrolment(each), DAYS, {(d, s): "I" for d in DAYS[:5] for s in ("AM", "PM")})
    outcome = evaluate_schools.call(school_ids=[school.pk], as_of="2025-11-14")
    assert (outcome["schools"], outcome["raised"], outcome["as_of"]) == (1, 1, "2025-11-14")
    alert = Alert.objects.get()
    assert (alert.school, alert.rule, alert.raised_on) == (school, "persistent_absence", D(2025, 11, 14))
