"""The demo hook: open and closed enquiries in the LA, once."""

from __future__ import annotations

import pytest

from attend.cme import demo_enquiries
from attend.cme.models import CmeEnquiry, LaReferral

from .enquiries_world import TODAY, make_enquiry_world

pytestmark = pytest.mark.django_db


def test_the_demo_la_has_open_and_closed_enquiries_once(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_enquiry_world()
    from attend.core.tests.factories import make_pupil

    for name in ("Cal", "Dee"):
        make_pupil(school=w["birch"], surname="Demo", legal_forename=name)
    made = demo_enquiries.seed(w["north"], TODAY, w["la_officer"])
    assert [(e.source, e.status, e.outcome, e.checks.count()) for e in made] == [
        ("alert", "open", "", 2),
        ("returned_letter", "closed", "found_other_la", 1),
        ("school", "closed", "not_found", 5),
        ("by_hand", "open", "", 0),
    ]
    assert made[0].pupil == w["amy"] and made[3].pupil is None and made[3].case.child_name == "Zara Nowak"
    assert LaReferral.objects.get().to_la.name == "Coventry"
    assert demo_enquiries.seed(w["north"], TODAY, w["la_officer"]) == []
    assert CmeEnquiry.objects.count() == 4
