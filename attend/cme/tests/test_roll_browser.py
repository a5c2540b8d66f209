"""Recording leaving the roll from the pupil's page, refused then recorded, and the LA's deletion returns and the
/cme/ panel, in headless Chromium at 1280 px and on a 375 px phone, axe clean and not scrolling sideways."""

from __future__ import annotations

import pytest

from attend.web.tests.test_browser import check_accessibility, sign_in

from .roll_world import TODAY, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    made = world()
    for user in (made["lead"], made["officer"]):
        user.set_password(PASSWORD)
        user.save()
    return made


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_a_school_records_leaving_the_roll_and_the_la_sees_the_return(browser, live_server, w, width):  # noqa: F811
    base, upn = live_server.url, w["pupil"].upn
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    sign_in(page, base, w["lead"].username, PASSWORD)
    page.goto(f"{base}/pupils/{upn}/")
    page.get_by_role("link", name="Record leaving the roll").click()
    page.get_by_role("heading", name="Record leaving the roll").wait_for()
    assert "Only 0 continuous school days" in page.get_by_test_id("ground-i-gaps").locator("..").inner_text()
    fits(page, width)
    check_accessibility(page, f"roll-01-new-{width}")

    page.get_by_label("(h) Not returned after a leave of absence").check()
    page.get_by_role("button", name="Record the deletion and return it to the LA").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert (
        "Ground (h): say what the school knows (the note)."
        in page.locator(".govuk-error-summary").inner_text()
    )
    fits(page, width)
    check_accessibility(page, f"roll-02-refused-{width}")

    page.get_by_label("What the school checked and knows").fill(
        "Leave ended 3 November; phone unanswered since"
    )
    page.get_by_role("button", name="Record the deletion and return it to the LA").click()
    page.get_by_role("heading", name="Deletion return:").wait_for()
    assert page.get_by_test_id("ground").inner_text() == "(h) Not returned after a leave of absence"
    fits(page, width)
    check_accessibility(page, f"roll-03-detail-{width}")
    context.close()

    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    sign_in(page, base, w["officer"].username, PASSWORD)
    page.goto(f"{base}/cme/deletions/")
    assert page.get_by_test_id("count").inner_text() == "1 deletion return."
    fits(page, width)
    check_accessibility(page, f"roll-04-list-{width}")
    page.goto(f"{base}/cme/")
    assert "1 deletion this term" in page.get_by_test_id("roll-panel").inner_text()
    fits(page, width)
    check_accessibility(page, f"roll-05-panel-{width}")
    context.close()
