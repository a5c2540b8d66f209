"""Booking and recording a telephone meeting in headless Chromium, at 1280 px and at 375 px (a phone), with
axe-core checking every page."""

from __future__ import annotations

import pytest

from attend.casework.models import Meeting
from attend.web.tests.test_browser import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-la-officer-pw"


def book_and_record(page, base: str, case, name: str, time: str) -> None:
    page.goto(f"{base}/cases/{case.ref}/meetings/new/")
    page.get_by_role("heading", name="Before you book: contacts and barriers").wait_for()
    check_accessibility(page, f"{name}-book")
    page.get_by_label("Telephone", exact=True).check()
    page.get_by_label("Meeting with parents or carers").check()
    page.get_by_label("Meeting date").fill("2025-11-19")
    page.get_by_label("Start time").fill(time)
    page.get_by_label("Length in minutes").fill("30")
    page.get_by_label("Agenda").fill("How Amelia is getting on\nWhat would help")
    page.get_by_label("How to join").fill("We will call you on 07700 900123.")
    page.get_by_label("Email", exact=True).check()
    # A mistake first: the error summary, not a 500.
    page.get_by_label("Start time").fill("25:99")
    page.get_by_role("button", name="Book and send the invitation").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    check_accessibility(page, f"{name}-book-error")
    page.get_by_label("Start time").fill(time)
    page.get_by_role("button", name="Book and send the invitation").click()
    page.get_by_test_id("invitation").wait_for()
    assert "anna.kowalska@example.com: sent" in page.get_by_test_id("invitation").inner_text()
    check_accessibility(page, f"{name}-meeting")
    page.get_by_role("link", name="Record the meeting").click()
    page.get_by_label("Yes, it was held").check()
    page.get_by_label("How Amelia is getting on").fill("Settled in class; mornings are hard.")
    page.get_by_label("What would help").fill("A breakfast club place.")
    page.get_by_label("The child's own words").fill("I like art.")
    page.get_by_label("Action 1: what").fill("Offer a breakfast club place")
    page.get_by_label("Action 1: who").select_option("school")
    page.get_by_label("Action 1 due date").fill("2025-11-28")
    check_accessibility(page, f"{name}-record")
    page.get_by_role("button", name="Save the record").click()
    page.get_by_test_id("record").wait_for()
    assert "A breakfast club place." in page.get_by_test_id("record").inner_text()
    assert page.get_by_test_id("meeting-status").inner_text() == "Held"
    check_accessibility(page, f"{name}-recorded")


def test_booking_and_recording_a_telephone_meeting(browser, live_server, family, smtp_server):
    officer = family["la_officer"]
    officer.set_password(PASSWORD)
    officer.save()
    base = live_server.url
    for name, viewport, time in (
        ("meetings-1280", {"width": 1280, "height": 900}, "14:00"),
        ("meetings-375", {"width": 375, "height": 812}, "15:00"),
    ):
        context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 400)
        page = context.new_page()
        sign_in(page, base, officer.username, PASSWORD)
        book_and_record(page, base, family["case"], name, time)
        if viewport["width"] < 400:
            # Nothing wider than the phone's screen.
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        context.close()
    assert Meeting.objects.filter(status="held").count() == 2
    assert len(smtp_server.messages) == 2


def test_consent_safety_and_safeguarding_pages_are_axe_clean_on_a_phone(browser, live_server, family):
    officer = family["la_officer"]
    officer.set_password(PASSWORD)
    officer.save()
    base, ref = live_server.url, family["case"].ref
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    sign_in(page, base, officer.username, PASSWORD)
    page.goto(f"{base}/cases/{ref}/consent/new/")
    page.get_by_role("button", name="Record consent").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    check_accessibility(page, "meetings-375-consent-error")
    page.goto(f"{base}/cases/{ref}/contacts/{family['father'].pk}/safety/")
    page.get_by_label("Their address is confidential: never show or print it to anyone else").check()
    page.get_by_label("Reason").fill("Refuge")
    page.get_by_label("Low literacy").check()
    check_accessibility(page, "meetings-375-safety")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("contacts").wait_for()
    assert "Confidential" in page.get_by_test_id("contacts").inner_text()
    check_accessibility(page, "meetings-375-list")
    page.goto(f"{base}/cases/{ref}/safeguarding/new/")
    check_accessibility(page, "meetings-375-safeguarding-new")
    page.get_by_label("Referral to children's social care (front door or MASH)").check()
    page.get_by_label("What happened, and what you know").fill("Referred after a disclosure.")
    page.get_by_label("The other agency's reference (referrals)").fill("MASH-1")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("records").wait_for()
    check_accessibility(page, "meetings-375-safeguarding")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    context.close()
