"""The demo hook issues notices at each step through the real rules, and the unpaid one is on the work list."""

import pytest

from attend.alerts.models import Alert
from attend.core.tests.factories import make_pupil
from attend.enforcement import notices
from attend.enforcement.demo_notices import demo_notices
from attend.enforcement.models import PenaltyNotice

from .notices_world import D, adult, make_world, mark, weekdays

pytestmark = pytest.mark.django_db
TODAY = D(2025, 12, 10)


def test_demo_notices_at_every_step(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_world()
    pupils = [w.pupil] + [make_pupil(school=w.school, surname=f"Demo{i}") for i in range(5)]
    for i, pupil in enumerate(pupils):
        if pupil != w.pupil:
            adult(pupil, "Parent", "Mother", pr=True, lives=True, ref=f"C-DEMO-{i}")
        mark(pupil.enrolments.get(), weekdays(D(2025, 9, 15), 5))
    made = demo_notices(school_ids=[w.school.pk], today=TODAY, by=w.officer)
    assert set(made) == {"paid", "unpaid", "part-paid", "withdrawn", "issued"}
    status = {
        step: notices.notice_status(PenaltyNotice.objects.get(number=n), TODAY) for step, n in made.items()
    }
    assert status == {
        "paid": "paid", "unpaid": "unpaid", "part-paid": "part-paid", "withdrawn": "withdrawn", "issued": "issued",
    }  # fmt: skip
    assert Alert.objects.get(rule="notice_decision").details["notice"] == made["unpaid"]
