"""Recording a part-time timetable from the pupil page, then the LA's list of current timetables, in headless
Chromium at 1280 px and on a 375 px phone, axe clean, and neither page scrolling sideways on the phone (the browser
and axe checks of attend/web/tests/test_browser.py). The LA is told through Letters over the local SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.casework.tests.factories import make_part_time_timetable
from attend.casework.tests.plans_world import TODAY, make_plans_world
from attend.core.tests.factories import make_pupil
from attend.web.tests.test_browser import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"
LA_EMAIL = "part-time-timetables@northshire.example.gov.uk"


@pytest.fixture
def world(monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_LA_NOTIFY_EMAIL = LA_EMAIL
    w = make_plans_world()
    for user in (w["school_officer"], w["la_officer"]):
        user.set_password(PASSWORD)
        user.save()
    noah = make_pupil(school=w["alder"], surname="Brook-Fairweather", legal_forename="Noah")
    make_part_time_timetable(noah, w["alder"], review_date=dt.date(2025, 11, 10))  # past review
    return w


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def new_page(browser, width: int):
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


@pytest.mark.parametrize("width", [1280, 375])
def test_recording_a_timetable_and_the_la_list(browser, live_server, world, smtp_server, width):  # noqa: F811
    base, upn = live_server.url, world["maya"].upn
    context, page, errors = new_page(browser, width)
    sign_in(page, base, "jo.khan", PASSWORD)
    page.goto(f"{base}/pupils/{upn}/")
    page.get_by_role("link", name="Record a part-time timetable").click()
    page.get_by_role("heading", name="Record a part-time timetable").wait_for()
    fits(page, width)
    check_accessibility(page, f"timetables-01-new-{width}")

    page.get_by_label("Hours a week in school").fill("15")
    page.get_by_label("Sessions a week in school (of 10)").fill("6")
    page.get_by_label("Start date").fill("2025-11-10")
    page.get_by_label("First review date").fill("2025-12-01")
    page.get_by_role("button", name="Record the timetable and tell the LA").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Enter the planned end date: a part-time timetable must be time-limited" in page.content()
    fits(page, width)
    check_accessibility(page, f"timetables-02-refused-{width}")

    page.get_by_label("Planned end date").fill("2025-12-19")
    page.get_by_label("Agreed with").select_option(label="Mrs Grace Okafor")
    page.get_by_label("Medical reintegration").check()
    page.get_by_label("The reason, in full").fill(
        "Reintegration after knee surgery: she tires by the afternoon"
    )
    page.get_by_label("The plan back to full time").fill("One more afternoon every two weeks")
    page.get_by_role("button", name="Record the timetable and tell the LA").click()
    page.get_by_role("heading", name="Part-time timetable", exact=True).wait_for()
    told = page.get_by_test_id("la-told").inner_text()
    assert f"New part-time timetable: {upn} at Alder Primary: sent" in told and LA_EMAIL in told
    assert [m["to"] for m in smtp_server.messages] == [[LA_EMAIL]]
    fits(page, width)
    check_accessibility(page, f"timetables-03-recorded-{width}")
    context.close()

    context, page, la_errors = new_page(browser, width)
    sign_in(page, base, "sam.patel", PASSWORD)
    page.goto(f"{base}/partnership/timetables/")
    page.get_by_role("heading", name="Current part-time timetables").wait_for()
    rows = page.get_by_test_id("timetables").locator("tbody tr")
    assert rows.count() == 2
    assert "Noah Brook-Fairweather" in rows.nth(0).inner_text() and "Review due" in rows.nth(0).inner_text()
    assert "Maya Okafor" in rows.nth(1).inner_text() and "Review 1 Dec 2025" in rows.nth(1).inner_text()
    fits(page, width)
    check_accessibility(page, f"timetables-04-la-list-{width}")
    rows.nth(1).get_by_role("link", name="Maya Okafor").click()
    page.get_by_role("heading", name="Part-time timetable", exact=True).wait_for()
    fits(page, width)
    assert not errors + la_errors, errors + la_errors
    context.close()
