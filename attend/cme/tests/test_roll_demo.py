"""The demo hook: deletions under several grounds this term, a flagged cluster before the census, an import
without a ground."""

from __future__ import annotations

import pytest

from attend.alerts.models import Alert
from attend.cme import demo_roll
from attend.cme.models import RollDeletion
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

from .roll_world import TODAY, D, set_marks

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_grounds_a_cluster_and_an_import(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la()
    make_la("330", "Birmingham")
    school = make_school(la=la, name="Riverside Primary")
    make_school(la=la, name="Hillside Primary")
    for n in range(10):
        enrolment = make_pupil(school=school, surname=f"Demo{n}").enrolments.get()
        set_marks(enrolment, D(2025, 9, 1), TODAY, "/")
    officer = make_user(role="la_officer", local_authority=la)
    made = demo_roll.seed(la, TODAY, by=officer)
    assert made == {
        "deletions": 4,
        "cluster": 3,
        "imported": 1,
        "prompts": 3,
    }  # the cluster, one concern, one "give the ground"
    grounds = sorted(RollDeletion.objects.values_list("ground", flat=True))
    assert grounds == ["a", "g", "h", "h", "h", "h", "not_given", "o"]
    assert RollDeletion.objects.get(ground="a").destination_school.name == "Hillside Primary"
    cluster = Alert.objects.get(rule="off_rolling_concern", key__startswith="cl")
    assert cluster.details == {"census": "2025-10-02", "count": 3}
    assert Alert.objects.filter(rule="deletion_ground_missing").count() == 1
