"""The what-works page in headless Chromium at phone (375 px) and desktop (1280 px) widths, axe-core clean
(attend/web/tests/test_browser.py's browser and checker)."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_user
from attend.web.tests.test_browser import check_accessibility

from .whatworks_world import AS_OF, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long demo password 1"


@pytest.mark.parametrize("width", [375, 1280])
def test_an_la_officer_reads_the_what_works_report(
    browser,  # noqa: F811
    live_server,
    settings,
    tmp_path,
    monkeypatch,
    width,
):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())
    w = make_world()
    make_user("lena", role=Membership.Role.LA_OFFICER, local_authority=w["la"], password=PASSWORD)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/partnership/what-works/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="What works").wait_for()
    table = page.get_by_test_id("whatworks-1").inner_text()
    assert "Support plan" in table and "5.0 points" in table
    assert "not a randomised trial" in page.get_by_test_id("whatworks-caveats").inner_text()
    check_accessibility(page, f"whatworks-01-report-{width}")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"the page scrolls sideways at {width}px ({scroll}px wide)"
    context.close()
