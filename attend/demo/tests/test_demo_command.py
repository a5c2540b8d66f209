"""`attend demo --no-serve` end to end: generate, import through `attend import`, create the demo users."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max
from django.test import Client

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.core import clock
from attend.people.models import Enrolment, Pupil
from attend.registers.models import ImportRun, Mark
from attend.schools.models import LocalAuthority, NonSchoolDay, School, Term


@pytest.mark.django_db
def test_demo_loads_the_la_once_and_prints_sign_in_details(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    # Started on a Saturday: the data ends on Friday, and the demo's today is that Friday, not the Saturday.
    saturday = "2025-11-22"
    call_command("demo", "--no-serve", "--pupils", "300", "--schools", "4", "--end", saturday, stdout=out)
    printed = out.getvalue()

    folder = tmp_path / "demo"
    pupils = pd.read_csv(folder / "pupils.csv", dtype=str, keep_default_na=False)
    marks = pd.read_csv(folder / "marks.csv", dtype=str, keep_default_na=False)
    la = LocalAuthority.objects.get(code="999")  # the demo's (its CME enquiries add a real LA)
    assert (la.code, la.name) == ("999", "Demoshire County Council (DEMO)")
    assert sorted(School.objects.values_list("phase", flat=True)) == [
        "primary",
        "pru_ap",
        "secondary",
        "special",
    ]
    assert Term.objects.count() == 4 * 6
    assert NonSchoolDay.objects.filter(reason="INSET day").count() == 4 * 5
    assert Pupil.objects.count() == pupils.upn.nunique() == 300
    # One enrolment more than the file: a child back at school after home education (attend.cme.demo_ehe).
    assert Enrolment.objects.count() == len(pupils) + 1
    # Every mark in the file was imported; the demo's deletions from the roll then remove the register after each
    # deletion day (a deleted pupil has no marks after it: attend.cme.demo_roll, demo_ehe).
    run = ImportRun.objects.get(kind="marks")
    assert run.rows == run.created == len(marks) > 20_000
    from attend.cme.models import RollDeletion

    deleted = set(RollDeletion.objects.values_list("pupil__upn", flat=True))
    others = Mark.objects.exclude(enrolment__pupil__upn__in=deleted).count()
    assert deleted and others == int((~marks.upn.isin(deleted)).sum()) < len(marks)
    loaded = Mark.objects.count()
    assert Mark.objects.filter(code="N").exists()

    User = get_user_model()
    officer = User.objects.get(username="la.officer")
    assert officer.check_password("demo-la-officer-pw")
    assert Membership.objects.get(user=officer).local_authority == la
    school_officer = Membership.objects.get(user__username="school.officer")
    assert (school_officer.role, school_officer.school.phase) == ("school_officer", "primary")
    assert User.objects.get(username="admin").is_superuser
    assert "la.officer      password demo-la-officer-pw" in printed
    assert "First run: generating the demo local authority (300 pupils, 4 schools, seed 1)" in printed
    assert "importing marks.csv" in printed
    # The alert rules ran over the imported marks, so the work list is not empty on first sign-in.
    assert Mark.objects.aggregate(last=Max("date"))["last"] == dt.date(2025, 11, 21)
    assert clock.today() == dt.date(2025, 11, 21)
    assert "evaluating alert rules as of 2025-11-21" in printed
    assert "The demo's today is Friday 21 November 2025 (the last school day in the demo data)" in printed
    assert Alert.objects.filter(rule="persistent_absence", status="new", raised_on="2025-11-21").count() >= 10
    assert not Alert.objects.exclude(raised_on="2025-11-21").exists()

    # The demo officers can sign in and see the home page.
    client = Client()
    response = client.post("/sign-in/", {"username": "la.officer", "password": "demo-la-officer-pw"})
    assert response.status_code == 302, response.content[:500]
    home = client.get("/")
    assert home.status_code == 200
    page = " ".join(home.content.decode().split())
    assert "LA attendance officer – Demoshire County Council (DEMO) (999)" in page
    # Every page says which day it treats as today, and the home page's work is that day's.
    assert (
        "Attend is treating Friday 21 November 2025 as today: the last school day in the demo data." in page
    )
    assert "Friday 21 November 2025</span>" in page
    assert "No first-day calls today" not in page

    # A second run loads nothing and still prints the sign-in details.
    again = io.StringIO()
    call_command("demo", "--no-serve", "--pupils", "300", "--schools", "4", stdout=again)
    assert "already has schools: not loading the demo data again" in again.getvalue()
    assert "The demo's today is Friday 21 November 2025" in again.getvalue()
    assert "school.officer  password demo-school-officer-pw" in again.getvalue()
    assert Mark.objects.count() == loaded  # nothing loaded twice
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "admin",
        "la.officer",
        "school.officer",
        "social.worker",
    ]


@pytest.mark.django_db
def test_generate_command_writes_the_five_files(tmp_path):
    out = io.StringIO()
    call_command(
        "generate", "--pupils", "200", "--schools", "5", "--seed", "3", "--out", str(tmp_path),
        "--start", "2025-09-01", "--end", "2025-10-10", stdout=out,
    )  # fmt: skip
    for name in ("schools.csv", "calendar.csv", "pupils.csv", "contacts.csv", "marks.csv"):
        assert (tmp_path / name).exists()
    marks = pd.read_csv(tmp_path / "marks.csv", dtype=str)
    assert (marks.date.min(), marks.date.max()) == ("2025-09-03", "2025-10-10")  # 1-2 September: INSET
    assert "marks 2025-09-01 to 2025-10-10 (seed 3)" in out.getvalue()
