"""Who may open a draft import and what they may choose on it (issue 21): a draft is its uploader's only; a school
user cannot pick another school, use or save another school's profile; a draft nobody imports expires."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_user
from attend.jobs import files
from attend.jobs.models import Job
from attend.registers.models import ImportProfile, Mark

from .profile_world import long_mapping, long_report, pupils_at, upload
from .test_profile_flow import draft_of

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def two(place, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    place["pupils"] = pupils_at(place["school"])
    place["other_officer"] = make_user("other", role=R.SCHOOL_OFFICER, school=place["other"])
    return place


def test_only_the_uploader_opens_a_draft(client, two):
    client.force_login(two["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    root = make_user("root")
    root.is_superuser = True
    root.save()
    for intruder in (two["other_officer"], root):
        client.force_login(intruder)
        for url in (f"/imports/drafts/{draft.pk}/", f"/imports/drafts/{draft.pk}/preview/"):
            assert client.get(url).status_code == 404, (intruder, url)
        assert client.post(f"/imports/drafts/{draft.pk}/", long_mapping(two["school"])).status_code == 404
        assert client.post(f"/imports/drafts/{draft.pk}/preview/").status_code == 404
        assert client.get(f"/jobs/{draft.pk}/").status_code == 404  # not a job yet, even for a superuser
    draft.refresh_from_db()
    assert draft.status == "draft" and "profile" not in draft.params
    assert not Mark.objects.exists() and not AuditEvent.objects.filter(action="jobs.import.started").exists()


def test_a_school_user_cannot_pick_another_school(client, two):
    client.force_login(two["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert str(two["other"].urn) not in page.split('name="school"')[1].split("</select>")[0]
    response = client.post(
        f"/imports/drafts/{draft.pk}/", long_mapping(two["school"], school=two["other"].urn)
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert "profile" not in Job.objects.get(pk=draft.pk).params


def test_another_schools_saved_profile_is_neither_offered_nor_accepted(client, two):
    client.force_login(two["other_officer"])
    theirs = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    data = long_mapping(
        two["other"], save="on", save_name="Other school's report", save_for=f"school:{two['other'].pk}"
    )
    client.post(f"/imports/drafts/{theirs.pk}/", data)
    profile = ImportProfile.objects.get(name="Other school's report")

    client.force_login(two["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    page = client.get(f"/imports/drafts/{draft.pk}/").content.decode()
    assert "Other school" not in page
    response = client.post(f"/imports/drafts/{draft.pk}/", {"profile": f"saved:{profile.pk}"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert "profile" not in Job.objects.get(pk=draft.pk).params


def test_a_school_user_cannot_save_a_profile_for_another_school_or_the_la(client, two):
    client.force_login(two["officer"])
    draft = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    for target in (f"school:{two['other'].pk}", f"la:{two['la'].pk}"):
        data = long_mapping(two["school"], save="on", save_name="Mine", save_for=target)
        page = client.post(f"/imports/drafts/{draft.pk}/", data).content.decode()
        assert "Select a valid choice" in page, target
    assert not ImportProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="registers.profile.saved").exists()


def test_an_la_officer_saves_a_profile_for_the_la_without_a_school_in_it(client, two):
    la_officer = make_user("la", role=R.LA_OFFICER, local_authority=two["la"])
    client.force_login(la_officer)
    draft = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    data = long_mapping(two["school"], save="on", save_name="Northshire SIMS", save_for=f"la:{two['la'].pk}")
    assert client.post(f"/imports/drafts/{draft.pk}/", data).status_code == 302
    saved = ImportProfile.objects.get()
    assert (saved.local_authority, saved.school) == (two["la"], None)
    assert saved.spec.get("school_urn", "") == ""  # each school's file names its school when it is imported
    # Both schools' officers may choose it.
    client.force_login(two["other_officer"])
    other = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    assert f'value="saved:{saved.pk}"' in client.get(f"/imports/drafts/{other.pk}/").content.decode()


def test_a_draft_nobody_imports_is_deleted_with_its_file_after_two_days(client, two):
    client.force_login(two["officer"])
    old = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    recent = draft_of(upload(client, "report.csv", long_report(two["pupils"])))
    Job.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2025, 11, 17, 9)))
    Job.objects.filter(pk=recent.pk).update(created_at=timezone.make_aware(dt.datetime(2025, 11, 19, 9)))
    due = files.uploads_due(dt.date(2025, 11, 20))
    assert [left.folder.name for left in due] == [str(old.pk)]
    assert files.delete_uploads(due) == 1
    assert (
        not (files.uploads_dir() / str(old.pk)).exists() and (files.uploads_dir() / str(recent.pk)).is_dir()
    )
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert client.get(f"/imports/drafts/{old.pk}/").status_code == 404


def test_the_import_page_says_what_each_file_holds_and_links_to_the_layout_help(client, two):
    client.force_login(two["officer"])
    page = client.get("/imports/new/").content.decode()
    assert "docs/import-formats.md" not in page
    assert "Register report from your MIS (any layout)" in page
    assert "The pupils on your admission register" in page
    assert (
        '<a class="govuk-link" href="/imports/how-to-lay-out-the-file/">How to lay out the file</a>' in page
    )
    help_page = client.get("/imports/how-to-lay-out-the-file/").content.decode()
    assert "How to lay out the file" in help_page and "Mon 08/09/2025 AM" in help_page
