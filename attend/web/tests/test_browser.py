"""The main flows in headless Chromium (Debian's, driven by Playwright), on the demo LA, with axe-core checking
each page for WCAG 2.2 A/AA problems. Screenshots go to artifacts/screenshots/ (kept by CI)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from .browser_kit import AXE, CHROMIUM, LAUNCH_ARGS  # noqa: F401  (the browser fixture is in the root conftest)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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


def test_main_flows(browser, live_server, demo_la_per_test):
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
    # The demo officer holds cases, so their own list has today's case items; persistent absence is on the school list.
    page.get_by_role("link", name="School list", exact=True).click()
    page.wait_for_function("() => location.search.includes('list=school')")
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


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work today").wait_for()


def run_worker() -> None:
    """The real django-tasks-db worker, run to the end of the queue (the page polls the server meanwhile)."""
    from django.core.management import call_command

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", stdout=io.StringIO()
    )


def changed_marks_csv(school, n: int = 3) -> str:
    """A few of the school's marks with a different code: a real, small correction file."""
    from attend.registers.models import Mark

    marks = Mark.objects.filter(enrolment__school=school, code="/").select_related("enrolment__pupil")[:n]
    rows = [f"{m.enrolment.pupil.upn},{school.urn},{m.date:%Y-%m-%d},{m.session},I" for m in marks]
    return "upn,school_urn,date,session,code\n" + "\n".join(rows) + "\n"


def test_jobs_settings_and_trust_flows(browser, live_server, demo_la_per_test, tmp_path):
    from attend.accounts.models import Membership, User
    from attend.jobs.models import Job
    from attend.schools.models import LocalAuthority, School, Trust

    base = live_server.url
    la = LocalAuthority.objects.get(code="999")  # the demo's (its CME enquiries add a real LA)
    manager = User.objects.create_user(
        "la.manager", password="demo-la-manager-pw", first_name="Mo", last_name="Khan"
    )
    Membership.objects.create(user=manager, role=Membership.Role.LA_MANAGER, local_authority=la)
    school = School.objects.filter(memberships__user__username="school.officer").first()
    good = tmp_path / "marks.csv"
    good.write_text(changed_marks_csv(school), encoding="utf-8")
    bad = tmp_path / "marks-bad.csv"
    bad.write_text(
        "upn,school_urn,date,session,code\nA999999999999,999999,2025-13-01,XM,ZZ\n", encoding="utf-8"
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # A school officer uploads a marks file; the progress bar waits for the worker, then finishes in place.
    sign_in(page, base, "school.officer", "demo-school-officer-pw")
    page.get_by_role("link", name="Imports and reports").click()
    page.get_by_role("link", name="Import a file").click()
    check_accessibility(page, "14-import-upload")
    page.get_by_label("Attendance marks (marks.csv)").check()
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and import").click()
    progress = page.get_by_test_id("job-progress")
    progress.wait_for()
    assert progress.get_attribute("max") == "1" and progress.get_attribute("value") == "0"
    check_accessibility(page, "15-import-progress")
    run_worker()
    page.get_by_role("heading", name="Import complete").wait_for(timeout=15000)  # htmx polled it in place
    assert Job.objects.get(params__file_name="marks.csv").status == "done"
    assert "3 updated" in page.get_by_test_id("job-done").inner_text()
    assert page.get_by_test_id("job-progress").count() == 0
    check_accessibility(page, "16-import-done")

    # A file with problems: nothing imported, every problem listed with its line.
    page.goto(base + "/imports/new/")
    page.get_by_label("Attendance marks (marks.csv)").check()
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_test_id("job-status").wait_for()
    run_worker()
    page.get_by_test_id("job-problems").wait_for(timeout=15000)
    assert "marks-bad.csv:2: " in page.get_by_test_id("job-problems").inner_text()
    check_accessibility(page, "17-import-problems")

    # A report built in the background, then downloaded.
    page.goto(base + "/reports/new/")
    page.get_by_label("Schools: DfE attendance").check()
    page.get_by_role("button", name="Build the report").click()
    page.get_by_test_id("job-status").wait_for()
    run_worker()
    page.get_by_test_id("job-download").wait_for(timeout=15000)
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r["School URN"] for r in rows] == [str(school.urn)]  # headings in words (issue 23)
    check_accessibility(page, "18-report-ready")
    page.get_by_role("button", name="Sign out").click()

    # An LA manager: settings pages and the trust dashboard.
    sign_in(page, base, "la.manager", "demo-la-manager-pw")
    page.get_by_role("link", name="Settings", exact=True).click()
    check_accessibility(page, "19-settings")
    page.get_by_role("link", name="Alert thresholds").click()
    page.get_by_role("link", name=la.name).click()
    page.get_by_test_id("rule-persistent_absence").get_by_label(
        "Percentage of possible sessions missed"
    ).fill("eleven")
    page.get_by_role("button", name="Save thresholds").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    check_accessibility(page, "20-thresholds-error")
    page.get_by_test_id("rule-persistent_absence").get_by_label(
        "Percentage of possible sessions missed"
    ).fill("11")
    page.get_by_role("button", name="Save thresholds").click()
    page.get_by_text("1 setting changed").wait_for()
    check_accessibility(page, "21-thresholds-saved")
    page.get_by_role("link", name="Services", exact=True).click()
    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("Name", exact=True).fill("Northshire Young Carers")
    page.get_by_label("Kind", exact=True).select_option("young_carers")
    page.get_by_label("Contact", exact=True).fill("01632 960123")
    page.get_by_label("How to refer").fill("Online form, with the family's consent.")
    check_accessibility(page, "22-service-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("service").first.wait_for()
    check_accessibility(page, "23-services")
    page.goto(base + "/settings/users/")
    assert "school.officer" in page.get_by_test_id("users").inner_text()
    check_accessibility(page, "24-users")
    trust = Trust.objects.filter(schools__local_authority=la).order_by("name").first()
    page.get_by_role("link", name="Trusts").click()
    page.get_by_role("link", name=trust.name).click()
    page.get_by_role("heading", name="Schools side by side").wait_for()
    check_accessibility(page, "25-trust-dashboard")
    page.get_by_test_id("la-schools").locator("tbody a").first.click()
    page.get_by_role("heading", name="Weekly trend").wait_for()
    assert not errors, errors
    context.close()

    # The new pages on a 375 px phone: no sideways scrolling of the page.
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, base, "la.manager", "demo-la-manager-pw")
    job = Job.objects.filter(status="failed").first()
    for url, shot in (
        ("/settings/", None),
        (f"/settings/thresholds/la/{la.pk}/", "26-phone-thresholds"),
        ("/settings/services/", "27-phone-services"),
        (f"/trusts/{trust.pk}/", "28-phone-trust"),
    ):
        page.goto(base + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, url
        if shot:
            check_accessibility(page, shot)
    phone.close()
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, base, "school.officer", "demo-school-officer-pw")
    for url, shot in (("/imports/new/", "29-phone-import"), (f"/jobs/{job.pk}/", "30-phone-job-problems")):
        page.goto(base + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, url
        check_accessibility(page, shot)
    phone.close()
