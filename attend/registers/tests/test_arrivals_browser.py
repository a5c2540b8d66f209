"""The registers received page in headless Chromium at 1280 px and on a 375 px phone, axe clean (the browser and
axe checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from attend.web.tests.test_browser import check_accessibility

from .test_arrivals_page import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_la_reads_the_page_on_a_desk_and_a_phone(browser, live_server, world, width):  # noqa: F811
    officer = world["la_officer"]
    officer.set_password(PASSWORD)
    officer.save()
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(live_server.url + "/registers/received/")
    page.get_by_role("heading", name="Registers received").wait_for()
    first = page.get_by_test_id("arrivals").locator("tbody tr").first
    assert "No registers received since Monday 17 November 2025" in first.inner_text()
    # The table scrolls inside its own region; the page itself never scrolls sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"arrivals-{width}")
    assert not errors
    context.close()
