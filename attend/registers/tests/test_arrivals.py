"""Where registers came from, and the rule for a school whose registers stop arriving (attend.registers.arrivals)."""

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alerts_evaluate
from attend.registers.arrivals import arrivals, sync_arrival_prompts
from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import ImportRun
from attend.schools.models import AcademicYear, NonSchoolDay, School, Term

from .factories import make_enrolment, make_pupil, make_school, write_csv

pytestmark = pytest.mark.django_db
D = dt.date
HEADER = ["upn", "school_urn", "date", "session", "code"]
RULE = "registers_not_received"


def marks_file(tmp_path, enrolments, days, name="marks.csv"):
    rows = [
        [e.pupil.upn, e.school.urn, d.isoformat(), s, "/"]
        for e in enrolments
        for d in days
        for s in ("AM", "PM")
    ]
    return write_csv(tmp_path / name, HEADER, rows)


def arrive(monkeypatch, tmp_path, enrolments, on, days=None, **kwargs):
    """Registers arrive on `on` (the service's day), with marks for `days` (default: that day)."""
    monkeypatch.setenv("ATTEND_TODAY", on.isoformat())
    return import_file("marks", marks_file(tmp_path, enrolments, days or [on]), **kwargs)


def status_on(monkeypatch, school, today):
    monkeypatch.setenv("ATTEND_TODAY", today.isoformat())
    (row,) = arrivals(School.objects.filter(pk=school.pk), today)
    return row


@pytest.fixture
def school():
    school = make_school(100001, name="Testshire Primary")
    make_enrolment(make_pupil(forename="Ada"), school)
    return school


def enrolment_at(school):
    return school.enrolments.first()


# ----- what a run records


def test_a_marks_run_records_its_schools_latest_mark_day_and_the_day_it_arrived(
    monkeypatch, tmp_path, school
):
    other = make_school(100002)
    ben = make_enrolment(make_pupil(forename="Ben"), other)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    path = marks_file(tmp_path, [enrolment_at(school), ben], [D(2025, 11, 17), D(2025, 11, 18)])
    import_file("marks", path, source="web")
    run = ImportRun.objects.get()
    assert (run.source, run.received_on, run.latest_mark_date) == ("web", D(2025, 11, 19), D(2025, 11, 18))
    assert sorted(run.schools.values_list("urn", flat=True)) == [100001, 100002]


def test_a_resent_unchanged_file_counts_as_arrived(monkeypatch, tmp_path, school):
    e = enrolment_at(school)
    arrive(monkeypatch, tmp_path, [e], D(2025, 11, 17))
    result = arrive(monkeypatch, tmp_path, [e], D(2025, 11, 20), days=[D(2025, 11, 17)])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    row = status_on(monkeypatch, school, D(2025, 11, 24))
    assert (row.since, row.latest_mark_date, row.overdue) == (D(2025, 11, 20), D(2025, 11, 17), False)


def test_a_refused_file_records_no_arrival(monkeypatch, tmp_path, school):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    path = write_csv(
        tmp_path / "bad.csv", HEADER, [[enrolment_at(school).pupil.upn, 100001, "2025-11-19", "AM", "?!"]]
    )
    with pytest.raises(ImportFailed):
        import_file("marks", path)
    assert status_on(monkeypatch, school, D(2025, 11, 19)).run is None


# ----- the boundary: two school days passed with nothing, so the third school day


@pytest.mark.parametrize(
    ("arrived", "today", "overdue"),
    [
        (D(2025, 11, 17), D(2025, 11, 19), False),  # Mon; Wed: only Tue has passed
        (D(2025, 11, 17), D(2025, 11, 20), True),  # Mon; Thu: Tue and Wed have passed
        (D(2025, 11, 20), D(2025, 11, 22), False),  # Thu; Sat: only Fri has passed
        (D(2025, 11, 20), D(2025, 11, 24), False),  # Thu; Mon: the weekend is not school days
        (D(2025, 11, 20), D(2025, 11, 25), True),  # Thu; Tue: Fri and Mon have passed
    ],
)
def test_weekdays_without_a_calendar(monkeypatch, tmp_path, school, arrived, today, overdue):
    arrive(monkeypatch, tmp_path, [enrolment_at(school)], arrived)
    assert status_on(monkeypatch, school, today).overdue is overdue


def autumn_terms(school):
    year, _ = AcademicYear.objects.get_or_create(start_year=2025)
    Term.objects.create(school=school, academic_year=year, name="Autumn 1", start_date=D(2025, 9, 3),
                        end_date=D(2025, 10, 24))  # fmt: skip
    Term.objects.create(school=school, academic_year=year, name="Autumn 2", start_date=D(2025, 11, 3),
                        end_date=D(2025, 12, 19))  # fmt: skip


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (D(2025, 10, 31), False),  # half term: only Fri 24 Oct has passed
        (D(2025, 11, 3), False),  # Mon after half term: still only Fri 24 Oct
        (D(2025, 11, 4), True),  # Tue: Fri 24 Oct and Mon 3 Nov have passed
    ],
)
def test_across_a_half_term_closure(monkeypatch, tmp_path, school, today, overdue):
    autumn_terms(school)
    arrive(monkeypatch, tmp_path, [enrolment_at(school)], D(2025, 10, 23))
    assert status_on(monkeypatch, school, today).overdue is overdue


@pytest.mark.parametrize(("today", "overdue"), [(D(2025, 11, 20), False), (D(2025, 11, 21), True)])
def test_an_inset_day_is_not_a_school_day(monkeypatch, tmp_path, school, today, overdue):
    autumn_terms(school)
    NonSchoolDay.objects.create(school=school, date=D(2025, 11, 18), kind="non_school_day")
    arrive(monkeypatch, tmp_path, [enrolment_at(school)], D(2025, 11, 17))
    assert status_on(monkeypatch, school, today).overdue is overdue


# ----- the work-list item


def test_the_nightly_evaluation_puts_the_school_on_the_las_work_list(monkeypatch, tmp_path, school):
    arrive(monkeypatch, tmp_path, [enrolment_at(school)], D(2025, 11, 17))
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    alerts_evaluate(as_of=D(2025, 11, 19))
    assert not Alert.objects.filter(rule=RULE).exists()
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    alerts_evaluate(as_of=D(2025, 11, 20))
    alert = Alert.objects.get(rule=RULE)
    assert (alert.school, alert.pupil, alert.enrolment, alert.key, alert.status) == (
        school, None, None, f"nr{school.pk}-20251117", "new"
    )  # fmt: skip
    assert alert.reason == (
        "No registers received since Monday 17 November 2025: 2 school days have passed without any (the last "
        "file was marks.csv, command line)."
    )
    alerts_evaluate(as_of=D(2025, 11, 20))  # evaluated again: still the one item
    assert Alert.objects.filter(rule=RULE).count() == 1


def test_a_school_that_never_sent_registers_gets_no_item_and_shows_never(monkeypatch, school):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    assert sync_arrival_prompts(D(2025, 11, 20)) == {"raised": 0, "cleared": 0}
    row = status_on(monkeypatch, school, D(2025, 11, 20))
    assert (row.run, row.overdue) == (None, False)


def test_a_school_with_no_pupils_on_roll_gets_no_item(monkeypatch, tmp_path, school):
    e = enrolment_at(school)
    arrive(monkeypatch, tmp_path, [e], D(2025, 11, 17))
    e.leaving_date = D(2025, 11, 18)
    e.save()
    assert sync_arrival_prompts(D(2025, 11, 24)) == {"raised": 0, "cleared": 0}


def test_the_item_clears_as_soon_as_registers_arrive(
    monkeypatch, tmp_path, school, django_capture_on_commit_callbacks
):
    e = enrolment_at(school)
    arrive(monkeypatch, tmp_path, [e], D(2025, 11, 17))
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    assert sync_arrival_prompts(D(2025, 11, 20)) == {"raised": 1, "cleared": 0}
    with django_capture_on_commit_callbacks(execute=True):
        arrive(
            monkeypatch, tmp_path, [e], D(2025, 11, 21), days=[D(2025, 11, 17)]
        )  # unchanged: still arrived
    alert = Alert.objects.get(rule=RULE)
    assert (alert.status, alert.cleared_on) == ("cleared", D(2025, 11, 21))
    # Nothing new is raised until two more school days pass (Mon 24 and Tue 25): then a new item, keyed anew.
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-25")
    assert sync_arrival_prompts(D(2025, 11, 25)) == {"raised": 0, "cleared": 0}
    assert sync_arrival_prompts(D(2025, 11, 26)) == {"raised": 1, "cleared": 0}
    assert Alert.objects.get(rule=RULE, status="new").key == f"nr{school.pk}-20251121"


def test_the_nightly_sync_clears_an_item_whose_registers_arrived(monkeypatch, tmp_path, school):
    e = enrolment_at(school)
    arrive(monkeypatch, tmp_path, [e], D(2025, 11, 17))
    sync_arrival_prompts(D(2025, 11, 20))
    arrive(monkeypatch, tmp_path, [e], D(2025, 11, 21))  # its after-commit sync does not run in this test
    assert Alert.objects.get(rule=RULE).status == "new"
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-21")
    alerts_evaluate(as_of=D(2025, 11, 21))
    assert Alert.objects.get(rule=RULE).status == "cleared"


def test_a_dismissed_item_stays_dismissed_for_that_gap(monkeypatch, tmp_path, school):
    arrive(monkeypatch, tmp_path, [enrolment_at(school)], D(2025, 11, 17))
    sync_arrival_prompts(D(2025, 11, 20))
    Alert.objects.filter(rule=RULE).update(status="dismissed")
    assert sync_arrival_prompts(D(2025, 11, 21)) == {"raised": 0, "cleared": 0}


def test_the_sync_for_one_school_leaves_the_others_alone(monkeypatch, tmp_path, school):
    other = make_school(100002)
    ben = make_enrolment(make_pupil(forename="Ben"), other)
    arrive(monkeypatch, tmp_path, [enrolment_at(school), ben], D(2025, 11, 17))
    assert sync_arrival_prompts(D(2025, 11, 20), schools=[school]) == {"raised": 1, "cleared": 0}
    assert list(Alert.objects.filter(rule=RULE).values_list("school__urn", flat=True)) == [100001]


# ----- a CTF


CTF = """<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName><CTFversion>24.0</CTFversion>
    <SupplierID>Pretend MIS</SupplierID>
    <SourceSchool><LEA>888</LEA><Estab>0001</Estab><SchoolName>Elsewhere</SchoolName></SourceSchool>
    <DestSchool><LEA>{lea}</LEA><Estab>{estab}</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN><Surname>Fakeperson</Surname><Forename>Cy</Forename><DOB>2015-03-14</DOB><Gender>F</Gender>
      <SchoolHistory><School><LEA>{lea}</LEA><Estab>{estab}</Estab><EntryDate>2025-11-17</EntryDate>
        <NCyearActual>5</NCyearActual></School></SchoolHistory>
      <Attendance><YearData><LEA>{lea}</LEA><Estab>{estab}</Estab><AttendSessions>
        <AttendanceStartDate>2025-11-17</AttendanceStartDate><AttendanceMarks>//\\\\##--</AttendanceMarks>
      </AttendSessions></YearData></Attendance>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


def test_a_ctf_records_its_destination_school(monkeypatch, tmp_path, school):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    upn = make_pupil(forename="Cy").upn
    path = tmp_path / "ctf.xml"
    path.write_text(CTF.format(lea=school.laestab[:3], estab=school.laestab[3:], upn=upn))
    import_file("ctf", path)
    run = ImportRun.objects.get(kind="ctf")
    # Marks on Mon 17 and Tue 18; "##" on Wed 19 (a school day: a planned closure) is a mark too; "--" is none.
    assert (list(run.schools.all()), run.received_on, run.latest_mark_date) == (
        [school],
        D(2025, 11, 20),
        D(2025, 11, 19),
    )
