"""A register report from a school's MIS imported on the web (issue 21 acceptance): upload -> match the columns
(a field error first) -> preview -> import with progress, in headless Chromium at 1280 px and on a 375 px phone,
axe clean on every page and never scrolling sideways (the sample tables scroll inside their own container)."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user
from attend.jobs.models import Job
from attend.registers.models import ImportProfile, Mark
from attend.web.tests.test_browser import check_accessibility, run_worker, sign_in

from .profile_world import long_report, pupils_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


@pytest.fixture
def w(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    monkeypatch.setenv("ATTEND_WEB_TODAY", "2025-11-20")
    settings.VAR_DIR = tmp_path
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    school = make_school(la=make_la())
    officer = make_user(
        "report.officer", role=Membership.Role.SCHOOL_OFFICER, school=school, password=PASSWORD
    )
    pupils = pupils_at(school)
    report = tmp_path / "Attendance Marks Report.csv"
    report.write_text(long_report(pupils, repeat_header=True), encoding="utf-8")
    return {"school": school, "officer": officer, "report": report}


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 375])
def test_an_mis_report_is_uploaded_matched_previewed_and_imported(browser, live_server, w, width):
    base, phone = live_server.url, width == 375
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, w["officer"].username, PASSWORD)

    page.goto(base + "/imports/new/")
    page.get_by_role("link", name="How to lay out the file").click()
    page.get_by_role("heading", name="How to lay out the file").wait_for()
    fits(page, width)
    check_accessibility(page, f"profiles-00-help-{width}")
    page.get_by_role("link", name="Back to import a file").click()
    fits(page, width)
    page.get_by_label("Register report from your MIS (any layout)").check()
    page.get_by_label("Upload a file").set_input_files(str(w["report"]))
    fits(page, width)
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("heading", name="Match the columns").wait_for()
    assert page.get_by_test_id("sample").get_attribute("tabindex") == "0"
    assert "The first" in page.locator("#sample-caption").inner_text()
    fits(page, width)
    check_accessibility(page, f"profiles-01-map-{width}")

    # A required field left unmatched: the error summary links to its select.
    page.locator("#id_col_date").select_option("")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.locator(".govuk-error-summary a[href='#id_col_date']").wait_for()
    fits(page, width)
    check_accessibility(page, f"profiles-02-map-error-{width}")

    page.locator("#id_col_date").select_option("Date")
    page.locator("#id_date_format").select_option("dd/mm/yyyy")
    page.get_by_label("Save this mapping as a profile for next time").check()
    page.get_by_label("Profile name").fill("Our weekly marks report")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Check the first rows").wait_for()
    assert "18 marks" in page.get_by_test_id("preview-summary").inner_text()
    assert "2025-11-17" in page.get_by_test_id("preview").inner_text()
    assert not Mark.objects.exists()
    assert ImportProfile.objects.get().name == "Our weekly marks report"
    fits(page, width)
    check_accessibility(page, f"profiles-03-preview-{width}")

    page.get_by_role("button", name="Import").click()
    progress = page.get_by_test_id("job-progress")
    progress.wait_for()
    fits(page, width)
    check_accessibility(page, f"profiles-04-progress-{width}")
    run_worker()
    page.get_by_role("heading", name="Import complete").wait_for(timeout=15000)  # htmx polled it in place
    assert "18 created" in page.get_by_test_id("job-done").inner_text()
    assert Job.objects.get().status == "done" and Mark.objects.count() == 18
    fits(page, width)
    check_accessibility(page, f"profiles-05-done-{width}")
    assert not errors, errors
    context.close()
