"""The case page and logging a call in headless Chromium at 1280 px and on a 375 px phone, axe clean (the browser
and axe checks of attend/web/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from attend.casework import cases
from attend.casework.chronology import correct_entry, record_entry
from attend.web.tests.test_browser import check_accessibility

from .cases_world import TODAY, at, make_case_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def case_world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_case_world()
    officer = w["alder_officer"]
    officer.set_password(PASSWORD)
    officer.save()
    case, _ = cases.open_case(
        by=w["la_officer"],
        pupil=w["maya"],
        school=w["alder"],
        occurred_at=at(TODAY, 8),
        reason="Persistent absence alert: 84% this term",
    )
    cases.assign(
        case, w["la_officer"], officer, "Sam Patel, Early Help key worker", w["la_officer"], case.version
    )
    visit = record_entry(
        case,
        kind="home_visit",
        summary="Visited; Maya at home, said she was tired",
        by=officer,
        occurred_at=at(TODAY, 8, 40),
        child_seen=True,
        child_heard=True,
        child_words="I don't like the noise at lunch",
        parent_words="We are trying our best",
        next_step="Talk to the SENCo about lunchtimes",
        next_step_due=TODAY.replace(day=26),
        support_offered=["mentoring"],
        participants="Grace Okafor (mother)",
    )
    correct_entry(visit, officer, "Visited at 08:40; Maya said she was tired and worried about lunchtimes")
    record_entry(
        case,
        kind="note",
        summary="Restricted note",
        restricted=True,
        by=w["alder_dsl"],
        occurred_at=at(TODAY, 8, 50),
    )
    return {**w, "case": case}


def _sign_in(page, base):
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_case_page_and_logging_a_call(browser, live_server, case_world, width):  # noqa: F811
    base, ref = live_server.url, case_world["case"].ref
    phone = width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, base)

    page.goto(f"{base}/cases/{ref}/")
    page.get_by_role("heading", name="Chronology").wait_for()
    assert page.get_by_test_id("correction").count() == 1
    assert "A restricted safeguarding note" in page.content()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"cases-01-case-{width}")

    page.get_by_role("link", name="Log a call, visit or note").click()
    page.get_by_role("heading", name="Log a call, visit or note").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"cases-02-log-{width}")
    page.get_by_label("What happened").select_option("phone_call")
    page.get_by_role("button", name="Add to the chronology").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Choose the outcome of the call" in page.content()
    check_accessibility(page, f"cases-03-log-errors-{width}")

    page.get_by_label("Left a voicemail").check()
    page.get_by_label("Date (YYYY-MM-DD)").fill(TODAY.isoformat())
    page.get_by_label("Time (24-hour, like 14:30)").fill("11:20")
    page.get_by_label("Summary", exact=True).fill("Voicemail asking mother to call back about Monday")
    page.get_by_label("Next step", exact=True).fill("Call again tomorrow morning")
    page.get_by_label("Next step due (YYYY-MM-DD)").fill("2025-11-20")
    page.get_by_label("Breakfast club").first.check()
    page.get_by_role("button", name="Add to the chronology").click()
    page.get_by_role("heading", name="Chronology").wait_for()
    call = page.get_by_test_id("entry").filter(has_text="Telephone call: left a voicemail")
    assert (
        "Breakfast club" in call.inner_text()
        and "Call again tomorrow morning by 20 November 2025" in call.inner_text()
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"cases-04-case-after-call-{width}")
    assert not errors, errors
    context.close()
