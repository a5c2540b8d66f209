"""The s19 pages in headless Chromium at 1280 px and on a 375 px phone: from the list of decisions due to the
decision page, an error, then the decision recorded; axe clean and no sideways scrolling on the phone."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.cme import s19
from attend.core.tests.factories import make_la, make_user
from attend.web.tests.test_browser import check_accessibility, sign_in

from .s19_world import TODAY, days_coded, school_with_pupil, weekdays, write_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    _, pupil, enrolment = school_with_pupil(surname="Brook-Fairweather")
    ill = days_coded(weekdays(dt.date(2025, 10, 13), dt.date(2025, 10, 24)), "II")
    ill |= days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 14)), "II")
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, ill)
    s19.sync_s19_prompts(TODAY)
    make_user("la.officer", role="la_officer", local_authority=make_la("201"), password=PASSWORD)
    return pupil


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_deciding_on_education_while_ill(browser, live_server, world, width):
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "la.officer", PASSWORD)
    page.goto(f"{base}/cme/s19/")
    fits(page, width)
    check_accessibility(page, f"s19-01-list-{width}")
    page.get_by_role("link", name=world.display_name).click()  # its hidden words: "record the decision"
    page.get_by_role("heading", name="Education while ill: decide (s19)").wait_for()
    assert "15 school days missed for health" in page.get_by_test_id("counted").inner_text()
    fits(page, width)
    check_accessibility(page, f"s19-02-decide-{width}")

    page.get_by_label("Not needed (reason recorded)").check()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("link", name="Give the reason education does not need to be arranged").wait_for()
    check_accessibility(page, f"s19-03-error-{width}")

    page.get_by_label("The LA is arranging education (s19)").check()
    page.get_by_label("Education arranged").fill("Hospital education service, 15 hours a week")
    page.get_by_label("Date the arranged education starts").fill("2025-11-24")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("heading", name="Education for children out of school (s19)").wait_for()
    assert "No decisions are due." in page.content()
    assert "The LA is arranging education (s19)" in page.get_by_test_id("s19-decided").inner_text()
    fits(page, width)
    context.close()
