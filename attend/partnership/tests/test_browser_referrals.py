"""Making a referral from the case page in headless Chromium at 1280 px and on a 375 px phone, axe clean (the
browser and axe checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from attend.web.tests.test_browser import check_accessibility

from .referrals_world import TODAY, make_referrals_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_referrals_world()
    w["officer"].set_password(PASSWORD)
    w["officer"].save()
    return w


def fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_making_a_referral_from_the_case_page(browser, live_server, world, width):  # noqa: F811
    base, ref = live_server.url, world["case"].ref
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("sam.patel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"{base}/cases/{ref}/")
    page.get_by_role("link", name="Refer", exact=True).click()
    page.get_by_role("heading", name="Make a referral").wait_for()
    assert fits(page, width)
    check_accessibility(page, f"referrals-01-new-{width}")

    page.get_by_label("Service", exact=True).select_option(
        label="Mental Health Support Team in schools (CAMHS) (needs consent)"
    )
    page.get_by_label("Reason for the referral").fill("Anxiety about school; feels sick at the gate")
    page.get_by_label("Lawful basis for sharing without consent").select_option("public_task")
    page.get_by_role("button", name="Make the referral").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "accepts referrals only with the family's consent" in page.content()
    assert fits(page, width)
    check_accessibility(page, f"referrals-02-refused-{width}")

    page.get_by_label("Consent given by (if the family agreed)").fill("Grace Okafor (mother)")
    page.get_by_label("Date consent was given").fill("2025-11-18")
    page.get_by_label("Lawful basis for sharing without consent").select_option("")
    page.get_by_role("button", name="Make the referral").click()
    page.get_by_role("heading", name="Referral to Mental Health Support Team in schools (CAMHS)").wait_for()
    assert "Consent given by Grace Okafor (mother) on 18 November 2025" in page.content()
    assert fits(page, width)
    check_accessibility(page, f"referrals-03-sent-{width}")

    page.get_by_label("Accepted").check()
    page.get_by_label("What the service said").fill("Assessment booked for 2 December")
    page.get_by_role("button", name="Save the update").click()
    page.get_by_test_id("referral-updates").filter(has_text="Accepted").wait_for()
    assert "Assessment booked for 2 December" in page.content()
    check_accessibility(page, f"referrals-04-accepted-{width}")

    page.goto(f"{base}/cases/{ref}/")
    assert "Referred to Mental Health Support Team in schools (CAMHS)" in page.content()
    assert not errors, errors
    context.close()
