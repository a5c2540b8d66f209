"""The demo hook: the LA's directory seeded and referrals at every status, one past its reply time on the work
list. Today is Wednesday 19 November 2025."""

from __future__ import annotations

import pytest

from attend.alerts.models import Alert
from attend.casework.cases import open_case
from attend.core.tests.factories import make_pupil
from attend.partnership.demo_referrals import record_demo_referrals
from attend.partnership.models import Referral

from .referrals_world import TODAY, make_referrals_world


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_referrals_world()
    for n in range(5):
        pupil = make_pupil(school=w["alder"], surname=f"Demo{n}", legal_forename="Sam")
        open_case(by=w["officer"], pupil=pupil, school=w["alder"], reason="Persistent absence")
    return w


def test_the_demo_has_referrals_at_every_status_and_one_overdue_on_the_work_list(w):
    counts = record_demo_referrals(w["la"].code, by=w["officer"])
    assert counts == {"services": 16, "referrals": 6, "reminders": 1}
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "accepted", "closed", "declined", "sent", "sent"]
    safeguarding = Referral.objects.get(safeguarding=True)
    assert safeguarding.lawful_basis == "s47" and not safeguarding.with_consent
    reminder = Alert.objects.get(rule="referral_no_reply")
    assert "no reply from Mental Health Support Team in schools (CAMHS)" in reminder.reason
    # Run again: the directory is brought up to date, no case gets a second demo referral.
    assert record_demo_referrals(w["la"].code, by=w["officer"])["referrals"] == 0
