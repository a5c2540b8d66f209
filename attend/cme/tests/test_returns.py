"""The LA's termly return: CME enquiries, home education, deletion returns by ground and s19 decisions, per term
of the LA's schools, with exact numbers; the page and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.cme import returns
from attend.cme.models import CmeEnquiry, HomeEducation, ProvisionDecision, RollDeletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Enrolment
from attend.schools.models import AcademicYear, Term

from .s19_world import TODAY, add_terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00"))


def enquiry(la, school, opened: str, *, closed: str = "", outcome: str = "") -> CmeEnquiry:
    pupil = make_pupil(school=school)
    case, _ = open_case(by=None, pupil=pupil, school=school)
    return CmeEnquiry.objects.create(
        ref=f"CME-{pupil.pk:06d}", case=case, pupil=pupil, school=school, local_authority=la, source="alert",
        concern="Not seen for 20 days", opened_at=at(opened), status="closed" if closed else "open",
        outcome=outcome, outcome_on=dt.date.fromisoformat(closed) if closed else None,
        closed_at=at(closed) if closed else None,
    )  # fmt: skip


def ehe(
    la, notice: str, *, started: str = "", status="home_educated", ended: str = "", **flags
) -> HomeEducation:
    return HomeEducation.objects.create(
        ref=f"EHE-{HomeEducation.objects.count() + 1:06d}", local_authority=la, notice_received_on=notice,
        notice_from_name="A parent", status=status, started_on=started or None, ended_on=ended or None, **flags,
    )  # fmt: skip


def deletion(school, ground: str, on: str, corrects=None) -> RollDeletion:
    pupil = make_pupil(school=school)
    enrolment = Enrolment.objects.get(pupil=pupil)
    return RollDeletion.objects.create(
        enrolment=enrolment, pupil=pupil, school=school, ground=ground, deleted_on=on, corrects=corrects
    )


def decision(la, school, trigger: str, choice: str, on: str) -> ProvisionDecision:
    return ProvisionDecision.objects.create(
        pupil=make_pupil(school=school), school=school, local_authority=la, trigger=trigger, days_counted=15,
        counted_from="2025-09-15", counted_to=on, decision=choice, reason="", decided_on=on,
    )  # fmt: skip


@pytest.fixture
def north():
    la, south = make_la("201", "Northshire"), make_la("202", "Southshire")
    school = make_school(la=la, name="Alder Primary")
    add_terms(school)
    other = make_school(
        la=la, name="Beech Primary"
    )  # its Autumn 2 runs 4 Nov to 18 Dec: inside the LA's term
    Term.objects.create(school=other, academic_year=AcademicYear.objects.get(start_year=2025), name="Autumn 2",
                        start_date=dt.date(2025, 11, 4), end_date=dt.date(2025, 12, 18))  # fmt: skip
    enquiry(la, school, "2025-10-01")  # open through both terms
    enquiry(la, school, "2025-11-05", closed="2025-11-12", outcome="found_other_la")
    enquiry(la, school, "2025-09-10", closed="2025-11-20", outcome="not_found")
    enquiry(la, school, "2025-12-01")
    enquiry(south, make_school(la=south), "2025-11-10")  # another LA's: not counted
    ehe(la, "2025-11-04", started="2025-11-10", ehc_plan=True)
    ehe(la, "2025-06-01", started="2025-06-10", child_protection_plan=True)
    ehe(la, "2025-09-15", started="2025-09-20", status="returned", ended="2025-11-25")
    ehe(la, "2025-12-10", status="notice_received")
    deletion(school, "a", "2025-11-05")
    wrong = deletion(school, "a", "2025-11-06")
    deletion(
        school, "f", "2025-11-06", corrects=wrong
    )  # the correction counts, the corrected return does not
    deletion(school, "i", "2025-10-10")  # Autumn 1
    decision(la, school, "health", "arranging", "2025-11-10")
    decision(la, school, "health", "arranging", "2025-12-02")
    decision(la, school, "suspension", "school_providing", "2025-11-18")
    decision(la, school, "health", "not_needed", "2025-10-20")  # Autumn 1
    return la


def figures(la, key: str) -> dict[tuple[str, str], int]:
    term = returns.term_for(la, key, TODAY)
    return {(measure, breakdown): n for _, measure, breakdown, n in returns.termly_return(la, term)}


def test_the_las_terms_span_its_schools_terms(north):
    assert [(t.key, t.start, t.end) for t in returns.la_terms(north)] == [
        ("2025:Autumn 1", dt.date(2025, 9, 3), dt.date(2025, 10, 24)),
        ("2025:Autumn 2", dt.date(2025, 11, 3), dt.date(2025, 12, 19)),
    ]
    assert returns.term_for(north, None, TODAY).name == "Autumn 2"  # the term under way


def test_autumn_2_figures(north):
    f = figures(north, "2025:Autumn 2")
    assert f[("Enquiries opened", "")] == 2
    assert f[("Enquiries closed", "Found: in another LA (referred to that LA)")] == 1
    assert f[("Enquiries closed", "Not found after reasonable enquiries")] == 1
    assert f[("Enquiries closed", "Found: home educated")] == 0
    assert f[("Enquiries open at the end of the term", "")] == 2
    assert f[("Notices received", "")] == 2
    assert f[("Children home educated at the end of the term", "")] == 2
    assert f[("Children home educated at the end of the term", "With an EHC plan")] == 1
    assert f[("Children home educated at the end of the term", "With a child protection plan")] == 1
    assert f[("Returned to school", "")] == 1
    assert f[("Deletions from the roll", "(a) Registered at another school")] == 1
    assert f[("Deletions from the roll", returns.DeletionGround.F.label)] == 1
    assert f[("Deletions from the roll", returns.DeletionGround.I.label)] == 0
    assert f[("Health: 15 school days missed or expected", "The LA is arranging education (s19)")] == 2
    assert f[("Suspension beyond five school days", "The school is providing suitable education")] == 1
    assert f[("Health: 15 school days missed or expected", "Not needed (reason recorded)")] == 0


def test_autumn_1_figures(north):
    f = figures(north, "2025:Autumn 1")
    assert f[("Enquiries opened", "")] == 2
    assert sum(n for (m, _), n in f.items() if m == "Enquiries closed") == 0
    assert f[("Enquiries open at the end of the term", "")] == 2
    assert (
        f[("Children home educated at the end of the term", "")] == 2
    )  # June's, and September's not yet back
    assert f[("Deletions from the roll", returns.DeletionGround.I.label)] == 1
    assert f[("Health: 15 school days missed or expected", "Not needed (reason recorded)")] == 1


def test_the_csv_for_the_las_officer_and_its_audit(client, north):
    client.force_login(make_user("la1", role="la_officer", local_authority=north))
    response = client.get("/cme/returns/", {"term": "2025:Autumn 2", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="cme-return-201-2025-autumn-2.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == returns.CSV_HEADER
    assert lines[1] == ["201", "Northshire", "2025/26 Autumn 2", "2025-11-03", "2025-12-19",
                        "Children missing education", "Enquiries opened", "", "2"]  # fmt: skip
    assert len(lines) == 1 + 7 + 5 + len(returns.DeletionGround.choices) + 12
    assert AuditEvent.objects.filter(action="cme.returns.exported", data__term="2025/26 Autumn 2").exists()
    page = client.get("/cme/returns/").content.decode()
    assert "Northshire, 2025/26 Autumn 2: 3 November 2025 to 19 December 2025." in page


def test_other_las_and_schools_do_not_see_the_return(client, north):
    client.force_login(make_user("la2", role="la_officer", local_authority=make_la("202")))
    assert "schools have no terms recorded yet" in client.get("/cme/returns/").content.decode()
    client.force_login(make_user("sch", role="school_officer", school=north.schools.first()))
    assert client.get("/cme/returns/", {"format": "csv"}).status_code == 403
