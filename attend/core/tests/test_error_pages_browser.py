"""The error pages as a person sees them on a 375 px phone and at 1280 px (issue 23 item 12): no wider than the
screen, the service header and the GOV.UK heading visible, axe clean."""

from __future__ import annotations

import pytest
from django.test import Client

from attend.accounts.models import Membership
from attend.web.tests.test_browser import check_accessibility

from .factories import make_school, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/no-such-page/", 404, "Page not found"),
    ("/la/", 403, "You do not have permission to view this page"),
    ("/boom/", 500, "Sorry, there is a problem with the service"),
]


@pytest.mark.urls("attend.core.tests.urls_boom")
@pytest.mark.parametrize("width", [375, 1280])
def test_error_pages_fit_the_screen_with_the_service_header(browser, live_server, width):
    # A class teacher: signed in (the header shows them), without the LA dashboard.
    teacher = make_user("teacher", role=Membership.Role.CLASS_TEACHER, school=make_school())
    client = Client()
    client.force_login(teacher)
    context = browser.new_context(viewport={"width": width, "height": 812}, is_mobile=width < 400)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    for url, status, heading in PAGES:
        response = page.goto(live_server.url + url)
        assert response.status == status
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.locator(".attend-header__name").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        check_accessibility(page, f"error-{status}-{width}")
    context.close()
