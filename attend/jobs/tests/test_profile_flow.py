"""Importing a register report from a school's MIS on the web (issue 21): upload -> match the columns ->
preview -> import, with the real profiles engine and the real task worker."""

from __future__ import annotations

import re

import pytest

from attend.audit.models import AuditEvent
from attend.jobs.files import uploads_dir
from attend.jobs.models import Job
from attend.jobs.tests.worker import run_queued_tasks
from attend.registers.models import ImportProfile, ImportRun, Mark

from .profile_world import MARKS, long_mapping, long_report, pupils_at, upload, wide_mapping, wide_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(place, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    monkeypatch.setenv("ATTEND_WEB_TODAY", "2025-11-20")
    place["pupils"] = pupils_at(place["school"])
    return place


def draft_of(response) -> Job:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/imports/drafts/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=int(match[1]))


def selected(page: str, name: str) -> str:
    """The selected option's value of the select called `name`."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select[1])
    return chosen[1] if chosen else ""


def test_a_long_report_is_matched_previewed_and_imported_with_progress(client, report):
    school, pupils = report["school"], report["pupils"]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "Attendance Marks.csv", long_report(pupils, repeat_header=True)))
    assert (draft.status, draft.created_by) == ("draft", report["officer"])

    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert "Match the columns" in page and 'aria-labelledby="sample-caption"' in page
    assert pupils[0].upn in page  # the first rows, as uploaded
    assert selected(page, "col_upn") == "UPN"  # suggested from the header and the values
    assert selected(page, "school") == str(school.urn)  # the officer's only school

    response = client.post(f"/imports/drafts/{draft.pk}/", long_mapping(school))
    assert response.status_code == 302 and response["Location"] == f"/imports/drafts/{draft.pk}/preview/"
    preview = client.get(response["Location"]).content.decode()
    assert "Check the first rows" in preview and "18 marks" in preview
    assert "2025-11-17" in preview and ">AM<" in preview and ">PM<" in preview
    assert "There is a problem" not in preview
    # Nothing written before "Import"; the draft is not a job in the list yet.
    assert not Mark.objects.exists() and not ImportRun.objects.exists()
    assert not AuditEvent.objects.filter(action="jobs.import.started").exists()
    assert "Attendance_Marks.csv" not in client.get("/jobs/").content.decode()

    response = client.post(f"/imports/drafts/{draft.pk}/preview/")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == "queued" and draft.params["profile"]["spec"]["layout"] == "long"
    assert b'<progress id="job-progress"' in client.get(f"/jobs/{draft.pk}/status/").content
    assert run_queued_tasks() == 1
    draft.refresh_from_db()
    assert draft.status == "done", (draft.summary, draft.problems)
    assert draft.summary.startswith("18 rows: 18 created")
    assert Mark.objects.count() == 18
    assert Mark.objects.get(enrolment__pupil=pupils[2], date="2025-11-18", session="AM").code == "O"
    run = ImportRun.objects.get()
    assert (run.source, run.kind, run.imported_by, run.profile_name) == (
        "web",
        "marks",
        report["officer"],
        "",
    )
    started = AuditEvent.objects.get(action="jobs.import.started")
    assert started.data["profile"] == "a mapping made for this file"
    # The page has gone with the draft: the job page is the import's now.
    assert client.get(f"/imports/drafts/{draft.pk}/").status_code == 404


def test_a_wide_report_imports_one_column_per_session(client, report):
    school, pupils = report["school"], report["pupils"]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "register.csv", wide_report(pupils)))
    response = client.post(f"/imports/drafts/{draft.pk}/", wide_mapping(school))
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(response["Location"]).content.decode()
    assert "18 marks" in preview and "2025-11-19" in preview
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    assert Mark.objects.count() == 18
    codes = list(
        Mark.objects.filter(enrolment__pupil=pupils[1])
        .order_by("date", "session")
        .values_list("code", flat=True)
    )
    assert codes == MARKS[1]


def test_a_mapping_saved_as_a_profile_is_chosen_next_time(client, report):
    school, pupils = report["school"], report["pupils"]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(pupils)))
    data = long_mapping(school, save="on", save_name="Our SIMS marks report", save_for=f"school:{school.pk}")
    assert client.post(f"/imports/drafts/{draft.pk}/", data).status_code == 302
    saved = ImportProfile.objects.get()
    assert (saved.name, saved.school, saved.local_authority) == ("Our SIMS marks report", school, None)
    assert AuditEvent.objects.filter(action="registers.profile.saved").count() == 1
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()

    # Next week's report, printed without its title lines: choose the profile, no matching.
    second = draft_of(upload(client, "report.csv", long_report(pupils, title=False)))
    page = client.get(f"/imports/drafts/{second.pk}/").content.decode()
    assert f'value="saved:{saved.pk}"' in page
    response = client.post(f"/imports/drafts/{second.pk}/", {"profile": f"saved:{saved.pk}", "school": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert (
        "with the profile <strong>Our SIMS marks report</strong>"
        in client.get(response["Location"]).content.decode()
    )
    client.post(f"/imports/drafts/{second.pk}/preview/")
    run_queued_tasks()
    second.refresh_from_db()
    assert second.status == "done" and second.summary.startswith(
        "18 rows: 0 created, 0 updated, 18 unchanged"
    )
    assert ImportRun.objects.order_by("pk").last().profile_name == "Our SIMS marks report"
    started = AuditEvent.objects.filter(action="jobs.import.started").order_by("pk").last()
    assert started.data["profile"] == "Our SIMS marks report"


def test_a_profile_name_already_used_is_a_field_error(client, report):
    school, pupils = report["school"], report["pupils"]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(pupils)))
    data = long_mapping(school, save="on", save_name="Weekly", save_for=f"school:{school.pk}")
    assert client.post(f"/imports/drafts/{draft.pk}/", data).status_code == 302
    again = draft_of(upload(client, "report.csv", long_report(pupils)))
    page = client.post(f"/imports/drafts/{again.pk}/", {**data, "save_name": "weekly"}).content.decode()
    assert "There is a problem" in page and "A profile called “weekly” already exists there" in page
    assert ImportProfile.objects.count() == 1


def test_an_unmapped_required_field_is_shown_against_its_select(client, report):
    school, pupils = report["school"], report["pupils"]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(pupils)))
    response = client.post(f"/imports/drafts/{draft.pk}/", long_mapping(school, col_date=""))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert '<a href="#id_col_date">' in page  # the summary links to the field
    assert 'id="id_col_date-error"' in page
    assert "profile" not in Job.objects.get(pk=draft.pk).params


def test_a_file_without_a_urn_column_needs_a_school(client, report, place):
    from attend.accounts.models import Membership
    from attend.core.tests.factories import make_user

    la_officer = make_user("la", role=Membership.Role.LA_OFFICER, local_authority=place["la"])
    client.force_login(la_officer)
    draft = draft_of(upload(client, "report.csv", long_report(report["pupils"])))
    page = client.post(
        f"/imports/drafts/{draft.pk}/", long_mapping(place["school"], school="")
    ).content.decode()
    assert "Choose the school the report is from, or its school URN column" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.csv", b"", "The file is empty"),
        ("report.pdf", b"%PDF-1.4\n\x00\x01\x02\xff\xfe binary \x00\n%%EOF\n", "could not be read"),
        ("report.csv", "UPN,Surname,Date,Session,Mark\n", "has a header row but no rows of marks"),
        ("report.zip", b"PK\x03\x04", "send a plain CSV"),
    ],
    ids=["empty", "not-csv", "header-only", "archive"],
)
def test_bad_files_are_refused_on_the_upload_page_and_nothing_is_kept(client, report, name, content, message):
    client.force_login(report["officer"])
    response = upload(client, name, content)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page, page[:3000]
    assert not Job.objects.exists()
    assert not uploads_dir().exists() or not any(uploads_dir().iterdir())  # no job folder was kept


def test_no_file_is_a_field_error(client, report):
    client.force_login(report["officer"])
    page = client.post("/imports/new/", {"kind": "profile"}).content.decode()
    assert "Choose a file to upload" in page and not Job.objects.exists()


def test_a_shipped_profile_reads_the_report_without_matching(client, report):
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "register.csv", wide_report(report["pupils"])))
    shipped = "shipped:Generic wide register (UPN, one column per session)"
    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert f'value="{shipped}"' in page
    assert "Not a supplier&#x27;s documented shape" in page  # what each profile reads, in a details
    response = client.post(f"/imports/drafts/{draft.pk}/", {"profile": shipped})  # the officer's one school
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(response["Location"]).content.decode()
    assert "with the profile <strong>Generic wide register" in preview and "18 marks" in preview
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    assert Mark.objects.count() == 18
    assert ImportRun.objects.get().profile_name == "Generic wide register (UPN, one column per session)"


def test_the_preview_shows_the_first_problems_and_offers_no_import(client, report):
    pupils = report["pupils"]
    client.force_login(report["officer"])
    text = long_report(pupils).replace("17/11/2025,Morning,/", "31/11/2025,Morning,/", 1)
    text = text.replace("18/11/2025,Afternoon,O", "18/11/2025,Afternoon,ZZ", 1)
    draft = draft_of(upload(client, "report.csv", text))
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"]))
    page = client.get(f"/imports/drafts/{draft.pk}/preview/").content.decode()
    assert "There are problems in the file" in page and "2 problems found" in page
    assert re.search(r"report\.csv:\d+: date: ", page) and re.search(r"report\.csv:\d+: code: ", page)
    assert ">Import</button>" not in page
    # Importing anyway (a crafted request) fails in the job with every problem, writing nothing.
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    draft.refresh_from_db()
    assert draft.status == "failed" and draft.problems_total == 2 and not Mark.objects.exists()


def test_a_long_report_of_marks_for_a_pupil_of_another_school_is_a_problem_in_the_preview(
    client, report, place
):
    other_pupils = pupils_at(place["other"], 1)
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(report["pupils"][:1] + other_pupils)))
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"]))
    page = client.get(f"/imports/drafts/{draft.pk}/preview/").content.decode()
    assert "6 problems found" in page and ">Import</button>" not in page
    assert not Mark.objects.exists()


def test_a_wide_report_of_six_weeks_shows_its_columns_in_a_scrolling_table_and_imports(client, report):
    """A register report as wide as half a term: 60 session columns, one row per pupil."""
    import datetime as dt

    pupils = report["pupils"]
    days = [dt.date(2025, 10, 6) + dt.timedelta(days=n) for n in range(40)]
    days = [d for d in days if d.weekday() < 5][:30]
    header = "UPN,Name," + ",".join(f"{d:%a %d/%m/%Y} {s}" for d in days for s in ("AM", "PM"))
    rows = [f"{p.upn},{p.legal_surname}," + ",".join(["/", "\\"] * len(days)) for p in pupils]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "half-term.csv", "\n".join([header, *rows]) + "\n"))
    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert 'class="attend-table-wrap" tabindex="0" role="region"' in page and "Fri 14/11/2025 PM" in page
    assert selected(page, "col_upn") == "UPN"
    response = client.post(f"/imports/drafts/{draft.pk}/", wide_mapping(report["school"], wide_header="auto"))
    preview = client.get(response["Location"]).content.decode()
    assert "180 marks" in preview and preview.count('<tr class="govuk-table__row">') == 21  # header + 20 rows
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    assert Mark.objects.count() == 180


def test_a_windows_text_report_is_read_as_windows_text_and_says_so(client, report):
    """Excel's and many MIS's "CSV" is Windows-1252: an accented name is not UTF-8."""
    pupils = report["pupils"]
    text = long_report(pupils).replace(pupils[0].legal_surname, "Renée")
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", text.encode("cp1252")))
    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert "saved as Windows (ANSI) text" in page and "Renée" in page
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"]))
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    assert Mark.objects.count() == 18


def test_a_second_click_on_import_queues_nothing_more(client, report):
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(report["pupils"])))
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"]))
    assert client.post(f"/imports/drafts/{draft.pk}/preview/").status_code == 302
    assert client.post(f"/imports/drafts/{draft.pk}/preview/").status_code == 404
    assert run_queued_tasks() == 1
    assert AuditEvent.objects.filter(action="jobs.import.started").count() == 1


def test_a_report_over_the_upload_limit_is_refused_and_nothing_kept(client, report, settings):
    settings.ATTEND_UPLOAD_MAX_BYTES = 200
    client.force_login(report["officer"])
    page = upload(client, "report.csv", long_report(report["pupils"])).content.decode()
    assert "There is a problem" in page and "The file is larger than 200 bytes" in page
    assert not Job.objects.exists()


def test_a_draft_whose_file_has_gone_says_to_upload_again(client, report):
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(report["pupils"])))
    (uploads_dir() / str(draft.pk) / "report.csv").unlink()
    response = client.get(f"/imports/drafts/{draft.pk}/")
    assert response.status_code == 404


def test_merged_cells_are_a_problem_until_the_mapping_says_to_fill_them_down(client, report):
    pupils = report["pupils"]
    lines = long_report(pupils).splitlines()
    # The report prints each pupil's UPN on their first row only (merged cells, exported as blanks).
    merged = [
        line if i < 3 or (i - 3) % 6 == 0 else "," + line.split(",", 1)[1] for i, line in enumerate(lines)
    ]
    client.force_login(report["officer"])
    draft = draft_of(upload(client, "report.csv", "\n".join(merged) + "\n"))
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"]))
    page = client.get(f"/imports/drafts/{draft.pk}/preview/").content.decode()
    assert "15 problems found" in page and "merged cells exported as blanks?" in page
    assert ">Import</button>" not in page

    back = client.get(f"/imports/drafts/{draft.pk}/").content.decode()  # the mapping as it was left
    assert selected(back, "col_date") == "Date" and selected(back, "date_format") == "dd/mm/yyyy"
    client.post(f"/imports/drafts/{draft.pk}/", long_mapping(report["school"], fill_upn="on"))
    page = client.get(f"/imports/drafts/{draft.pk}/preview/").content.decode()
    assert "There are problems" not in page and "18 marks" in page
    assert (
        'name="fill_upn" type="checkbox" value="on" checked'
        in client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    )
    client.post(f"/imports/drafts/{draft.pk}/preview/")
    run_queued_tasks()
    assert Mark.objects.filter(enrolment__pupil=pupils[2]).count() == 6
