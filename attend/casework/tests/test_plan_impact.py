"""Before vs after, with exact figures worked by hand from the marks in plans_world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attend.casework import impact
from attend.casework.plans import action_add, plan_create

from .plans_world import PLAN_START, TODAY, make_plans_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_plans_world()


def test_windows_are_the_same_length_either_side_of_the_start(world):
    result = impact.before_after(world["maya"].pk, PLAN_START, TODAY)
    assert (result.before.start, result.before.end) == (dt.date(2025, 10, 17), dt.date(2025, 11, 2))
    assert (result.after.start, result.after.end) == (dt.date(2025, 11, 3), dt.date(2025, 11, 19))


def test_it_counts_days_missed_and_percent_before_and_after_the_plan(world):
    result = impact.before_after(world["maya"].pk, PLAN_START, TODAY)
    assert (result.before.possible_sessions, result.before.sessions_missed) == (22, 10)
    assert result.before.days_missed == Decimal("5")
    assert result.before.perc_text == "54.5%"
    assert (result.after.possible_sessions, result.after.sessions_missed) == (26, 3)
    assert result.after.days_missed_text == "1.5 days"
    assert result.after.perc_text == "88.5%"
    assert round(result.change_points, 1) == 33.9
    assert result.change_text == "Up 33.9 percentage points"


def test_it_leaves_out_marks_after_the_as_of_date(world):
    # The O O on 20 November is after "today": the after window ends on 19 November.
    result = impact.before_after(world["maya"].pk, PLAN_START, TODAY)
    assert result.after.sessions_missed == 3


def test_each_action_has_its_own_windows(world):
    plan = plan_create(
        world["case"], by=world["la_officer"], title="Return to school plan", started_on=PLAN_START,
        review_date=dt.date(2025, 12, 10), goal_percent=Decimal("90"), goal_weeks=6,
    )  # fmt: skip
    late = action_add(
        plan, by=world["la_officer"], description="Meet Mrs Khan at the gate each morning", owner="school",
        owner_name="Mrs Khan, head of year 4", starts_on=dt.date(2025, 11, 12), due=dt.date(2025, 12, 5),
    )  # fmt: skip
    result = impact.plan_impact(plan, TODAY)
    assert result["plan"].after.perc_text == "88.5%"
    action = result["actions"][late.pk]
    assert (action.before.start, action.before.end) == (dt.date(2025, 11, 4), dt.date(2025, 11, 11))
    assert (action.before.possible_sessions, action.before.sessions_missed) == (12, 1)
    assert action.before.perc_text == "91.7%"
    assert action.before.days_missed_text == "half a day"
    assert (action.after.possible_sessions, action.after.sessions_missed, action.after.perc_text) == (
        12,
        0,
        "100.0%",
    )


def test_a_plan_that_has_not_started_has_no_comparison(world):
    assert impact.before_after(world["maya"].pk, dt.date(2025, 11, 24), TODAY) is None
    assert impact.before_after(None, PLAN_START, TODAY) is None
