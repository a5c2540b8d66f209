"""A parent's notice of home education recorded by the LA, refused first for a missing name, then the record page,
a contact finding the education not suitable (the s437 next step) and the register, in headless Chromium at 1280 px
and on a 375 px phone, axe clean, and no page scrolling sideways on the phone."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.web.tests.test_browser import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"
TODAY = dt.date(2025, 11, 19)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la("201", "Northshire")
    school = make_school(la=la, name="Alder Primary")
    make_user("ehe.officer", role=Membership.Role.LA_OFFICER, local_authority=la, password=PASSWORD)
    return {"pupil": make_pupil(school=school, surname="Homer-Wainwright", legal_forename="Ada",
                                child_protection_plan=True)}  # fmt: skip


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_notice_contact_and_register(browser, live_server, world, width):
    base, upn = live_server.url, world["pupil"].upn
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    sign_in(page, base, "ehe.officer", PASSWORD)
    page.goto(f"{base}/cme/home-education/new/?upn={upn}")
    page.get_by_label("Parent who gave notice").fill("")
    page.get_by_label("Date the notice in writing was received (YYYY-MM-DD)").fill("2025-11-17")
    page.get_by_role("button", name="Record the notice").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Enter the name of the parent who gave notice" in page.content()
    fits(page, width)
    check_accessibility(page, f"ehe-01-refused-{width}")

    page.get_by_label("Parent who gave notice").fill("Sam Homer-Wainwright")
    page.get_by_role("button", name="Record the notice").click()
    page.get_by_role("heading", name="Ada Homer-Wainwright").wait_for()
    assert page.get_by_test_id("next-contact").inner_text().startswith("1 December 2025")
    fits(page, width)
    check_accessibility(page, f"ehe-02-record-{width}")

    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Home visit").check()
    page.get_by_label("What was found").fill(
        "No learning materials; the child said she watches television all day"
    )
    page.get_by_label("Appears not suitable (consider a school attendance order, s437)").check()
    page.get_by_role("button", name="Save the contact").click()
    page.get_by_role("heading", name="Ada Homer-Wainwright").wait_for()
    assert (
        "consider a school attendance order, EA 1996 s437" in page.get_by_test_id("next-steps").inner_text()
    )
    fits(page, width)
    check_accessibility(page, f"ehe-03-not-suitable-{width}")

    page.goto(f"{base}/cme/home-education/")
    assert "Ada Homer-Wainwright" in page.get_by_test_id("ehe-register").inner_text()
    fits(page, width)
    check_accessibility(page, f"ehe-04-register-{width}")
    context.close()
