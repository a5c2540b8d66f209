"""Imports and reports as background jobs: upload, the real task worker, progress, problems, download."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_pupil, make_user
from attend.jobs.models import Job
from attend.jobs.tests.worker import run_queued_tasks
from attend.people.models import Pupil
from attend.people.upn import make_upn
from attend.registers.models import ImportRun, Mark

R = Membership.Role
PUPIL_HEADER = "upn,school_urn,legal_forename,legal_surname,date_of_birth,sex,nc_year,admission_date\n"


def run_worker() -> None:
    assert run_queued_tasks() > 0


def upload(client, kind: str, name: str, text: str):
    return client.post(
        "/imports/new/",
        {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def pupils_csv(*rows: tuple[str, int]) -> str:
    lines = [f"{upn},{urn},Ada,Lovelace,2015-03-01,F,4,2025-09-01\n" for upn, urn in rows]
    return PUPIL_HEADER + "".join(lines)


def run_worker_and_followers(capture) -> None:
    """Run the queued jobs, then what their commits queued (the statistics refresh, the alerts): on_commit
    callbacks do not fire inside a test's transaction unless captured."""
    with capture(execute=True):
        run_worker()
    run_queued_tasks()


def test_an_uploaded_file_is_imported_by_the_worker_with_progress_and_a_result(
    client, place, django_capture_on_commit_callbacks
):
    client.force_login(place["officer"])
    upns = [make_upn("201", "2000", 25, n) for n in (1, 2)]
    response = upload(client, "pupils", "pupils.csv", pupils_csv(*[(u, place["school"].urn) for u in upns]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.created_by, job.params["import_kind"]) == ("queued", place["officer"], "pupils")
    assert not Pupil.objects.exists()

    waiting = client.get(f"/jobs/{job.pk}/status/")
    assert waiting.status_code == 200  # htmx keeps polling
    assert b'<progress id="job-progress"' in waiting.content
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "Refresh to check progress" in page

    run_worker_and_followers(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["created"] >= 2 and job.summary.startswith("2 rows: ")
    assert "Imported pupils from pupils.csv" in job.result["detail"]
    assert set(Pupil.objects.values_list("upn", flat=True)) == set(upns)
    assert ImportRun.objects.get().kind == "pupils"
    done = client.get(f"/jobs/{job.pk}/status/")
    assert done.status_code == 286  # tells htmx to stop polling
    assert b"Import complete" in done.content
    assert "hx-trigger" not in client.get(f"/jobs/{job.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="jobs.import.started").count() == 1


def test_a_bad_file_lists_every_problem_and_imports_nothing(client, place):
    client.force_login(place["officer"])
    good = make_upn("201", "2000", 25, 3)
    text = pupils_csv(
        (good, place["school"].urn)
    ) + "NOT-A-UPN,{},Bo,Peep,2015-13-01,F,4,2025-09-01\n".format(place["school"].urn)
    upload(client, "pupils", "pupils.csv", text)
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed" and "nothing was imported" in job.summary
    assert job.problems_total == len(job.problems) >= 2
    assert all(p.startswith("pupils.csv:3: ") for p in job.problems)
    assert not Pupil.objects.exists()
    page = client.get(f"/jobs/{job.pk}/status/")
    assert page.status_code == 286
    assert "pupils.csv:3: upn:" in page.content.decode()


def test_rows_for_a_school_outside_the_uploaders_scope_are_refused(client, place):
    client.force_login(place["officer"])
    rows = [
        (make_upn("201", "2000", 25, 4), place["school"].urn),
        (make_upn("201", "2000", 25, 5), place["other"].urn),
    ]
    upload(client, "pupils", "pupils.csv", pupils_csv(*rows))
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.problems == [
        f"pupils.csv:3: school_urn: school {place['other'].urn} is not one of your schools"
    ]
    assert not Pupil.objects.exists()


def test_marks_import_reports_its_steps(client, place):
    client.force_login(place["officer"])
    pupil = make_pupil(school=place["school"])
    text = "upn,school_urn,date,session,code\n" + "".join(
        f"{pupil.upn},{place['school'].urn},2025-09-{d:02d},{s},{c}\n"
        for d in (1, 2)
        for s, c in (("AM", "/"), ("PM", "N"))
    )
    upload(client, "marks", "marks.csv", text)
    run_worker()
    job = Job.objects.get()
    assert job.status == "done", job.summary
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert Mark.objects.count() == 4


def test_whole_service_kinds_are_only_offered_to_those_who_see_every_school(client, place):
    client.force_login(place["officer"])
    page = client.get("/imports/new/").content.decode()
    assert 'value="marks"' in page and 'value="schools"' not in page and 'value="ctf"' not in page
    response = upload(client, "schools", "schools.csv", "la_code\n")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Job.objects.exists()


def test_a_job_is_only_visible_to_the_person_who_started_it(client, place):
    client.force_login(place["officer"])
    upload(client, "pupils", "pupils.csv", pupils_csv())
    job = Job.objects.get()
    client.force_login(make_user("colleague", role=R.SCHOOL_OFFICER, school=place["school"]))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    assert "pupils.csv" not in client.get("/jobs/").content.decode()


def ask_for_a_schools_report(client, place):
    """An LA officer asks for the schools report over one pupil's week (8 present, 2 unauthorised absent)."""
    import datetime as dt

    from attend.stats.tests import factories as f

    la_officer = make_user("la", role=R.LA_OFFICER, local_authority=place["la"])
    client.force_login(la_officer)
    enrolment = f.enrolment(place["school"], born=dt.date(2015, 3, 1))
    days = f.school_days(dt.date(2025, 9, 8), 5)
    f.marks(enrolment, days, ["/"] * 8 + ["N", "N"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTEND_TODAY", days[-1].isoformat())
        return client.post("/reports/new/", {"report": "schools"})


def test_a_report_is_built_in_the_background_and_downloaded(client, place):
    response = ask_for_a_schools_report(client, place)
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404  # not built yet
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.summary
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 1 and rows[0]["School URN"] == str(place["school"].urn)
    assert rows[0]["Possible sessions"] == "10" and rows[0]["Overall absence sessions"] == "2"
    assert AuditEvent.objects.filter(action="jobs.report.downloaded").count() == 1


def test_contacts_for_pupils_outside_the_uploaders_scope_are_refused(client, place):
    client.force_login(place["officer"])
    mine, theirs = make_pupil(school=place["school"]), make_pupil(school=place["other"])
    text = "contact_ref,upn,relationship,forename,surname\n" + "".join(
        f"C{i},{p.upn},Mother,Jo,Bloggs\n" for i, p in enumerate((mine, theirs))
    )
    upload(client, "contacts", "contacts.csv", text)
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.problems == [f"contacts.csv:3: upn: pupil {theirs.upn} is not one of your pupils"]


def test_the_job_page_says_when_the_figures_include_the_import(
    client, place, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from attend.jobs.tests.worker import run_one_task

    client.force_login(place["officer"])
    pupil = make_pupil(school=place["school"])
    text = "upn,school_urn,date,session,code\n" + "".join(
        f"{pupil.upn},{place['school'].urn},2025-09-{d:02d},{s},N\n" for d in (1, 2) for s in ("AM", "PM")
    )
    upload(client, "marks", "marks.csv", text)
    job = Job.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_one_task() == "attend.jobs.tasks.run_import"
    assert DBTaskResult.objects.filter(task_path="attend.stats.tasks.refresh_store", status="READY").exists()
    waiting = client.get(f"/jobs/{job.pk}/status/")
    assert waiting.status_code == 200  # the import is done, but the page keeps polling for the figures
    assert "Dashboards will include this import in a few seconds" in waiting.content.decode()
    assert 'hx-trigger="every 1s"' in client.get(f"/jobs/{job.pk}/").content.decode()

    run_worker()  # the statistics refresh (and the alerts after the import)
    done = client.get(f"/jobs/{job.pk}/status/")
    assert done.status_code == 286
    text = done.content.decode()
    assert "Dashboards include this import: figures updated at" in text and "after it finished" in text
