"""The main flows in headless Chromium (Debian's, driven by Playwright), on the demo LA, with axe-core checking
each page for WCAG 2.2 A/AA problems. Screenshots go to artifacts/screenshots/ (kept by CI)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("ATTEND_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if missing:
        message = (
            f"Browser tests need {', '.join(missing)} (scripts/setup.sh and scripts/test.sh install them)"
        )
        if os.environ.get("ATTEND_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    # Restored afterwards, so the flag cannot leak into later tests or the processes they start.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def check_accessibility(page, name: str) -> None:
    """Run axe-core in the page (evaluated through the DevTools protocol, so the CSP still applies to the page)
    and fail on serious or critical violations. Saves a full-page screenshot either way."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    bad = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe on {name}: " + json.dumps(bad, indent=1)


def test_main_flows(browser, live_server, demo_la):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Sign in.
    page.goto(base + "/")
    assert "/sign-in/" in page.url
    check_accessibility(page, "01-sign-in")
    page.get_by_label("Username").fill("la.officer")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    check_accessibility(page, "02-sign-in-error")
    page.get_by_label("Username").fill("la.officer")
    page.get_by_label("Password").fill("demo-la-officer-pw")
    page.get_by_role("button", name="Sign in").click()

    # Home: the person's work first.
    page.get_by_role("heading", name="Your work today").wait_for()
    assert page.get_by_role("heading", name="Open alerts").is_visible()
    check_accessibility(page, "03-home")

    # The work list, and a pupil from it.
    page.get_by_role("link", name="Open the work list").click()
    page.get_by_role("heading", name="Work list").wait_for()
    page.get_by_label("Alert", exact=True).select_option("persistent_absence")
    page.get_by_role("button", name="Filter").click()
    check_accessibility(page, "04-work-list")
    first = page.get_by_test_id("work-list").locator("tbody a").first
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert page.get_by_role("heading", name="Session calendar").is_visible()
    calendar = page.locator("svg.attend-chart").first
    assert calendar.get_attribute("role") == "img"
    sessions = page.locator(".attend-calendar__session")
    assert sessions.count() > 20
    sessions.first.hover()  # the code shows on hover (the <title>)
    assert " – " in sessions.first.locator("title").text_content()
    assert page.get_by_test_id("reasons").is_visible()
    assert page.get_by_role(
        "img", name="Attendance week by week: this pupil, the school and England"
    ).is_visible()
    assert "England" in page.get_by_test_id("comparison").inner_text()
    page.get_by_text("Show the trend as a table").click()
    check_accessibility(page, "05-pupil")

    # Search by name from the header.
    surname = name.split()[-1]
    page.get_by_label("Find a pupil by name or UPN").fill(surname)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_test_id("search-results").wait_for()
    assert surname in page.get_by_test_id("search-results").inner_text()
    check_accessibility(page, "06-search")

    # LA dashboard: sort, then drill down school -> group -> pupil.
    page.get_by_role("link", name="Local authority").click()
    page.get_by_role("heading", name="Schools side by side").wait_for()
    page.get_by_test_id("la-schools").get_by_role("link", name="Persistent absence").click()
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Persistent absence")
    check_accessibility(page, "07-la-dashboard")
    page.get_by_test_id("la-schools").locator("tbody a").first.click()
    page.get_by_role("heading", name="Weekly trend").wait_for()
    assert page.locator("svg.attend-chart").count() == 2
    page.get_by_text("Show the weekly trend as a table").click()
    check_accessibility(page, "08-school-dashboard")
    page.get_by_test_id("group-fsm").get_by_role("link", name="Yes").click()
    page.get_by_test_id("pupil-list").wait_for()
    check_accessibility(page, "09-school-group-pupils")

    # Filter in place (htmx), then export the persistently absent pupils.
    page.get_by_label("List").select_option("pa")
    page.wait_for_function("() => location.search.includes('list=pa')")
    page.get_by_test_id("pupil-list").or_(page.get_by_text("No pupils match these filters.")).wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert (
        all(r["Persistent absence"] == "Yes" and r["Free school meals"] == "Yes" for r in rows)
        if rows and "Free school meals" in rows[0]
        else all(r["Persistent absence"] == "Yes" for r in rows)
    )
    assert not errors, errors
    context.close()

    # A 375 px wide phone: no sideways scrolling of the page; wide tables scroll inside their own box.
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill("school.officer")
    page.get_by_label("Password").fill("demo-school-officer-pw")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work today").wait_for()
    check_accessibility(page, "10-phone-home")
    for url, shot in (("/work/", "11-phone-work-list"), ("/schools/", None)):
        page.goto(base + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        if shot:
            check_accessibility(page, shot)
    page.locator("main a.govuk-link").first.click()
    page.get_by_role("heading", name="Weekly trend").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "12-phone-school-dashboard")
    page.goto(base + "/work/")
    page.get_by_test_id("work-list").locator("tbody a").first.click()
    page.get_by_role("heading", name="Session calendar").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "13-phone-pupil")
    phone.close()
