"""The home page (issue 23 items 1 and 15): "N raised today" counts every alert raised today, not the 20 rows a
list was capped at, and the page's "today" is the service's pinned today (ATTEND_WEB_TODAY included)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 11, 19)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _alert(pupil, school, raised_on: dt.date, rule: str = "persistent_absence") -> Alert:
    return Alert.objects.create(
        rule=rule,
        pupil=pupil,
        enrolment=pupil.enrolments.first(),
        school=school,
        raised_on=raised_on,
        last_evaluated_on=WEDNESDAY,
        reason="Attendance 85.0% this year",
        measure=15.0,
        peak_measure=15.0,
    )


@pytest.fixture
def officer_with_alerts(client, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", WEDNESDAY.isoformat())
    la = make_la()
    school = make_school(la=la, name="Riverside Primary")
    for n in range(25):
        _alert(make_pupil(school=school, surname=f"Today{n:02d}"), school, WEDNESDAY)
    for n in range(3):
        _alert(make_pupil(school=school, surname=f"Earlier{n}"), school, WEDNESDAY - dt.timedelta(days=7))
    officer = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    client.force_login(officer)
    return officer


def test_home_counts_every_alert_raised_today_not_the_first_twenty(client, officer_with_alerts):
    page = text(client.get("/"))
    assert "28 open alerts, 25 raised today." in page


def test_home_says_none_raised_today_when_every_open_alert_is_older(client, officer_with_alerts):
    Alert.objects.filter(raised_on=WEDNESDAY).update(raised_on=WEDNESDAY - dt.timedelta(days=1))
    page = text(client.get("/"))
    assert "28 open alerts." in page
    assert "raised today" not in page


def test_home_counts_one_raised_today_in_the_singular(client, officer_with_alerts):
    Alert.objects.filter(raised_on=WEDNESDAY).exclude(
        pk=Alert.objects.filter(raised_on=WEDNESDAY).first().pk
    ).update(raised_on=WEDNESDAY - dt.timedelta(days=1))
    assert "28 open alerts, 1 raised today." in text(client.get("/"))


def test_home_is_as_of_attend_web_today_when_only_that_is_set(client, monkeypatch):
    monkeypatch.delenv("ATTEND_TODAY", raising=False)
    monkeypatch.setenv("ATTEND_WEB_TODAY", WEDNESDAY.isoformat())
    school = make_school(name="Riverside Primary")
    pupil = make_pupil(school=school)
    _alert(pupil, school, WEDNESDAY)
    client.force_login(make_user(role=Membership.Role.LA_OFFICER, local_authority=school.local_authority))
    page = text(client.get("/"))
    assert "Wednesday 19 November 2025" in page  # the caption over "Your work today"
    assert "1 open alert, 1 raised today." in page
    assert "Pupils on roll on 19 November 2025" in page
