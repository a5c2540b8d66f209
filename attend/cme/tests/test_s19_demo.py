"""The demo hook: the demo LA ends with one s19 health decision recorded and one due."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.cme import demo_s19
from attend.cme.models import ProvisionDecision
from attend.core.tests.factories import make_pupil
from attend.people.models import Enrolment

from .s19_world import TODAY, school_with_pupil, write_register

pytestmark = pytest.mark.django_db


def test_seed_records_one_decision_and_leaves_one_due_and_runs_twice(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    school, _, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY)  # present every day: the demo gave no case
    other = Enrolment.objects.get(pupil=make_pupil(school=school, surname="Second"))
    write_register(other, dt.date(2025, 9, 3), TODAY)

    assert demo_s19.seed(school.local_authority, TODAY) == {"recorded": 1, "raised": 1}
    decision = ProvisionDecision.objects.get()
    assert (decision.trigger, decision.decision, decision.days_counted) == ("health", "arranging", 15)
    due = Alert.objects.get(rule="s19_health", status="new")
    assert due.pupil != decision.pupil and due.reason.startswith("15 school days missed for health")

    assert demo_s19.seed(school.local_authority, TODAY) == {"recorded": 0, "raised": 0}
    assert ProvisionDecision.objects.count() == 1
