"""The demo hook: assessments for cases past monitor, plans with actions (and a review when old enough)."""

from __future__ import annotations

import pytest

from attend.casework.demo_plans import add_demo_plans
from attend.casework.models import Case, ChronologyEntry, EntryKind, Stage

from .plans_world import TODAY, make_plans_world

pytestmark = pytest.mark.django_db


def test_demo_cases_get_assessments_plans_actions_and_reviews(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_plans_world()
    Case.objects.filter(pk=w["case"].pk).update(stage=Stage.FACILITATE)
    Case.objects.filter(pk=w["south_case"].pk).update(stage=Stage.FORMALISE)
    made = add_demo_plans(Case.objects.order_by("pk"))
    assert made == {"assessments": 2, "plans": 2, "actions": 6, "reviews": 1}
    case = Case.objects.get(pk=w["case"].pk)
    assert case.assessment.child_views.startswith("My tummy hurts")
    plan = case.plans.get()
    assert plan.goal == "90% over the next 6 weeks"
    kinds = list(ChronologyEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count(EntryKind.ASSESSMENT) == 1 and kinds.count(EntryKind.PLAN) == 4
    # The second plan started three weeks ago, so it has had its review.
    south = Case.objects.get(pk=w["south_case"].pk).plans.get()
    assert south.reviews.count() == 1
    assert south.actions.filter(status="done").count() == 1
