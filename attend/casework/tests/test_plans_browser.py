"""The assessment and a support plan in headless Chromium at phone (375 px) and desktop (1280 px) widths, with
axe-core on every page (attend/web/tests/test_browser.py's browser and checker)."""

from __future__ import annotations

import pytest

from attend.web.tests.test_browser import check_accessibility

from .plans_world import TODAY, make_plans_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long demo password 1"


@pytest.mark.parametrize("width", [375, 1280])
def test_an_officer_records_an_assessment_and_a_plan(browser, live_server, monkeypatch, width):  # noqa: F811
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_plans_world()
    w["la_officer"].set_password(PASSWORD)
    w["la_officer"].save()
    ref = w["case"].ref
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + f"/cases/{ref}/assessment/")
    page.get_by_label("Username").fill("sam.patel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Assessment: Maya Okafor").wait_for()
    assert "7.5 days since 1 September" in page.get_by_test_id("attendance-picture").inner_text()
    check_accessibility(page, f"plans-01-assessment-{width}")
    page.get_by_label("What the child says, in their own words").fill("The playground is too loud.")
    page.get_by_label("Mental health, anxiety, emotionally based school avoidance", exact=True).select_option(
        "both"
    )
    page.get_by_label("Early help").check()
    page.get_by_role("button", name="Save assessment").click()
    page.get_by_text("Assessment saved.").wait_for()
    assert page.get_by_test_id("assessment-version").inner_text().startswith("Version 1")

    page.goto(live_server.url + f"/cases/{ref}/plans/new/")
    page.get_by_label("Start date", exact=True).fill("2025-11-03")
    page.get_by_label("Review date", exact=True).fill("2025-12-10")
    page.get_by_label("Attendance goal (%)").fill("90")
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_role("heading", name="Attendance support plan").wait_for()

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What will be done").fill("Walk to school with her cousin")
    page.get_by_role("button", name="Add the action").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Choose who owns this action" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, f"plans-02-action-error-{width}")
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Due date", exact=True).fill("2025-11-28")
    page.get_by_role("button", name="Add the action").click()

    page.wait_for_load_state()
    if page.get_by_test_id("plan-impact").count() == 0:
        raise AssertionError(page.locator("main").inner_text()[:1500])
    impact = page.get_by_test_id("plan-impact").inner_text()
    assert "54.5%" in impact and "88.5%" in impact
    assert "regression to the mean" in page.get_by_test_id("regression-note").inner_text()
    assert page.get_by_test_id("action").count() == 1
    check_accessibility(page, f"plans-03-plan-{width}")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"the plan page scrolls sideways at {width}px ({scroll}px wide)"

    page.get_by_role("link", name="Review the plan").click()
    page.get_by_label("Progress against the goal").fill("Better mornings.")
    check_accessibility(page, f"plans-04-review-{width}")
    page.get_by_role("button", name="Record the review").click()
    page.get_by_test_id("review").wait_for()
    context.close()
