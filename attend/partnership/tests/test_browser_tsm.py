"""Recording a targeting support meeting and an agreed action in headless Chromium at 1280 px and on a 375 px
phone, axe clean (the browser and axe checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.web.tests.test_browser import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def tsm_world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    make_school(la=la, name="Birch Academy")
    amy = make_pupil(school=alder, surname="Khan", legal_forename="Amy")
    make_user("jo.officer", role=Membership.Role.LA_OFFICER, local_authority=la, password=PASSWORD)
    return {"alder": alder, "amy": amy}


def _fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_recording_a_tsm_and_an_agreed_action(browser, live_server, tsm_world, width):  # noqa: F811
    base, phone = live_server.url, width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("jo.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"{base}/partnership/tsm/")
    page.get_by_role("heading", name="Targeting support meetings").wait_for()
    assert "Not yet offered: 2" in page.get_by_test_id("tsm-counts").inner_text().replace("\n", " ")
    _fits(page, width)
    check_accessibility(page, f"tsm-01-overview-{width}")

    page.get_by_role("link", name="Alder Primary").click()
    page.get_by_role("link", name="Record this term's meeting").click()
    page.get_by_role("heading", name="Record the targeting support meeting").wait_for()
    page.get_by_label("Held").check()
    page.get_by_label("Date of the meeting").fill("2025-11-18")
    page.get_by_role("button", name="Save the meeting record").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Enter who attended the meeting" in page.content()
    _fits(page, width)
    check_accessibility(page, f"tsm-02-record-errors-{width}")
    page.get_by_label("Who attended").fill("Jo Bloggs (LA)\nSam Lee (headteacher)")
    page.get_by_label("Meeting record").fill("Reviewed the pack: 12 persistent absentees, 2 severe.")
    page.get_by_role("button", name="Save the meeting record").click()
    page.get_by_text("Meeting record saved").wait_for()

    page.get_by_role("link", name="Add an agreed action").click()
    page.get_by_label("Pupil's UPN").fill(tsm_world["amy"].upn)
    page.get_by_label("Action agreed").fill("Home visit to agree a return plan")
    page.get_by_role("button", name="Add the action").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "every agreed action needs a named lead" in page.content()
    check_accessibility(page, f"tsm-03-action-errors-{width}")
    page.get_by_label("Lead practitioner").fill("Priya Shah (EWO)")
    page.get_by_label("Date due").fill("2025-12-05")
    page.get_by_role("button", name="Add the action").click()
    page.get_by_text("Action agreed and added to case").wait_for()
    actions = page.get_by_test_id("tsm-actions").inner_text()
    assert "Home visit to agree a return plan" in actions and "Priya Shah (EWO)" in actions
    _fits(page, width)
    check_accessibility(page, f"tsm-04-school-{width}")
    assert not errors, errors
    context.close()
