"""A job that stops with an unexpected error: the page gives a plain message and a reference, never the exception's
text; the traceback, with the same reference, is in the server log."""

from __future__ import annotations

import logging
import re

import pytest

from attend.jobs.models import Job
from attend.jobs.tests.worker import run_queued_tasks
from attend.people.models import Pupil
from attend.people.upn import make_upn

from .test_jobs import pupils_csv, upload

SECRET = "connection to /var/lib/attend/attend.sqlite3 refused for user attend_rw"


def fail(*args, **kwargs):
    raise RuntimeError(SECRET)


def reference_in(text: str) -> str:
    found = re.search(r"Reference: (J\d+-[0-9A-F]{6})", text)
    assert found, text
    return found.group(1)


def test_an_import_that_crashes_shows_a_reference_and_logs_the_traceback(client, place, settings, monkeypatch,
                                                                          caplog):  # fmt: skip
    # Fault injection: the importer fails as a database outage would (the worker and the page are real).
    monkeypatch.setattr("attend.registers.imports.import_file", fail)
    client.force_login(place["officer"])
    upload(client, "pupils", "pupils.csv", pupils_csv((make_upn("201", "2000", 28, 1), place["school"].urn)))
    with caplog.at_level(logging.ERROR):
        run_queued_tasks()
    job = Job.objects.get()
    assert job.status == "failed" and not Pupil.objects.exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The import stopped with an unexpected error; nothing was imported." in page
    assert SECRET not in page and "RuntimeError" not in page and "Traceback" not in page
    reference = reference_in(page)
    [record] = [r for r in caplog.records if r.name == "attend.jobs.tasks"]
    assert record.levelno == logging.ERROR and reference in record.getMessage()
    assert (
        record.exc_info[0] is RuntimeError and str(record.exc_info[1]) == SECRET
    )  # the traceback, in the log
    # The uploaded file is deleted even so.
    assert not any((settings.VAR_DIR / "uploads").rglob("*.csv"))


def test_a_report_that_crashes_shows_a_reference_and_logs_the_traceback(client, place, monkeypatch, caplog):
    from attend.accounts.models import Membership
    from attend.core.tests.factories import make_user

    monkeypatch.setattr("attend.stats.queries.school_measures", fail)
    client.force_login(make_user("la", role=Membership.Role.LA_OFFICER, local_authority=place["la"]))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTEND_TODAY", "2026-11-25")
        client.post("/reports/new/", {"report": "schools"})
    with caplog.at_level(logging.ERROR):
        run_queued_tasks()
    job = Job.objects.get()
    page = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert job.status == "failed" and "The report stopped with an unexpected error." in page
    assert SECRET not in page
    reference = reference_in(page)
    assert any(
        r.name == "attend.jobs.tasks" and reference in r.getMessage() and r.exc_info for r in caplog.records
    )
