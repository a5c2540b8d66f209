"""Issue 23 item 19 as a person sees it, in headless Chromium at 375 px and 1280 px: the sign-in error keeps the
username and links to the field; the work list's tabs mark the current list; a row says why it is high in words and
the figures open from "How the priority is worked out"; the pupil page has a back link. axe-checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from attend.accounts.models import Membership
from attend.core.tests.factories import PASSWORD, make_pupil, make_school, make_user

from .browser_kit import AXE, CHROMIUM, LAUNCH_ARGS  # noqa: F401  (the browser fixture is in the root conftest)
from .test_browser import check_accessibility
from .test_words import _alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = dt.date(2025, 11, 19)
SCREENS = Path(settings.BASE_DIR) / "docs" / "screens"


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    monkeypatch.setenv("ATTEND_WEB_TODAY", TODAY.isoformat())
    school = make_school(name="Alder Primary")
    pupil = make_pupil(school=school, surname="Ashdown", legal_forename="Robin", looked_after=True)
    _alert(pupil, school, "severe_absence", since=dt.date(2025, 11, 17), measure=52)
    _alert(pupil, school, "persistent_absence", measure=52)
    make_user(
        "la.words", role=Membership.Role.LA_OFFICER, local_authority=school.local_authority, password=PASSWORD
    )
    return {"school": school, "pupil": pupil}


@pytest.mark.parametrize("width", (375, 1280))
def test_sign_in_work_list_words_and_back_link(browser, live_server, world, width):
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("la.words")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.get_by_role("link", name="Enter a correct username and password.").is_visible()
    assert page.get_by_label("Username").input_value() == "la.words"
    assert page.get_by_label("Password").input_value() == ""
    check_accessibility(page, f"words-sign-in-error-{width}")
    _shot(page, f"item19-sign-in-error-{width}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work today").wait_for()

    urn = world["school"].urn
    page.goto(f"{base}/work/?list=school&school={urn}")
    tabs = page.get_by_role("navigation", name="Lists")
    assert tabs.get_by_role("link", name="School list").get_attribute("aria-current") == "page"
    assert tabs.get_by_role("link", name="My list today").get_attribute("aria-current") is None
    row = page.get_by_test_id("work-list").locator("tbody tr").first
    assert "Severe absence, another open alert, a social worker (looked after), and newly raised" in (
        row.get_by_test_id("row-why").inner_text()
    )
    workings = row.get_by_test_id("priority-workings")
    assert not workings.is_visible()  # closed until asked for
    row.get_by_text("How the priority is worked out").click()
    assert workings.is_visible() and "Priority: 120" in workings.inner_text()
    check_accessibility(page, f"words-work-list-{width}")
    _shot(page, f"item19-work-list-{width}")

    row.get_by_role("link", name="Robin Ashdown").click()
    page.get_by_role("heading", level=1, name="Robin Ashdown").wait_for()
    back = page.locator("a.govuk-back-link")
    assert back.is_visible() and back.inner_text() == "Back"
    _shot(page, f"item19-pupil-back-link-{width}")
    back.click()
    page.wait_for_url(f"{base}/work/?list=school&school={urn}")
    context.close()
