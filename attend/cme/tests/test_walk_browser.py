"""The acceptance walk of issue 20 in headless Chromium, at 375 px (a phone) and 1280 px, axe clean and no
sideways scrolling on every page: from a `cme_20_days` alert on the LA officer's work list to "Start a children
missing education enquiry", an LA enquiry, the school's own enquiry recorded by the school, a refused close
("found in another LA" with no LA), then closed as found in Birmingham: the referral is recorded and emailed (a
real local SMTP server), and the outcome shows on the enquiry and on the case chronology.

World (enquiries_world.py): Northshire's Alder Primary; Amy Khan on its roll with a cme_20_days alert; Lee
Officer (Northshire LA) and Sam Patel (Alder's attendance officer). Today is pinned to Wednesday 19 November 2025."""

from __future__ import annotations

import pytest

from attend.casework.models import ChronologyEntry, EntryKind
from attend.cme.models import CmeEnquiry, EnquiryCheck, LaReferral
from attend.web.tests.test_browser import check_accessibility, sign_in

from .enquiries_world import TODAY, make_enquiry_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough password 7"


def session(browser, base: str, username: str, width: int):
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, username, PASSWORD)
    return context, page, errors


def looked_at(page, name: str, width: int) -> None:
    """No sideways scrolling, and axe clean."""
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px wide)"
    check_accessibility(page, f"cme-walk-{name}-{width}")


@pytest.fixture
def pinned(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")


def record(page, kind: str, party: str, who: str, result: str) -> None:
    form = page.get_by_test_id("record-form")
    form.get_by_label(kind, exact=True).check()
    form.get_by_label(party, exact=True).check()
    form.get_by_label("Who made it").fill(who)
    form.get_by_label("What was found out").fill(result)
    form.get_by_role("button", name="Record the enquiry").click()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_cme_enquiry_from_the_alert_to_found_in_another_la(
    browser, live_server, pinned, smtp_server, width
):
    w = make_enquiry_world(password=PASSWORD)
    base = live_server.url

    # 1. The LA officer's work list: the alert, and "Start a children missing education enquiry" on its row.
    context, page, errors = session(browser, base, "lee.la", width)
    page.goto(f"{base}/work/")
    looked_at(page, "01-work-list", width)
    page.get_by_role("link", name="Start a children missing education enquiry").first.click()
    page.get_by_role("heading", name="Start a children missing education enquiry").wait_for()
    assert "Amy Khan" in page.get_by_test_id("enquiry-target").inner_text()
    looked_at(page, "02-start", width)
    page.get_by_label("Why the child may be missing education").fill("20 days absent; phones dead; no reply")
    page.get_by_role("button", name="Start the enquiry").click()
    page.get_by_text("Enquiry CME-000001 is open for Amy Khan.").wait_for()
    looked_at(page, "03-enquiry-open", width)
    enquiry = CmeEnquiry.objects.get()
    assert enquiry.source_alert == w["alert"] and enquiry.case.pupil == w["amy"]

    # 2. The LA's enquiry: a home visit.
    record(
        page, "Home visit", "The local authority", "Lee Officer", "Curtains drawn; neighbour says they moved"
    )
    page.get_by_text("Recorded on enquiry CME-000001.").wait_for()
    assert (
        "Done by the local authority (Lee Officer), 19 Nov 2025"
        in page.get_by_test_id("check-home_visit").inner_text()
    )
    looked_at(page, "04-la-enquiry", width)
    context.close()

    # 3. The school's own enquiry, by the school's attendance officer (party: the school, the only choice).
    context, page, school_errors = session(browser, base, "sam.school", width)
    page.goto(f"{base}/cme/enquiries/")
    looked_at(page, "05-school-list", width)
    page.get_by_role("link", name="CME-000001").click()
    page.get_by_role("heading", name="Amy Khan").wait_for()
    record(
        page, "Parents and contacts rung", "The school", "Sam Patel", "Mother's and emergency numbers dead"
    )
    page.get_by_text("Recorded on enquiry CME-000001.").wait_for()
    assert "Both are recorded." in page.get_by_role("main").inner_text()
    looked_at(page, "06-school-enquiry", width)
    assert not school_errors, school_errors
    context.close()

    # 4. The LA closes it: refused without the LA, then found in Birmingham with the referral emailed.
    context, page, more_errors = session(browser, base, "lee.la", width)
    page.goto(f"{base}/cme/enquiries/CME-000001/")
    page.get_by_role("link", name="Close with an outcome").click()
    page.get_by_role("heading", name="Close with an outcome").wait_for()
    looked_at(page, "07-close", width)
    page.get_by_label("Found: in another LA (referred to that LA)").check()
    page.get_by_role("button", name="Close the enquiry").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert (
        "Choose the local authority the child was found in"
        in page.locator(".govuk-error-summary").inner_text()
    )
    looked_at(page, "08-close-refused", width)
    page.get_by_label("Found: in another LA (referred to that LA)").check()
    page.get_by_label("Found in another LA: which local authority").select_option(label="Birmingham (330)")
    page.get_by_label("Found in another LA: who at that LA").fill("cme@birmingham.gov.example")
    page.get_by_label("Note").fill("On roll at a Birmingham school since 3 November (lost pupil database)")
    page.get_by_role("button", name="Close the enquiry").click()
    page.get_by_text(
        "Enquiry CME-000001 closed: Found: in another LA (referred to that LA), Birmingham"
    ).wait_for()
    assert "Found in Birmingham" in page.get_by_test_id("outcome").inner_text()
    assert "to Birmingham (cme@birmingham.gov.example)" in page.get_by_test_id("referrals").inner_text()
    looked_at(page, "09-closed", width)
    referral = LaReferral.objects.get()
    assert (referral.to_la.code, referral.sent_on, referral.enquiry) == ("330", TODAY, enquiry)
    assert [m["to"] for m in smtp_server.messages] == [["cme@birmingham.gov.example"]]

    # 5. The case chronology shows the enquiry's steps, the outcome and the referral.
    page.get_by_role("link", name=enquiry.case.ref).click()
    page.get_by_role("heading", name="Chronology").wait_for()
    main = page.get_by_role("main").inner_text()
    assert "CME-000001 closed: Found: in another LA (referred to that LA) (Birmingham)" in main
    assert "Referral to Birmingham recorded" in main
    looked_at(page, "10-case-chronology", width)
    assert ChronologyEntry.objects.filter(case=enquiry.case, kind=EntryKind.CME).count() == 5
    assert EnquiryCheck.objects.filter(enquiry=enquiry).count() == 2
    assert not errors and not more_errors, errors + more_errors
    context.close()
