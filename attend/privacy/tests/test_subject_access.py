"""Subject access: one archive with everything held about a pupil, for authorised roles in scope, audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from attend import audit
from attend.accounts.models import Membership
from attend.alerts.models import Alert, NoticeSessionUse
from attend.audit.models import AuditEvent
from attend.casework.tests.factories import make_circumstance
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, PupilContact
from attend.registers.models import Mark, MarkChange

pytestmark = pytest.mark.django_db

R = Membership.Role
FILES = {
    "README.txt", "pupil.json", "enrolments.csv", "marks.csv", "mark_changes.csv", "contacts.csv", "alerts.csv",
    "cases.csv", "chronology.csv", "casework.csv", "circumstances.csv", "notice_sessions.csv", "access_log.csv", "documents/",
    "missing_education.csv",
}  # fmt: skip


@pytest.fixture
def pupil():
    school = make_school(la=make_la(), name="Brookside Primary")
    p = make_pupil(school=school, surname="Example", legal_forename="Alex", child_in_need=True)
    enrolment = p.enrolments.get()
    Mark.objects.bulk_create(
        [
            Mark(enrolment=enrolment, date=dt.date(2024, 9, 2), session="AM", code="/"),
            Mark(enrolment=enrolment, date=dt.date(2024, 9, 2), session="PM", code="I"),
            Mark(enrolment=enrolment, date=dt.date(2024, 9, 3), session="AM", code="=cmd"[:2]),
        ]
    )
    corrector = make_user("corrector", role=R.SCHOOL_OFFICER, school=school)
    MarkChange.objects.create(
        enrolment=enrolment, date=dt.date(2024, 9, 2), session="PM", old_code="N", new_code="I",
        changed_by=corrector,
    )  # fmt: skip
    mum = Contact.objects.create(
        contact_ref="C1", forename="Jo", surname="Example", phone_mobile="07700 900123", postcode="ZZ1 1ZZ"
    )
    PupilContact.objects.create(pupil=p, contact=mum, relationship="Mother", parental_responsibility=True)
    Alert.objects.create(
        rule="persistent_absence", pupil=p, enrolment=enrolment, school=school, raised_on=dt.date(2024, 10, 1),
        last_evaluated_on=dt.date(2024, 10, 1), reason="Absent 11% of possible sessions", measure=0.11,
        peak_measure=0.11,
    )  # fmt: skip
    NoticeSessionUse.objects.create(
        enrolment=enrolment, date=dt.date(2024, 9, 2), session="PM", kind="penalty_notice", notice_ref="PN-1"
    )
    make_circumstance(
        p, kind="bereavement", summary="A grandparent died (test record)", start=dt.date(2024, 9, 9)
    )
    audit.record("people.pupil.viewed", by=corrector, obj=p, data={"page": "record"})
    # Someone else, sharing the contact: must not appear.
    sibling = make_pupil(school=school, surname="Example", legal_forename="Sam")
    PupilContact.objects.create(pupil=sibling, contact=mum, relationship="Mother")
    return p


def read(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


def dsl_of(pupil):
    return make_user("dsl", role=R.DSL, school=pupil.enrolments.get().school)


def test_a_dsl_downloads_everything_held_about_the_pupil(client, pupil):
    dsl = dsl_of(pupil)
    client.force_login(dsl)
    url = reverse("privacy:subject-access", args=[pupil.upn])
    page = client.get(url)
    assert page.status_code == 200 and b"Download the export" in page.content
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"subject-access-{pupil.upn}-" in response["Content-Disposition"]
    files = read(response.content)
    assert set(files) == FILES

    identity = json.loads(files["pupil.json"])
    assert identity["upn"] == pupil.upn and identity["legal_forename"] == "Alex"
    assert identity["child_in_need"] is True and identity["date_of_birth"] == "2015-01-01"

    assert [r["school"] for r in rows(files, "enrolments.csv")] == ["Brookside Primary"]
    marks = rows(files, "marks.csv")
    assert [(m["date"], m["session"], m["code"]) for m in marks] == [
        ("2024-09-02", "AM", "/"), ("2024-09-02", "PM", "I"), ("2024-09-03", "AM", "'=c"),
    ]  # fmt: skip
    assert marks[1]["code_meaning"].lower().startswith("illness")
    change = rows(files, "mark_changes.csv")[0]
    assert (change["old_code"], change["new_code"]) == ("N", "I")
    assert change["changed_by"] == "staff member (School attendance officer)"
    contacts = rows(files, "contacts.csv")
    assert [(c["forename"], c["relationship"], c["phone_mobile"]) for c in contacts] == [
        ("Jo", "Mother", "07700 900123")
    ]
    assert [a["reason"] for a in rows(files, "alerts.csv")] == ["Absent 11% of possible sessions"]
    assert [(c["kind"], c["end"]) for c in rows(files, "circumstances.csv")] == [("Bereavement", "")]
    assert [(n["date"], n["used_by"], n["notice_ref"]) for n in rows(files, "notice_sessions.csv")] == [
        ("2024-09-02", "Penalty notice", "PN-1")
    ]
    log = rows(files, "access_log.csv")
    assert [e["action"] for e in log] == ["people.pupil.viewed"]
    assert (
        "corrector" not in files["access_log.csv"].decode()
        and "corrector" not in files["mark_changes.csv"].decode()
    )
    assert b"Sam" not in b"".join(files.values())  # nothing about the sibling

    readme = files["README.txt"].decode()
    assert "by dsl" in readme and "What is withheld, and why" in readme and "Review before release" in readme
    event = AuditEvent.objects.get(action="privacy.subject_access.exported")
    assert event.actor == dsl and event.pupil == pupil and event.data["rows"]["marks"] == 3


def test_looking_at_the_page_makes_no_export(client, pupil):
    client.force_login(dsl_of(pupil))
    client.get(reverse("privacy:subject-access", args=[pupil.upn]))
    assert not AuditEvent.objects.filter(action="privacy.subject_access.exported").exists()


@pytest.mark.parametrize("role", [R.SCHOOL_OFFICER, R.CLASS_TEACHER, R.ATTENDANCE_LEAD, R.SYSTEM_ADMIN])
def test_other_roles_are_refused(client, pupil, role):
    school = pupil.enrolments.get().school
    client.force_login(make_user(f"u-{role}", role=role, school=school))
    assert client.post(reverse("privacy:subject-access", args=[pupil.upn])).status_code == 403
    assert not AuditEvent.objects.filter(action="privacy.subject_access.exported").exists()


def test_a_dsl_of_another_school_gets_not_found(client, pupil):
    client.force_login(make_user("elsewhere", role=R.DSL, school=make_school(la=make_la())))
    assert client.post(reverse("privacy:subject-access", args=[pupil.upn])).status_code == 404


def test_an_la_manager_of_the_pupils_la_may_export(client, pupil):
    client.force_login(make_user("manager", role=R.LA_MANAGER, local_authority=make_la()))
    response = client.post(reverse("privacy:subject-access", args=[pupil.upn]))
    assert response.status_code == 200 and "README.txt" in read(response.content)


def test_the_command_writes_an_owner_only_archive(tmp_path, pupil, capsys):
    out = tmp_path / "sar.zip"
    call_command("subject_access", pupil.upn, "--out", str(out))
    assert set(read(out.read_bytes())) == FILES
    assert out.stat().st_mode & 0o077 == 0
    assert "Review it before release" in capsys.readouterr().out
    assert AuditEvent.objects.get(action="privacy.subject_access.exported").actor is None
    with pytest.raises(CommandError, match="no pupil"):
        call_command("subject_access", "A000000000000", "--out", str(out))


def test_the_pupil_page_links_to_the_export_for_those_who_may_make_one(client, pupil):
    # The fixture's "=c" mark tests the export's CSV escaping; no import lets such a code in, and the statistics
    # store (built by the pupil page when no test before this one has built it) refuses it.
    Mark.objects.filter(code="=c").delete()
    client.force_login(dsl_of(pupil))
    page = client.get(reverse("web:pupil", args=[pupil.upn])).content.decode()
    assert f'href="{reverse("privacy:subject-access", args=[pupil.upn])}"' in page


def test_the_archive_holds_the_las_missing_education_records(client, pupil, monkeypatch):
    """A children missing education enquiry with its reasonable enquiries, and the deletion return it allowed."""
    from attend.cme.enquiries import open_enquiry, record_check
    from attend.cme.models import RollDeletion

    monkeypatch.setenv("ATTEND_TODAY", "2024-10-10")
    officer = make_user("cme", role=R.LA_OFFICER, local_authority=make_la())
    enquiry = open_enquiry(by=officer, source="school", pupil=pupil, concern="Not seen since 2 September")
    record_check(enquiry, by=officer, kind="home_visit", party="la", done_on=dt.date(2024, 10, 9),
                 done_by_name="A. Officer", result="House empty")  # fmt: skip
    enrolment = pupil.enrolments.get()
    RollDeletion.objects.create(enrolment=enrolment, pupil=pupil, school=enrolment.school, ground="not_given",
                                deleted_on=dt.date(2024, 10, 9), source="import")  # fmt: skip
    client.force_login(make_user("dsl2", role=R.DSL, school=enrolment.school))
    files = read(client.post(reverse("privacy:subject-access", args=[pupil.upn])).content)
    records = [(r["record"], r["reference"], r["status"]) for r in rows(files, "missing_education.csv")]
    assert records == [
        ("CME enquiry", enquiry.ref, "Open"),
        ("Reasonable enquiry", enquiry.ref, "Home visit"),
        ("Deletion return", f"DEL-{RollDeletion.objects.get().pk}", "Not given (a leaving date arrived in an import without a ground)"),
    ]  # fmt: skip
    assert "missing_education.csv" in files["README.txt"].decode()
