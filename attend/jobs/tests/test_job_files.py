"""Built reports are owner-only and kept ATTEND_RETENTION_REPORT_DAYS; uploads left behind are removed; both by the
retention schedule's report and apply (attend/privacy/retention.py)."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from django.utils import timezone

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_user
from attend.jobs.models import Job
from attend.privacy.retention import retention_apply, retention_report

from .test_jobs import run_worker

BUILT = timezone.make_aware(dt.datetime(2026, 11, 18, 14, 0))


def due(as_of: dt.date) -> dict[str, int]:
    return {
        r.category.name: r.rows
        for r in retention_report(as_of=as_of)
        if r.category.name in ("reports", "uploads")
    }


@pytest.fixture
def report(client, place):
    """A schools report built through the page and the worker, pinned as finished on 18 November 2026."""
    from attend.stats.tests import factories as f

    client.force_login(make_user("la", role=Membership.Role.LA_OFFICER, local_authority=place["la"]))
    enrolment = f.enrolment(place["school"], born=dt.date(2015, 3, 1))
    days = f.school_days(dt.date(2026, 11, 9), 5)
    f.marks(enrolment, days, ["/"] * 10)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTEND_TODAY", "2026-11-18")
        client.post("/reports/new/", {"report": "schools"})
    run_worker()
    Job.objects.update(finished_at=BUILT)
    return Job.objects.get()


def test_a_built_report_is_owner_only_and_deleted_after_seven_days(client, report, settings):
    path = settings.VAR_DIR / report.output_file
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert due(dt.date(2026, 11, 25)) == {"reports": 0, "uploads": 0}  # kept to the end of the seventh day
    assert due(dt.date(2026, 11, 26)) == {"reports": 1, "uploads": 0}
    assert path.is_file()  # the report changed nothing

    result = retention_apply(as_of=dt.date(2026, 11, 26))
    assert result.deleted["reports"] == 1
    assert not path.exists() and not path.parent.exists()
    report.refresh_from_db()
    assert report.output_file == "" and report.status == "done"
    assert client.get(f"/jobs/{report.pk}/download/").status_code == 404
    page = client.get(f"/jobs/{report.pk}/").content.decode()
    assert "The report file has been deleted" in page and "Download the report" not in page
    event = AuditEvent.objects.get(action="privacy.retention.applied")
    assert (event.data["deleted"]["reports"], event.data["deleted"]["uploads"]) == (1, 0)
    assert retention_apply(as_of=dt.date(2026, 11, 26)).deleted["reports"] == 0  # idempotent


def test_the_report_period_is_a_setting(report, settings):
    settings.ATTEND_RETENTION_REPORT_DAYS = 30
    assert due(dt.date(2026, 12, 18))["reports"] == 0
    assert due(dt.date(2026, 12, 19))["reports"] == 1


def test_uploads_left_behind_are_removed_and_those_of_waiting_jobs_kept(place, settings):
    def job_with_upload(status: str, created: dt.datetime | None) -> Job | None:
        job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import pupils", status=status)
        folder = settings.VAR_DIR / "uploads" / str(job.pk)
        folder.mkdir(parents=True)
        (folder / "pupils.csv").write_text("upn\n")
        if created is None:
            job.delete()  # its folder stays: a job removed in the admin
            return None
        Job.objects.filter(pk=job.pk).update(created_at=created)
        return job

    day = timezone.make_aware(dt.datetime(2026, 11, 25, 9, 0))
    finished = job_with_upload("failed", day)
    job_with_upload("done", None)
    waiting = job_with_upload("queued", day)
    stuck = job_with_upload("running", day - dt.timedelta(days=3))
    assert due(dt.date(2026, 11, 25)) == {"reports": 0, "uploads": 3}
    oldest = next(
        r for r in retention_report(as_of=dt.date(2026, 11, 25)) if r.category.name == "uploads"
    ).oldest
    assert oldest == dt.date(2026, 11, 22)

    assert retention_apply(as_of=dt.date(2026, 11, 25)).deleted["uploads"] == 3
    left = sorted(int(p.name) for p in (settings.VAR_DIR / "uploads").iterdir())
    assert left == [waiting.pk]
    assert finished.pk not in left and stuck.pk not in left
    assert due(dt.date(2026, 11, 25))["uploads"] == 0
