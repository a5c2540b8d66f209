"""Support plan pages: start a plan, SMART actions (and their refusals), two officers editing, the review on the
chronology, before vs after on the plan page, and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry, EntryKind, PlanAction, SupportPlan
from attend.casework.plans import action_add, plan_create

from .plans_world import PLAN_START, TODAY, make_plans_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_plans_world()


@pytest.fixture
def plan(world):
    plan = plan_create(
        world["case"], by=world["la_officer"], title="Return to school plan", started_on=PLAN_START,
        review_date=dt.date(2025, 12, 10), goal_percent=Decimal("90"), goal_weeks=6,
    )  # fmt: skip
    action_add(
        plan, by=world["la_officer"], description="Walk to school with her cousin", owner="parent",
        owner_name="Mrs Okafor", starts_on=PLAN_START, due=dt.date(2025, 11, 28),
        success_criteria="On time four days in five",
    )  # fmt: skip
    return plan


def plan_url(case, plan=None, tail="") -> str:
    return f"/cases/{case.ref}/plans/{plan.pk if plan else 'new'}/{tail}"


def action_data(**overrides) -> dict:
    data = {
        "description": "Quiet start in the library before registration",
        "owner": "school",
        "owner_name": "Mrs Khan, head of year 4",
        "starts_on": "2025-11-12",
        "due": "2025-12-05",
        "review_date": "",
        "success_criteria": "In class by 9:15 every day",
        "status": "not_started",
    }
    data.update(overrides)
    return data


def test_an_officer_starts_a_plan_with_a_step_goal(client, world):
    client.force_login(world["la_officer"])
    response = client.post(
        plan_url(world["case"]),
        {"title": "Return to school plan", "started_on": "2025-11-03", "review_date": "2025-12-10",
         "goal_percent": "90", "goal_weeks": "6"},
    )  # fmt: skip
    plan = SupportPlan.objects.get(case=world["case"])
    assert response["Location"] == plan_url(world["case"], plan)
    assert plan.goal == "90% over the next 6 weeks"
    entry = ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.PLAN).get()
    assert entry.summary == (
        "Return to school plan started on 3 November 2025, goal 90% over the next 6 weeks; "
        "review on 10 December 2025"
    )
    assert entry.next_step_due == dt.date(2025, 12, 10)
    assert AuditEvent.objects.filter(action="casework.plan.created", object_id=str(plan.pk)).exists()


def test_a_plan_without_dates_or_with_a_review_before_its_start_is_refused(client, world):
    client.force_login(world["la_officer"])
    page = client.post(plan_url(world["case"]), {"title": "Plan", "started_on": "", "review_date": ""})
    text = page.content.decode()
    assert "govuk-error-summary" in text
    assert "Enter the date the plan starts" in text
    assert "Enter the date the plan will be reviewed" in text
    page = client.post(
        plan_url(world["case"]), {"title": "Plan", "started_on": "2025-11-03", "review_date": "2025-10-01"}
    )
    assert "The review date must be on or after the date the plan starts" in page.content.decode()
    assert not SupportPlan.objects.exists()


def test_the_plan_page_shows_actions_and_before_vs_after_with_the_regression_note(client, world, plan):
    client.force_login(world["school_officer"])
    page = client.get(plan_url(world["case"], plan)).content.decode()
    assert "90% over the next 6 weeks" in page
    assert "Walk to school with her cousin" in page
    assert "Mrs Okafor" in page
    assert "17 October 2025 to 2 November 2025" in page
    assert "54.5%" in page and "88.5%" in page
    assert "5 days of 11" in page and "1.5 days of 13" in page
    assert "Up 33.9 percentage points" in page
    assert "regression to the mean" in page
    assert "Send the plan to parents" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"owner": ""}, "Choose who owns this action: school, parent, pupil, agency or LA"),
        ({"due": ""}, "Enter the date the action is due by"),
        ({"starts_on": ""}, "Enter the date the action starts"),
        ({"due": "2025-11-10"}, "The due date must be on or after the start date"),
        ({"due": "2025-13-40"}, "Enter the due date as a real date, like 2025-11-19"),
        ({"description": "  "}, "Enter what will be done"),
    ],
)
def test_an_action_without_an_owner_or_dates_is_refused_with_the_reason(
    client, world, plan, overrides, message
):
    client.force_login(world["la_officer"])
    response = client.post(plan_url(world["case"], plan, "actions/new/"), action_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert plan.actions.count() == 1


def test_an_action_is_added_and_goes_on_the_chronology(client, world, plan):
    client.force_login(world["school_officer"])
    form = client.get(plan_url(world["case"], plan, "actions/new/")).content.decode()
    assert 'name="starts_on" type="text" value="2025-11-19"' in form
    response = client.post(plan_url(world["case"], plan, "actions/new/"), action_data())
    assert response.status_code == 302
    action = plan.actions.get(description__startswith="Quiet start")
    assert (action.owner, action.due) == ("school", dt.date(2025, 12, 5))
    entry = ChronologyEntry.objects.filter(source_ref=f"casework.PlanAction:{action.pk}").get()
    assert entry.summary == (
        "Action added to the return to school plan: Quiet start in the library before registration — "
        "Mrs Khan, head of year 4 (school) — by 5 December 2025"
    )


def test_two_officers_editing_one_action_do_not_overwrite_each_other(client, world, plan):
    action = plan.actions.get()
    edit = plan_url(world["case"], plan, f"actions/{action.pk}/")
    mine = {**action_data(description=action.description, owner="parent", starts_on="2025-11-03",
                          due="2025-11-28"), "version": "1"}  # fmt: skip
    client.force_login(world["la_officer"])
    assert client.post(edit, {**mine, "status": "in_progress"}).status_code == 302
    client.force_login(world["school_officer"])
    stale = client.post(edit, {**mine, "status": "done"})
    page = stale.content.decode()
    assert "sam.patel changed this action at" in page
    assert "Your changes have not been saved" in page
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)


def test_two_officers_editing_the_plan_do_not_overwrite_each_other(client, world, plan):
    data = {"version": "1", "title": "Return to school plan", "started_on": "2025-11-03",
            "review_date": "2025-12-17", "goal_percent": "90", "goal_weeks": "6",
            "status": "active"}  # fmt: skip
    client.force_login(world["la_officer"])
    assert client.post(plan_url(world["case"], plan), data).status_code == 302
    client.force_login(world["school_officer"])
    page = client.post(plan_url(world["case"], plan), {**data, "goal_percent": "95"}).content.decode()
    assert "govuk-error-summary" in page
    assert 'value="2025-12-17"' in page  # the plan as it is now, dates as typed
    assert "changed this plan at" in page
    plan.refresh_from_db()
    assert (plan.review_date, plan.goal, plan.version) == (
        dt.date(2025, 12, 17),
        "90% over the next 6 weeks",
        2,
    )


def test_a_review_records_progress_against_each_action_and_the_goal(client, world, plan):
    action = plan.actions.get()
    client.force_login(world["la_officer"])
    page = client.get(plan_url(world["case"], plan, "review/")).content.decode()
    assert "Walk to school with her cousin" in page and "88.5%" in page
    response = client.post(
        plan_url(world["case"], plan, "review/"),
        {"reviewed_on": "2025-11-19", "progress": "Much better mornings; two late starts.",
         f"action_{action.pk}_status": "done", f"action_{action.pk}_note": "Every day this week",
         "next_review": "2025-12-10"},
    )  # fmt: skip
    assert response.status_code == 302
    review = plan.reviews.get()
    assert review.action_progress == {str(action.pk): {"status": "done", "note": "Every day this week"}}
    action.refresh_from_db()
    assert action.status == PlanAction.Status.DONE
    entry = ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.PLAN_REVIEW).get()
    assert entry.summary == (
        "Return to school plan reviewed on 19 November 2025: Much better mornings; two late starts. "
        "Attendance since the plan started 88.5% (goal 90% over the next 6 weeks), 54.5% in the same length "
        "of time before. Walk to school with her cousin: done (Every day this week). "
        "Next review on 10 December 2025."
    )
    assert entry.next_step_due == dt.date(2025, 12, 10)
    page = client.get(plan_url(world["case"], plan)).content.decode()
    assert "Walk to school with her cousin: done (Every day this week)" in page
    assert "Next review 10 December 2025" in page
    page = client.get(plan_url(world["case"], plan)).content.decode()
    assert "Walk to school with her cousin: done (Every day this week)" in page
    assert "Next review 10 December 2025" in page


def test_a_review_without_progress_or_with_a_next_review_in_the_past_is_refused(client, world, plan):
    action = plan.actions.get()
    client.force_login(world["la_officer"])
    page = client.post(
        plan_url(world["case"], plan, "review/"),
        {"reviewed_on": "2025-11-19", "progress": "", f"action_{action.pk}_status": "done",
         "next_review": "2025-11-01"},
    ).content.decode()  # fmt: skip
    assert "Enter how the plan is going: progress against the goal" in page
    assert "The next review must be after this review" in page
    assert not plan.reviews.exists()


def test_another_schools_officer_gets_404_for_every_plan_page(client, world, plan):
    client.force_login(world["outsider"])
    case = world["case"]
    for tail in ("", "actions/new/", f"actions/{plan.actions.get().pk}/", "review/", "send/"):
        assert client.get(plan_url(case, plan, tail)).status_code == 404
        assert client.post(plan_url(case, plan, tail), action_data()).status_code == 404
    assert client.get(plan_url(case)).status_code == 404
    assert plan.actions.count() == 1


def test_a_plan_id_from_another_case_is_404(client, world, plan):
    client.force_login(world["la_officer"])
    other = type(world["case"]).objects.create(
        ref="CW-999999", child_surname="Nobody", school=world["alder"], local_authority=world["la"]
    )
    assert client.get(f"/cases/{other.ref}/plans/{plan.pk}/").status_code == 404


def test_the_case_panel_shows_the_plan_goal_review_and_actions_due(world, plan, rf):
    from django.template.loader import render_to_string

    html = render_to_string(
        "casework/plans/_case_panel.html",
        {"case": world["case"], "user": world["la_officer"], "today": TODAY},
    )
    assert "Return to school plan" in html
    assert "90% over the next 6 weeks" in html
    assert "10 December 2025" in html
    assert "Walk to school with her cousin (Parent or carer), by 28 November 2025" in html
    assert f"/cases/{world['case'].ref}/assessment/" in html
    assert "Start the assessment" in html


def test_a_closed_case_shows_its_plan_and_assessment_read_only(client, world, plan):
    type(world["case"]).objects.filter(pk=world["case"].pk).update(status="closed", close_reason="improved")
    client.force_login(world["la_officer"])
    page = client.get(plan_url(world["case"], plan)).content.decode()
    assert "Walk to school with her cousin" in page
    assert "Add an action" not in page and "Send the plan to parents" not in page
    assert "You can read this assessment but not change it: the case is closed." in (
        client.get(f"/cases/{world['case'].ref}/assessment/").content.decode()
    )
    assert client.post(plan_url(world["case"], plan, "actions/new/"), action_data()).status_code == 404
    assert plan.actions.count() == 1


def test_a_review_moves_on_the_versions_so_an_open_edit_is_told(client, world, plan):
    action = plan.actions.get()
    client.force_login(world["la_officer"])
    client.post(
        plan_url(world["case"], plan, "review/"),
        {"reviewed_on": "2025-11-19", "progress": "Going well", f"action_{action.pk}_status": "in_progress",
         "next_review": "2025-12-17"},
    )  # fmt: skip
    plan.refresh_from_db()
    action.refresh_from_db()
    assert (plan.review_date, plan.version, action.status, action.version) == (
        dt.date(2025, 12, 17), 2, "in_progress", 2,
    )  # fmt: skip
    stale = {**action_data(description=action.description, owner="parent", starts_on="2025-11-03",
                           due="2025-11-28", status="done"), "version": "1"}  # fmt: skip
    page = client.post(plan_url(world["case"], plan, f"actions/{action.pk}/"), stale).content.decode()
    assert "Your changes have not been saved" in page
