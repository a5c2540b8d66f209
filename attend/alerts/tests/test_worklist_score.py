"""The work-list score: every part named, and the parts add up (hand-built alerts)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership, PupilLink, User
from attend.alerts import worklist
from attend.alerts.models import Alert

from .factories import make_enrolment, make_pupil, make_school

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 14)


def _alert(enrolment, rule, *, since=None, measure=10.0, raised_measure=10.0, raised_on=TODAY, **kwargs):
    return Alert.objects.create(
        rule=rule,
        pupil=enrolment.pupil,
        enrolment=enrolment,
        school=enrolment.school,
        raised_on=raised_on,
        last_evaluated_on=TODAY,
        reason=f"{rule} reason",
        measure=measure,
        peak_measure=measure,
        raised_measure=raised_measure,
        details={"since": since.isoformat()} if since else {},
        **kwargs,
    )


def test_score_parts_weight_others_vulnerability_new_and_worse():
    school = make_school()
    enrolment = make_enrolment(school, make_pupil(looked_after=True, child_in_need=True, sen_status="E"))
    penalty = _alert(enrolment, "penalty_threshold", since=TODAY - dt.timedelta(days=6))
    _alert(
        enrolment,
        "persistent_absence",
        measure=14.0,
        raised_measure=11.0,
        raised_on=TODAY - dt.timedelta(days=30),
    )
    _alert(enrolment, "sharp_drop", raised_on=TODAY - dt.timedelta(days=20))
    (row,) = worklist.group_rows(list(Alert.objects.all()), TODAY)
    assert row.top == penalty and row.today is True
    assert row.because == [
        ("Penalty notice threshold reached", 60),
        ("also persistent absence, sharp drop in attendance", 10),
        ("Looked after, child in need (has a social worker)", 30),
        ("EHC plan", 10),
        ("newly raised (since 8 Nov)", 15),
        ("worse since raised (persistent absence: 11 to 14)", 10),
    ]
    assert row.score == 135
    assert row.because_text.startswith("Penalty notice threshold reached 60; also persistent absence")


def test_a_threshold_met_more_than_7_days_ago_is_not_on_todays_list_and_earns_no_new_points():
    enrolment = make_enrolment(make_school())
    _alert(enrolment, "penalty_threshold", since=TODAY - dt.timedelta(days=7))
    (row,) = worklist.group_rows(list(Alert.objects.all()), TODAY)
    assert row.today is False and row.score == 60


def test_a_linked_social_worker_counts_when_no_care_flag_is_recorded():
    enrolment = make_enrolment(make_school())
    _alert(enrolment, "cme_20_days")
    worker = User.objects.create_user("sw")
    Membership.objects.create(user=worker, role=Membership.Role.SOCIAL_WORKER, school=enrolment.school)
    PupilLink.objects.create(user=worker, pupil=enrolment.pupil, reason="Allocated social worker")
    (row,) = worklist.group_rows(list(Alert.objects.all()), TODAY)
    assert row.because == [
        ("20 days' continuous absence: possible child missing education", 100),
        ("Has a social worker (linked in Attend)", 20),
        ("newly raised (since 14 Nov)", 15),
    ]
    assert row.today is True and row.score == 135
