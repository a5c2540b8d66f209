"""Issue 23 item 19: an import job says how many schools the file covered (not every school the uploader may import
for), with the right singular or plural; the statistics CSV built from the web has headings in words and no
internal ids."""

from __future__ import annotations

import csv
import io
import re

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.jobs.models import Job
from attend.jobs.report_columns import for_people, heading
from attend.jobs.services import schools_phrase
from attend.jobs.tests.test_jobs import ask_for_a_schools_report, pupils_csv, run_worker, upload
from attend.people.upn import make_upn

pytestmark = pytest.mark.django_db
R = Membership.Role


def marks_csv(*pupils) -> str:
    return "upn,school_urn,date,session,code\n" + "".join(
        f"{p.upn},{p.enrolments.get().school.urn},2025-09-{d:02d},{s},/\n" for p in pupils for d in (1, 2)
        for s in ("AM", "PM")
    )  # fmt: skip


def started_line(client, job) -> str:
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    return re.sub(r"\s+", " ", re.search(r"Started by .*?</p>", page, re.S).group(0))


@pytest.fixture
def la_world(place):
    """An LA officer who may import for three schools."""
    third = make_school(la=place["la"])
    officer = make_user("la.officer", role=R.LA_OFFICER, local_authority=place["la"])
    return {**place, "third": third, "la_officer": officer}


def test_schools_phrase_is_singular_for_one():
    assert [schools_phrase(n) for n in (0, 1, 2, 20)] == ["0 schools", "1 school", "2 schools", "20 schools"]


def test_a_one_school_marks_file_says_it_covered_one_school_not_every_school_in_scope(client, la_world):
    client.force_login(la_world["la_officer"])
    pupil = make_pupil(school=la_world["school"])
    upload(client, "marks", "marks.csv", marks_csv(pupil))
    job = Job.objects.get()
    assert "covering" not in started_line(client, job)  # not known until the file is read
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.summary
    line = started_line(client, job)
    assert ", covering 1 school." in line and "3 schools" not in line


def test_a_two_school_marks_file_says_two_schools(client, la_world):
    client.force_login(la_world["la_officer"])
    pupils = [make_pupil(school=la_world["school"]), make_pupil(school=la_world["other"])]
    upload(client, "marks", "marks.csv", marks_csv(*pupils))
    run_worker()
    assert ", covering 2 schools." in started_line(client, Job.objects.get())


def test_an_import_that_does_not_know_its_schools_says_nothing_rather_than_a_guess(client, la_world):
    client.force_login(la_world["la_officer"])
    upns = [make_upn("201", "2000", 25, n) for n in (7, 8)]
    upload(client, "pupils", "pupils.csv", pupils_csv(*[(u, la_world["school"].urn) for u in upns]))
    run_worker()
    job = Job.objects.get()
    assert job.status == "done" and "covering" not in started_line(client, job)


def test_a_failed_import_claims_no_schools(client, la_world):
    client.force_login(la_world["la_officer"])
    upload(client, "marks", "marks.csv", "upn,school_urn,date,session,code\nNOPE,1,2025-09-01,AM,/\n")
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed" and "covering" not in started_line(client, job)


def test_the_report_csv_has_headings_in_words_and_no_internal_ids(client, place):
    ask_for_a_schools_report(client, place)
    run_worker()
    job = Job.objects.get()
    assert job.status == "done" and "over 2 schools" in job.summary
    download = client.get(f"/jobs/{job.pk}/download/")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 1
    header = list(rows[0])
    assert "school_id" not in header and not [h for h in header if "_" in h]
    assert header[:3] == ["School URN", "School", "Phase"]
    row = rows[0]
    assert row["School URN"] == str(place["school"].urn) and row["School"] == place["school"].name
    assert row["Possible sessions"] == "10" and row["Overall absence sessions"] == "2"
    assert row["Reason not yet given, N (%)"] == "20.0"


def test_report_summary_for_one_school_is_singular(client, place):
    client.force_login(place["officer"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTEND_TODAY", "2025-11-19")
        client.post("/reports/new/", {"report": "schools"})
    run_worker()
    job = Job.objects.get()
    assert "over 1 school," in job.summary


def test_for_people_renames_and_drops_ids_and_reads_unknown_columns_as_words():
    import pandas as pd

    df = pd.DataFrame({"school_id": [1], "enrolment_id": [2], "upn": ["A"], "new_measure_perc": [1.0]})
    assert list(for_people(df).columns) == ["UPN", "New measure perc"]
    assert heading("days_missed") == "Days missed"


def test_no_import_page_sends_a_person_to_a_docs_folder(client, place):
    client.force_login(place["officer"])
    upload(client, "marks", "marks.csv", "upn,school_urn,date,session,code\nNOPE,1,2025-09-01,AM,/\n")
    run_worker()
    job = Job.objects.get()
    for url in (
        "/imports/new/",
        "/imports/how-to-lay-out-the-file/",
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/status/",
    ):
        body = client.get(url).content.decode()
        assert "docs/" not in body and ".md" not in body, url
    assert 'href="/imports/how-to-lay-out-the-file/"' in client.get("/imports/new/").content.decode()
