"""Issue 23 item 2: a recorded part-time timetable is on the pupil page (start, end, review date, status), and the
timetable alerts' next step links to it, on the pupil page and in the work list."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert, OfficerAssignment
from attend.casework.tests.factories import make_part_time_timetable
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.models import Enrolment

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 19)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    monkeypatch.setenv("ATTEND_WEB_TODAY", TODAY.isoformat())
    school = make_school(name="Alder Primary")
    other = make_school(name="Beech Primary")
    pupil = make_pupil(school=school, surname="Timetabled")
    officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=school)
    return {"school": school, "other": other, "pupil": pupil, "officer": officer}


def _alert(pupil, school, rule, reason="C2 on 4 sessions after the timetable's review date"):
    enrolment = Enrolment.objects.get(pupil=pupil, school=school)
    return Alert.objects.create(
        rule=rule, pupil=pupil, enrolment=enrolment, school=school, raised_on=TODAY, last_evaluated_on=TODAY,
        reason=reason, evidence=[["2025-11-18", "PM", "C2"]], measure=4, peak_measure=4,
    )  # fmt: skip


def test_the_pupil_page_shows_the_timetables_dates_and_status(client, world):
    pupil, school = world["pupil"], world["school"]
    make_part_time_timetable(pupil, school, start=dt.date(2025, 9, 8), end=dt.date(2025, 10, 17),
                             review_date=dt.date(2025, 10, 3), status="ended")  # fmt: skip
    current = make_part_time_timetable(pupil, school)  # 3 Nov to 19 Dec, review by 28 Nov
    client.force_login(world["officer"])
    response = client.get(f"/pupils/{pupil.upn}/")
    page = text(response)
    assert "Part-time timetables" in page
    assert (
        "In place 3 November 2025 part-time timetable 19 December 2025 28 November 2025 6 of 10 Alder Primary"
        in page
    )
    assert (
        "Ended: back to full time 8 September 2025 part-time timetable 17 October 2025 3 October 2025" in page
    )
    body = response.content.decode()
    assert f'href="/partnership/timetables/{current.pk}/review/"' in body
    assert "Review the timetable from 3 November 2025" in page
    assert 'id="part-time-timetable"' in body


def test_a_timetable_past_its_review_date_says_so(client, world, monkeypatch):
    make_part_time_timetable(world["pupil"], world["school"], review_date=dt.date(2025, 11, 18))
    client.force_login(world["officer"])
    page = text(client.get(f"/pupils/{world['pupil'].upn}/"))
    assert "Review overdue 3 November 2025" in page
    make_part_time_timetable(world["pupil"], world["school"], start=dt.date(2025, 11, 4),
                             review_date=dt.date(2025, 11, 19))  # fmt: skip
    page = text(client.get(f"/pupils/{world['pupil'].upn}/"))
    assert "In place 4 November 2025" in page  # due today is not yet overdue


def test_another_schools_timetable_is_not_shown(client, world):
    make_part_time_timetable(world["pupil"], world["other"], start=dt.date(2025, 9, 1))
    client.force_login(world["officer"])
    page = text(client.get(f"/pupils/{world['pupil'].upn}/"))
    assert "1 September 2025" not in page and "Beech Primary" not in page
    assert "No part-time timetable recorded." in page


def test_the_timetable_alerts_next_step_links_to_the_panel(client, world):
    pupil, school = world["pupil"], world["school"]
    make_part_time_timetable(pupil, school)
    _alert(pupil, school, "timetable_review_due")
    client.force_login(world["officer"])
    body = client.get(f"/pupils/{pupil.upn}/").content.decode()
    assert (
        '<a class="govuk-link" href="#part-time-timetable">Record or review the part-time timetable</a>'
        in body
    )
    alerts_page = client.get(f"/work/pupils/{pupil.upn}/").content.decode()
    assert (
        f'href="/pupils/{pupil.upn}/#part-time-timetable">Record or review the part-time timetable</a>'
        in alerts_page
    )
    OfficerAssignment.objects.create(school=school, side="school", officer=world["officer"])
    listing = client.get("/work/?list=all").content.decode()
    assert (
        f'<a class="govuk-link" href="/pupils/{pupil.upn}/#part-time-timetable">'
        "Review the timetable with the family: extend it with a new date, or end it</a>"
    ) in listing
