"""The phone round page and the risk check in headless Chromium on a 375 px phone, axe clean (the browser and axe
checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.visits import lists
from attend.visits.models import RiskKind, Visit
from attend.visits.risks import record_marker
from attend.web.tests.test_browser import check_accessibility

from .test_lists_world import TODAY, at, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def round_world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_world()
    w["sam"].set_password(PASSWORD)
    w["sam"].save()
    sam = w["sam"]
    rnd = lists.todays_round(sam, TODAY, create=True)
    for pupil, contact in ((w["amy"], w["mother"]), (w["dan"], w["dan"].contact_links.get().contact)):
        visit = lists.plan_visit(
            user=sam, pupil=pupil, contact_id=contact.pk, reason="Unexplained absence today", planned_for=TODAY,
            today=TODAY,
        )  # fmt: skip
        lists.add_to_round(visit, rnd, by=sam)
    record_marker(
        by=sam, kind=RiskKind.AGGRESSION, reason="Threatened the last officer at the door",
        review_on=dt.date(2026, 3, 1), now=at(TODAY, 8), contact=w["mother"],
    )  # fmt: skip
    w["round"], w["amy_visit"] = rnd, Visit.objects.get(pupil=w["amy"])
    return w


def _fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_the_phone_round_page_and_the_risk_check_at_375px(browser, live_server, round_world):  # noqa: F811
    base, width = live_server.url, 375
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("sam.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"{base}/visits/")
    page.get_by_role("heading", name="Home visits", exact=True).wait_for()
    _fits(page, width)
    check_accessibility(page, f"visits-01-lists-{width}")
    page.get_by_role("link", name="Open today's round").click()
    page.get_by_role("heading", name="Round for Wednesday 19 November 2025").wait_for()
    # Everything for the round came with this one load: it still reads with the connection gone.
    context.set_offline(True)
    card = page.get_by_test_id(f"visit-{round_world['amy_visit'].pk}").inner_text()
    for text in (
        "Amy Khan",
        "12 Elm Road",
        "LS9 7AB",
        "Threatened the last officer",
        "Ring mobile 07700 900123",
    ):
        assert text in card, text
    context.set_offline(False)
    button = page.get_by_role("link", name="Risk check for visit 2")
    box = button.bounding_box()
    card_box = page.get_by_test_id(f"visit-{round_world['amy_visit'].pk}").bounding_box()
    # A big target: the full width of the visit's card (less its padding) on a phone, and at least 40 px tall.
    assert box["width"] >= card_box["width"] - 45 and box["height"] >= 40
    _fits(page, width)
    check_accessibility(page, f"visits-02-round-{width}")

    button.click()
    page.get_by_role("heading", name="Risk check before the visit").wait_for()
    assert "Do not go alone" in page.content()
    page.get_by_label("Alone").check()
    page.get_by_label("I have read the risks above").check()
    page.get_by_role("button", name="Confirm the risk check").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "You cannot go alone to this address" in page.content()
    _fits(page, width)
    check_accessibility(page, f"visits-03-risk-check-errors-{width}")
    page.get_by_label("Doorstep only").check()
    page.get_by_label("I have read the risks above").check()
    page.get_by_role("button", name="Confirm the risk check").click()
    page.get_by_text("Risk check recorded: doorstep only").wait_for()
    assert "Checked" in page.get_by_test_id(f"check-{round_world['amy_visit'].pk}").inner_text()
    check_accessibility(page, f"visits-04-round-checked-{width}")

    page.goto(f"{base}/visits/visits/{round_world['amy_visit'].pk}/risk-check/?urgent=1")
    page.get_by_role("heading", name="Urgent welfare visit: quick risk check").wait_for()
    _fits(page, width)
    check_accessibility(page, f"visits-05-urgent-check-{width}")
    assert not errors, errors
