"""The network page and adding a youth justice worker in headless Chromium at 1280 px and on a 375 px phone, axe
clean (the browser and axe checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from attend.web.tests.test_browser import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_network_page_and_adding_a_worker(browser, live_server, world, width):  # noqa: F811
    world.officer.set_password(PASSWORD)
    world.officer.save()
    base, upn = live_server.url, world.jayden.upn
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("sam.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"{base}/partnership/network/{upn}/")
    page.get_by_role("heading", name="Professional network").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"network-01-page-{width}")

    page.get_by_role("link", name="Add youth justice worker").click()
    page.get_by_role("heading", name="Youth justice worker").wait_for()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Enter the person" in page.content()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"network-02-errors-{width}")

    page.get_by_label("Name", exact=True).fill("Ola Nowak")
    page.get_by_label("Organisation").fill("Northshire Youth Justice Service")
    page.get_by_label("Phone number").fill("01632 960222")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Professional network").wait_for()
    assert "Ola Nowak, Northshire Youth Justice Service" in page.get_by_test_id("network").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"network-03-saved-{width}")
    assert not errors, errors
    context.close()
