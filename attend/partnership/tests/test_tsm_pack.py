"""The targeting support meeting pack: a PDF from the statistics layer, checked with pdftotext and pdfinfo."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.management import call_command

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_user
from attend.demo.tests.shared_load import shared_load, use_copy
from attend.partnership import tsm
from attend.partnership.models_tsm import AgreedAction, SupportMeeting
from attend.people.models import Pupil
from attend.schools.models import School
from attend.stats import queries as q
from attend.web.dashboards import clear_cache

pytestmark = pytest.mark.django_db(transaction=False)

DEMO_DAY = dt.date(2025, 11, 20)


def load_demo_la() -> None:
    call_command(
        "demo", "--no-serve", "--pupils", "300", "--schools", "4", "--end", DEMO_DAY.isoformat(),
        stdout=io.StringIO(),
    )  # fmt: skip


@pytest.fixture(scope="module")
def shared_load_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # Loaded once for the module, rolled back at its end (attend/demo/tests/shared_load.py).
    clear_cache()
    with shared_load(django_db_blocker, tmp_path_factory.mktemp("demo_la"), load_demo_la) as template:
        yield template


@pytest.fixture
def demo_la(request, shared_load_demo, db, settings, tmp_path, monkeypatch):
    use_copy(request, shared_load_demo, tmp_path, settings)
    clear_cache()
    # The demo records this term's meetings itself (demo_tsm); these tests build their own from a clean slate.
    AgreedAction.objects.all().delete()
    SupportMeeting.objects.all().delete()
    monkeypatch.setenv("ATTEND_TODAY", DEMO_DAY.isoformat())
    yield tmp_path
    clear_cache()


def pdf_text(path) -> tuple[str, str, int]:
    """The PDF's text in reading order (flattened), laid out (a table row per line), and its page count."""
    run = {"capture_output": True, "text": True, "check": True}
    flat = " ".join(subprocess.run(["pdftotext", str(path), "-"], **run).stdout.split())
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], **run).stdout
    info = subprocess.run(["pdfinfo", str(path)], **run).stdout
    return flat, layout, int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_the_pack_lists_every_persistent_absentee_with_support_and_last_terms_actions(
    demo_la, tmp_path, client
):
    school = School.objects.order_by("urn").first()
    # The demo LA has a made-up code; give it Birmingham's so the shipped DfE LA and region figures apply.
    school.local_authority.code, school.local_authority.region_name = "330", ""
    school.local_authority.save()
    officer = make_user(
        "tsm.officer", role=Membership.Role.LA_OFFICER, local_authority=school.local_authority
    )
    enrolments = q.enrolment_measures(end=DEMO_DAY, schools=[school], extras=False)
    persistent = enrolments[enrolments["persistent_absence"]]
    severe = enrolments[enrolments["severe_absence"]]
    assert len(persistent) > 0
    first = persistent.sort_values("attendance_pct").iloc[0]
    pupil = Pupil.objects.get(upn=first["upn"])
    # Last term (summer 2024/25) agreed an action for this pupil that is still unfinished.
    summer = SupportMeeting.objects.create(
        school=school, start_year=2024, term="summer", status="held", meeting_date=dt.date(2025, 6, 18),
        attendees="LA and school", record="Reviewed absentees",
    )  # fmt: skip
    AgreedAction.objects.create(
        meeting=summer, pupil=pupil, action="Family support worker visit", lead_practitioner="Dana Cole",
        due_date=dt.date(2025, 7, 11),
    )  # fmt: skip
    meeting = tsm.record_meeting(
        school, by=officer, status="held", meeting_date=dt.date(2025, 11, 19), attendees="Jo (LA), Head",
        record="Reviewed the pack",
    )  # fmt: skip
    agreed = tsm.agree_action(
        meeting, by=officer, upn=pupil.upn, action="Attendance contract", lead_practitioner="Jo"
    )

    out = tmp_path / "pack.pdf"
    stdout = io.StringIO()
    call_command(
        "tsm", "pack", "--school", str(school.urn), "--as-of", "2025-11-20", "--out", str(out), stdout=stdout
    )
    assert f"Wrote {out}" in stdout.getvalue()
    flat, text, pages = pdf_text(out)
    assert school.name in flat and "Autumn 2025/26" in flat
    assert "figures for the academic year to 20 November 2025" in flat
    for heading in ("The school against the LA, region and England", "Cohorts: year groups", "Trend: weekly",
                    "Last term's agreed actions", "Persistent and severe absentees this year"):  # fmt: skip
        assert heading in flat
    assert "LA: Birmingham" in flat and "Region: West Midlands" in flat and "England: England" not in flat
    # Every persistent absentee, by UPN, once; the severe ones marked.
    listing = " ".join(text.split())
    listing = listing[listing.index("Persistent and severe absentees this year") :]
    for upn in persistent["upn"]:
        assert listing.count(upn) == 1, upn
    severe_lines = [
        ln for ln in text.splitlines() if re.search(r"\bSevere\b", ln) and re.search(r"[A-Z]\d{12}", ln)
    ]
    assert sorted(re.search(r"[A-Z]\d{12}", ln).group() for ln in severe_lines) == sorted(severe["upn"])
    assert f"{len(persistent)} persistent absentees this year, of whom {len(severe)} severely absent" in flat
    # Days missed and current support for the most absent pupil.
    row = next(line for line in text.splitlines() if pupil.upn in line and "Case" in line)
    assert f"{first['overall_absence'] / 2:.1f} of" in row and f"{first['attendance_pct']:.1f}%" in row
    assert f"Case {agreed.case.ref}: {agreed.case.get_stage_display()}" in row
    # Last term's action, now carried into this term's meeting.
    assert "Family support worker visit" in flat and "Dana Cole" in flat
    assert "Carried over to the next meeting (overdue)" in flat
    assert "Carried into this term's meeting for review: 1 unfinished action" in flat
    assert pages == 4, "summary and cohorts; trend; last term's actions; the absentee list"

    # The same pack from the school's page, downloaded and audited.
    client.force_login(officer)
    response = client.get(f"/partnership/tsm/schools/{school.urn}/pack.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert f'filename="tsm-pack-{school.urn}-2025-11-20.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="partnership.tsm_pack.downloaded")
    assert (event.school_id, event.actor_id) == (school.pk, officer.pk)


def test_the_pack_command_refuses_an_unknown_school(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No school has URN 999999"):
        call_command("tsm", "pack", "--school", "999999", "--out", str(tmp_path / "x.pdf"))


def test_the_demo_has_a_meeting_per_school_this_term_with_carried_over_and_overdue_actions(demo_la):
    from attend.partnership.demo_tsm import add_demo_tsm

    school = School.objects.order_by("urn").first()
    officer = make_user(
        "tsm.officer", role=Membership.Role.LA_OFFICER, local_authority=school.local_authority
    )
    counts = add_demo_tsm(school.local_authority.code, by=officer, as_of=DEMO_DAY)
    assert counts == {"held": 2, "offered": 1, "declined": 1, "actions": 8}
    view = tsm.term_overview(School.objects.all(), DEMO_DAY)
    assert sorted(r.status_label for r in view["rows"]) == ["Declined", "Held", "Held", "Offered"]
    [declined] = [r for r in view["rows"] if r.status_label == "Declined"]
    assert declined.school.independent and not declined.unusual_decline  # an independent school: ordinary
    assert School.objects.filter(independent=True).count() == 1
    # Each held school: last term's unfinished action carried over (and overdue), two new ones this term.
    assert [r.open_actions for r in view["rows"] if r.status_label == "Held"] == [3, 3]
    assert len(view["overdue"]) == 2 and all(a.carried_from_id for a in view["overdue"])
    assert AgreedAction.objects.filter(status="done").count() == 2
