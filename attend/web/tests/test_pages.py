"""The web pages, through Django's test client, on the demo LA: what a signed-in user sees."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from attend.alerts.models import OPEN_STATUSES, Alert
from attend.audit.models import AuditEvent
from attend.core.scoping import pupils_visible_to
from attend.people.models import Pupil
from attend.schools.models import School

pytestmark = pytest.mark.django_db(transaction=False)


def signed_in(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_home_starts_with_the_work_and_the_work_list_opens_a_pupil(client, demo_la):
    user = signed_in(client, "school.officer")
    home = client.get("/")
    page = text(home)
    assert "Your work today" in page and "Today's call list" in page and "Open alerts" in page
    assert "No casework recorded yet" in page
    open_alerts = Alert.objects.filter(
        status__in=OPEN_STATUSES, pupil__in=pupils_visible_to(user).values("pk")
    ).exclude(rule__in=("first_day", "missing_register"))
    assert f"{open_alerts.count()} open alert" in page

    work = client.get("/work/?rule=persistent_absence")
    assert work.status_code == 200
    first = open_alerts.filter(rule="persistent_absence").order_by("priority", "-raised_on").first()
    link = f'href="/pupils/{first.pupil.upn}/"'
    assert link in work.content.decode()
    # Only this school's pupils: the school officer sees no other school's alerts.
    school = user.memberships.get().school
    others = Alert.objects.exclude(school=school).exclude(pupil=None).first()
    assert f"/pupils/{others.pupil.upn}/" not in work.content.decode()


def test_pupil_page_shows_calendar_reasons_and_comparisons_and_is_audited(client, demo_la):
    signed_in(client, "la.officer")
    pupil = Pupil.objects.filter(alerts__rule="persistent_absence").distinct().order_by("upn").first()
    response = client.get(f"/pupils/{pupil.upn}/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert pupil.legal_surname in page and pupil.upn in page
    assert "Session calendar" in page and "Reasons for absence" in page and "days missed" in page
    # The calendar: one rectangle per session, each with its code on hover.
    assert html.count('class="attend-calendar__session"') == pupil.enrolments.first().marks.count()
    assert re.search(r"<title>\w{3} \d+ \w{3} (morning|afternoon): \S+ – ", html)
    for label in ("Present", "Authorised absence", "Unauthorised absence"):
        assert label in page  # the key
    assert "This pupil" in page and "England (" in page
    assert "Persistent absence" in page  # the alert
    assert 'id="casework"' in html  # the casework panel (attend/casework/tests/test_pupil_panel.py)
    assert AuditEvent.objects.filter(action="people.pupil.viewed", pupil=pupil).exists()
    assert f'href="/work/pupils/{pupil.upn}/"' in html
    # An LA officer cannot make a subject-access export (DSLs, headteachers and LA managers can): no link.
    assert "/privacy/subject-access/" not in html


def test_pupils_outside_the_users_scope_are_not_found(client, demo_la):
    user = signed_in(client, "school.officer")
    school = user.memberships.get().school
    elsewhere = Pupil.objects.exclude(enrolments__school=school).first()
    assert client.get(f"/pupils/{elsewhere.upn}/").status_code == 404
    assert f"/pupils/{elsewhere.upn}/" not in client.post("/pupils/", {"q": elsewhere.upn}).content.decode()
    mine = Pupil.objects.filter(enrolments__school=school).first()
    found = client.post("/pupils/", {"q": mine.upn}).content.decode()
    assert f"/pupils/{mine.upn}/" in found
    by_name = client.post(
        "/pupils/", {"q": f"{mine.legal_forename[:3]} {mine.legal_surname}"}
    ).content.decode()
    assert f"/pupils/{mine.upn}/" in by_name
    other = School.objects.exclude(pk=school.pk).first()
    assert client.get(f"/schools/{other.urn}/").status_code == 404
    assert client.get("/la/").status_code == 403


def test_school_dashboard_lists_and_csv_export(client, demo_la):
    signed_in(client, "la.officer")
    school = School.objects.order_by("urn").first()
    page = text(client.get(f"/schools/{school.urn}/"))
    for heading in (
        "Attendance and absence with comparators",
        "Weekly trend",
        "Day of the week",
        "Year groups",
        "Free school meals",
        "Special educational needs",
        "Ethnicity",
        "Looked after",
        "Region: South West",  # the demo LA is in a real region (issue 23)
    ):
        assert heading in page, heading
    assert "England: England" not in page
    html = client.get(f"/schools/{school.urn}/").content.decode()
    assert html.count('<svg class="attend-chart"') == 2 and html.count('role="img"') == 2

    pa = client.get(f"/schools/{school.urn}/pupils/?list=pa")
    assert pa.status_code == 200 and "Persistently absent pupils" in text(pa)
    exported = client.get(f"/schools/{school.urn}/pupils.csv?list=pa")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows and all(r["Persistent absence"] == "Yes" for r in rows)
    assert all(float(r["Attendance %"]) < 90.0 + 1e-9 for r in rows)
    listed = re.findall(r'href="/pupils/(\w+)/"', pa.content.decode())
    assert sorted(listed) == sorted(r["UPN"] for r in rows)
    assert AuditEvent.objects.filter(action="web.pupil_list.exported", school=school).exists()

    # Filters narrow the list; htmx asks for the table alone.
    girls = client.get(f"/schools/{school.urn}/pupils.csv?list=all&sex=F")
    sexes = {Pupil.objects.get(upn=r["UPN"]).sex for r in csv.DictReader(io.StringIO(girls.content.decode()))}
    assert sexes == {"F"}
    partial = client.get(f"/schools/{school.urn}/pupils/?list=all&sex=F", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "pupil-list" in partial.content.decode()


def test_la_dashboard_sorts_schools_and_drills_down(client, demo_la):
    signed_in(client, "la.officer")
    response = client.get("/la/?sort=pa_perc&order=desc")
    html = response.content.decode()
    assert "Schools side by side" in text(response) and "Demoshire" in text(response)
    urns = [int(u) for u in re.findall(r'href="/schools/(\d+)/"', html)]
    assert sorted(urns) == sorted(School.objects.values_list("urn", flat=True))
    table = html.split('data-testid="la-schools"')[1]
    pa_column = [
        float(v)
        for v in re.findall(r"<td[^>]*>([\d.]+)%</td>\s*<td[^>]*>[\d.–%]+</td>\s*<td[^>]*>[^<]*pts", table)
    ]
    assert len(pa_column) == len(urns) and pa_column == sorted(pa_column, reverse=True)
    assert 'aria-sort="descending"' in html


def test_dashboard_groups_match_the_statistics_api(demo_la):
    from attend.core import clock
    from attend.stats import queries as q
    from attend.web import dashboards

    school = School.objects.order_by("urn").first()
    today = clock.today()
    overview = dashboards.school_overview(school, today)
    fsm = next(g for g in overview["groups"] if g["field"] == "fsm")["rows"]
    expected = q.group_measures("fsm", end=today, schools=[school])
    assert [(r["value"], r["pupils"]) for r in fsm] == [
        (str(v), n) for v, n in zip(expected["fsm"], expected["pupils"], strict=True)
    ]
    for mine, theirs in zip(fsm, expected.to_dict("records"), strict=True):
        assert mine["overall_absence_perc"] == pytest.approx(theirs["overall_absence_perc"])
        assert mine["pa_perc"] == pytest.approx(theirs["pa_perc"])
    years = q.group_measures("nc_year", end=today, schools=[school])
    assert [r["nc_year"] for r in overview["years"]] == [str(y) for y in years["nc_year"]]
    assert [r["overall_absence_perc"] for r in overview["years"]] == pytest.approx(
        years["overall_absence_perc"].tolist()
    )


def test_trust_dashboard_shows_the_trusts_schools_for_a_trust_member(client, demo_la):
    from attend.accounts.models import Membership
    from attend.core.tests.factories import make_user
    from attend.schools.models import Trust

    trust = Trust.objects.filter(schools__isnull=False).order_by("name").first()
    user = make_user("trust.lead", role=Membership.Role.ATTENDANCE_LEAD, trust=trust)
    client.force_login(user)
    assert "Trusts" in text(client.get("/"))
    listing = client.get("/trusts/")
    assert f"/trusts/{trust.pk}/" in listing.content.decode()
    page = client.get(f"/trusts/{trust.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    for school in trust.schools.all():
        assert f'href="/schools/{school.urn}/"' in body
    others = School.objects.exclude(trust=trust)
    assert all(f'href="/schools/{s.urn}/"' not in body for s in others)
    assert "England" in text(page)
    other_trust = Trust.objects.exclude(pk=trust.pk).first()
    if other_trust is not None:
        assert client.get(f"/trusts/{other_trust.pk}/").status_code == 404


def test_every_school_figures_are_the_single_school_figures(demo_la):
    """The dashboards compute all schools at once; each school's slice must be exactly its own query's result."""
    from attend.core import clock
    from attend.stats import queries as q
    from attend.web import dashboards

    today = clock.today()
    every = dashboards.every_school(today)
    schools = list(School.objects.order_by("urn"))
    assert len(every["rows"]) == len(schools)
    for school in schools:
        assert (
            every["rows"][school.pk] == dashboards.records(q.school_measures(end=today, schools=[school]))[0]
        )
        assert every["trend"][school.pk] == dashboards.records(
            q.weekly_trend(end=today, schools=[school], phase=school.phase)
        )
        assert every["weekday"][school.pk] == dashboards.records(
            q.weekday_breakdown(end=today, schools=[school])
        )
        single = q.enrolment_measures(end=today, schools=[school], extras=False)
        assert len(single) > 0
        pd.testing.assert_frame_equal(every["enrolments"][school.urn], single)
