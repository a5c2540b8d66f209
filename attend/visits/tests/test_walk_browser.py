"""The acceptance walk of issue 18 in headless Chromium on a 375 px phone, axe clean and no sideways scrolling on
every page: an officer plans a home visit from a case, adds it to today's round, does the risk check (a marker on
the address refuses "alone": doorstep only), checks out, records the outcome (no answer, card left), checks in and
comes back; the office sees the round back and the case chronology shows the doorstep visit. Then an overdue
round: red at the top of the office dashboard, `attend visits check --now` sends the first escalation email to a
real local SMTP server, and the office acknowledges it in the browser.

World: Alder Primary (Northshire); Sam Patel, its attendance officer (mobile and vehicle on his visit profile);
Olu Office, its attendance lead; Amy Khan with her mother Nadia at 12 Elm Road, LS9 7AB, where a "lone visit not
advised" marker stands. Today is pinned to Wednesday 19 November 2025; the lone-worker clock to 09:30."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from attend.accounts.models import Membership
from attend.casework.cases import open_case
from attend.casework.models import ChronologyEntry, EntryKind
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.letters.tests.conftest import fake_notify, smtp_server  # noqa: F401
from attend.people.models import Contact, PupilContact
from attend.visits import lone, views_escalation
from attend.visits.models import Escalation, OfficerProfile, RiskKind, Round, Visit
from attend.visits.risks import record_marker
from attend.web.tests.test_browser import check_accessibility, sign_in

from .escalation_world import make_contacts, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
R = Membership.Role
PASSWORD = "a long enough password 7"
DAY = dt.date(2025, 11, 19)
WIDTH = 375


def at(hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time.fromisoformat(hhmm)))


def person(username: str, first: str, last: str, role: str, school) -> object:
    user = make_user(username, role=role, school=school, password=PASSWORD)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def make_walk_world() -> dict:
    alder = make_school(la=make_la(), name="Alder Primary")
    sam = person("sam.patel", "Sam", "Patel", R.SCHOOL_OFFICER, alder)
    OfficerProfile.objects.create(
        user=sam, mobile="07700 900123", vehicle_make="Ford", vehicle_model="Fiesta",
        vehicle_registration="AB12 CDE", vehicle_colour="Blue", description="Tall, grey hair, green coat",
    )  # fmt: skip
    olu = person("olu.office", "Olu", "Office", R.ATTENDANCE_LEAD, alder)
    amy = make_pupil(school=alder, surname="Khan", legal_forename="Amy")
    nadia = Contact.objects.create(
        contact_ref="C-AMY-1", forename="Nadia", surname="Khan", address_line1="12 Elm Road", town="Leeds",
        postcode="LS9 7AB", phone_mobile="07700 900456",
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=amy, contact=nadia, relationship="Mother", priority=1, lives_with_pupil=True
    )
    case, _ = open_case(by=sam, pupil=amy, school=alder)
    record_marker(
        by=olu, kind=RiskKind.LONE_NOT_ADVISED, reason="Two large dogs loose in the front garden in October",
        review_on=dt.date(2026, 3, 1), now=at("08:00"), address_line1="12 Elm Road", postcode="LS9 7AB",
    )  # fmt: skip
    return {"alder": alder, "sam": sam, "olu": olu, "amy": amy, "nadia": nadia, "case": case}


def phone(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, username, PASSWORD)
    return context, page, errors


def looked_at(page, name: str) -> None:
    """No sideways scrolling on the phone, and axe clean."""
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= WIDTH, f"{name} scrolls sideways at {WIDTH}px ({scroll}px wide)"
    check_accessibility(page, f"walk-{name}-{WIDTH}")


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", DAY.isoformat())
    clock = {"now": at("09:30")}
    monkeypatch.setattr(lone, "moment", lambda: clock["now"])
    monkeypatch.setattr(views_escalation, "moment", lambda: clock["now"])
    return clock


def test_the_officers_walk_from_case_to_back_and_the_office_sees_it(browser, live_server, pinned):
    w = make_walk_world()
    base = live_server.url
    context, page, errors = phone(browser, base, "sam.patel")

    # 1. Plan a home visit from the case page.
    page.goto(f"{base}/cases/{w['case'].ref}/")
    looked_at(page, "01-case")
    page.get_by_role("link", name="Plan a home visit").click()
    page.get_by_role("heading", name="Plan a home visit").wait_for()
    looked_at(page, "02-plan")
    page.get_by_label("12 Elm Road").check()
    page.get_by_label("Day of the visit").fill("2025-11-19")
    page.get_by_label("Why this visit").fill("Five days of unexplained absence since Friday")
    page.get_by_role("button", name="List the visit").click()
    page.get_by_text("Visit to Amy Khan listed for 19 November 2025").wait_for()
    looked_at(page, "03-listed")

    # 2. Add it to today's round and open the round.
    page.get_by_role("button", name="Add Amy Khan to today's round").click()
    page.get_by_text("Visit to Amy Khan added").wait_for()
    assert "1 visit on your round (planned)" in page.get_by_test_id("todays-round").inner_text()
    looked_at(page, "04-on-the-round")
    page.get_by_role("link", name="Open today's round").click()
    page.get_by_role("heading", name="Round for Wednesday 19 November 2025").wait_for()
    visit = Visit.objects.get(pupil=w["amy"])
    assert "Two large dogs loose" in page.get_by_test_id(f"visit-{visit.pk}").inner_text()
    looked_at(page, "05-round")

    # 3. The risk check: the marker on the address refuses "alone"; doorstep only.
    page.get_by_role("link", name="Risk check for visit 1").click()
    page.get_by_role("heading", name="Risk check before the visit").wait_for()
    assert "Do not go alone" in page.get_by_test_id("alone-refused").inner_text()
    page.get_by_label("Alone").check()
    page.get_by_label("I have read the risks above").check()
    page.get_by_role("button", name="Confirm the risk check").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "You cannot go alone to this address" in page.locator(".govuk-error-summary").inner_text()
    looked_at(page, "06-risk-check-refused")
    page.get_by_label("Doorstep only").check()
    page.get_by_label("I have read the risks above").check()
    page.get_by_role("button", name="Confirm the risk check").click()
    page.get_by_text("Risk check recorded: doorstep only").wait_for()
    # Timed like the check-out that follows it: 09:30 on the lone-worker clock, not the pinned day's 5 pm.
    assert "Doorstep only, 09:30" in page.get_by_test_id(f"check-{visit.pk}").inner_text()
    # The address reads once: its postcode is its last line, not repeated after it.
    assert page.get_by_test_id("lone-actions").inner_text().count("LS9 7AB") == 1
    looked_at(page, "07-round-checked")

    # 4. Check out: the round starts with an expected return time.
    page.get_by_label("What time do you expect to be back?").fill("12:30")
    page.get_by_role("button", name="Check out and start the round").click()
    page.get_by_text("You are checked out. Check in by").wait_for()
    looked_at(page, "08-checked-out")
    rnd = Round.objects.get(officer=w["sam"])
    assert rnd.status == Round.Status.OUT and rnd.mobile == "07700 900123"

    # 5. The outcome of the visit, from the round page: no answer, card left.
    page.goto(f"{base}/visits/rounds/{rnd.pk}/")
    page.get_by_role("link", name="Record what happened at visit 1").click()
    page.get_by_role("heading", name="What happened at the visit").wait_for()
    assert page.get_by_test_id("visit-address").inner_text().count("LS9 7AB") == 1
    looked_at(page, "09-outcome-form")
    page.get_by_label("Time of the visit").fill("10:05")
    page.get_by_label("No answer", exact=True).check()
    page.get_by_label("A visit card was left").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("The outcome of the visit is recorded on the case.").wait_for()
    assert page.get_by_test_id("outcome-words").inner_text() == "No answer, card left"
    looked_at(page, "10-outcome-recorded")

    # 6. Check in after the visit, then "I'm back".
    pinned["now"] = at("10:10")
    page.goto(f"{base}/visits/rounds/{rnd.pk}/out/")
    page.get_by_role("button", name="Checked in after this visit").click()
    page.get_by_text("Checked in at 10:10").wait_for()
    looked_at(page, "11-checked-in")
    pinned["now"] = at("10:40")
    page.get_by_role("button", name="I'm back: end the round").click()
    page.get_by_role("heading", name="You are back").wait_for()
    looked_at(page, "12-back")
    assert not errors, errors
    context.close()
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.BACK
    assert list(rnd.check_ins.order_by("at").values_list("kind", flat=True)) == [
        "start",
        "after_visit",
        "final",
    ]

    # 7. The office (same school) sees the round back; the case chronology has the doorstep visit.
    context, page, errors = phone(browser, base, "olu.office")
    page.goto(f"{base}/visits/office/?refresh=off")
    page.get_by_role("heading", name="Officers out on visits").wait_for()
    assert "Sam Patel: back at 10:40" in page.get_by_role("main").inner_text()
    looked_at(page, "13-office")
    page.goto(f"{base}/cases/{w['case'].ref}/")
    entry = ChronologyEntry.objects.get(case=w["case"], kind=EntryKind.DOORSTEP_VISIT)
    main = page.get_by_role("main").inner_text()
    assert "Doorstep visit" in main and entry.summary.splitlines()[0] in main
    looked_at(page, "14-case-chronology")
    assert not errors, errors
    context.close()


@pytest.fixture
def mail(smtp_server, fake_notify, settings):  # noqa: F811
    """The real local SMTP server and the fake Notify (texts), the policy settings the escalation runs on."""
    settings.ATTEND_VISITS_GRACE_MINUTES = 15
    settings.ATTEND_VISITS_OFFICE_HOURS = "08:00-18:00"
    settings.ATTEND_NOTIFY_RETRY_DELAYS = []
    return smtp_server


def test_an_overdue_round_is_red_at_the_top_escalates_by_email_and_is_acknowledged(
    browser, live_server, pinned, mail
):
    w = make_walk_world()
    make_contacts({"school": w["alder"]})
    # Another officer out and on time, so "at the top" means something.
    cy = person("cy.jones", "Cy", "Jones", R.SCHOOL_OFFICER, w["alder"])
    OfficerProfile.objects.create(user=cy, mobile="07700 900999")
    lone.start_round(
        make_round(w["alder"], cy), by=cy, expected_back_at=at("15:00"), now=at("09:00"),
        first_check_in_at=at("11:00"),
    )  # fmt: skip
    late = make_round(w["alder"], w["sam"])
    lone.start_round(
        late, by=w["sam"], expected_back_at=at("13:00"), now=at("08:30"), first_check_in_at=at("09:00")
    )  # fmt: skip
    pinned["now"] = at("09:30")  # due at 09:00, the 15 minutes' grace gone

    context, page, errors = phone(browser, live_server.url, "olu.office")
    page.goto(f"{live_server.url}/visits/office/?refresh=off")
    page.get_by_role("heading", name="1 officer overdue").wait_for()
    first = page.get_by_test_id("out-row").first
    assert first.get_attribute("id") == f"round-{late.pk}"
    assert "Overdue" in first.locator(".govuk-tag--red").inner_text()
    assert (
        "Sam Patel: check-in was due at 09:00, ring 07700 900123"
        in page.get_by_test_id("overdue").inner_text()
    )
    looked_at(page, "20-office-overdue")

    printed = io.StringIO()
    call_command("visits", "check", "--now", "2025-11-19T09:30", stdout=printed)
    assert "1 opened" in printed.getvalue()
    assert [m["to"] for m in mail.messages] == [["office@alder.example"]]
    body = mail.messages[0]["message"]
    assert "Sam Patel" in body["Subject"] + body.get_body().get_content()
    escalation_ = Escalation.objects.get(round=late)

    page.goto(f"{live_server.url}/visits/office/?refresh=off")
    page.get_by_test_id("escalation").wait_for()
    assert "Not yet acknowledged" in page.get_by_test_id("escalation").inner_text()
    looked_at(page, "20b-office-escalated")
    page.get_by_role("link", name="Open the escalation to acknowledge it").click()
    page.get_by_text("Email to Olu Office (office@alder.example)").first.wait_for()
    looked_at(page, "21-escalation")
    page.get_by_label("What you are doing (optional)").fill("Rang Sam: flat battery, safe, back by 11")
    page.get_by_role("button", name="I am dealing with this").click()
    page.get_by_text("By Olu Office at 19 November 2025").wait_for()
    looked_at(page, "22-acknowledged")
    escalation_.refresh_from_db()
    assert escalation_.acknowledged_by == w["olu"] and not escalation_.open
    assert not errors, errors
    context.close()
