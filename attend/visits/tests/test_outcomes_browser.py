"""Recording visit outcomes in headless Chromium on a phone (375 px), axe-core on every page: a visit with no
answer and a card left (after an empty form is refused), then a visit where an agreement is made and printed."""

from __future__ import annotations

import pytest

from attend.letters.models import Message
from attend.visits.models import Visit, VisitOutcome
from attend.web.tests.test_browser import check_accessibility

from .test_outcomes import TODAY, make_outcomes_world, make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long demo password 1"
WIDTH = 375


def saved(page) -> None:
    """Wait for the page after saving; on a refusal, say what the page said."""
    page.wait_for_load_state()
    if page.get_by_text("The outcome of the visit is recorded on the case.").count() == 0:
        raise AssertionError(page.locator("main").inner_text()[:1500])


def no_sideways_scroll(page) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= WIDTH + 1, f"the page scrolls sideways at {WIDTH}px ({scroll}px wide)"


def test_an_officer_records_a_no_answer_with_a_card_and_an_agreement_on_a_phone(
    browser, live_server, monkeypatch
):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_outcomes_world()
    w["jo"].set_password(PASSWORD)
    w["jo"].save()
    second = make_visit(w)
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + f"/visits/visit/{w['visit'].pk}/outcome/")
    page.get_by_label("Username").fill("jo.khan")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="What happened at the visit").wait_for()
    check_accessibility(page, "visits-outcome-01-form-375")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Record what happened" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "visits-outcome-02-error-375")
    page.get_by_label("Time of the visit").fill("10:15")
    page.get_by_label("No answer", exact=True).check()
    page.get_by_label("A visit card was left").check()
    page.get_by_role("button", name="Record the outcome").click()
    saved(page)
    assert page.get_by_test_id("outcome-words").inner_text() == "No answer, card left"
    assert page.get_by_role("link", name="Print the visit card (PDF)").count() == 1
    check_accessibility(page, "visits-outcome-03-recorded-375")
    no_sideways_scroll(page)

    page.goto(live_server.url + f"/visits/visit/{second.pk}/outcome/")
    page.get_by_label("Time of the visit").fill("15:40")
    page.get_by_label("A parent or carer was seen").check()
    page.get_by_label("Which parent or carer").select_option(str(w["grace"].pk))
    page.get_by_label("Agreements reached").fill("Maya will be in school by 8:50 every day")
    page.get_by_label("Send the agreement to the parent seen").select_option("print")
    page.get_by_label("Check the agreement is kept on").fill("2025-12-03")
    page.get_by_role("button", name="Record the outcome").click()
    saved(page)
    assert "handed over by staff to Mrs Grace Okafor" in page.get_by_test_id("agreement-message").inner_text()
    check_accessibility(page, "visits-outcome-04-agreement-375")
    no_sideways_scroll(page)
    context.close()
    assert Visit.objects.filter(status=Visit.Status.DONE).count() == 2
    assert VisitOutcome.objects.get(visit=second).agreement_message.status == Message.Status.SENT
