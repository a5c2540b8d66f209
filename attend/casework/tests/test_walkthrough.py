"""Issue 16's acceptance walk-through, through the pages as the officers use them: the Okafor family, Zara at Alder
Primary and Ben at Beech Primary (both Northshire), their mother Grace (parental responsibility, the same person on
both schools' records) and their father Daniel at another address. A persistent-absence alert for Zara becomes a
case; a call goes unanswered; a telephone meeting is booked by email; consent is recorded; a direct-work session
is refused before it and booked after; the meeting's record and action plan reach the mother; the plan review shows
before vs after; the case closes. At each step: the chronology on the case page, the messages' statuses and the
officer's work list. Then who can see what, on the pages and through the API.

The clock moves with the story (Fri 24 Oct to Wed 19 Nov 2025). Zara's marks are plans_world's, whose figures are
worked by hand there: before the plan (17 Oct to 2 Nov) 54.5%, 5 days missed of 11; after (3 to 19 Nov) 88.5%,
1.5 days of 13; up 33.9 percentage points."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.api.tests.factories import bearer, token_for
from attend.casework.models import Case
from attend.casework.prompts import sync_case_prompts
from attend.core import clock
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.letters.tests.conftest import smtp_server  # noqa: F401
from attend.stats.tests.factories import marks

from .plans_world import AFTER_CODES, AFTER_DAYS, BEFORE_CODES, BEFORE_DAYS, make_contact

pytestmark = pytest.mark.django_db
R = Membership.Role
D = dt.date


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def on(monkeypatch, day: str) -> None:
    monkeypatch.setenv("ATTEND_TODAY", day)


def version(client, url: str) -> str:
    return re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1)


def post(client, url: str, data: dict) -> str:
    """POST a form as a user does; it must succeed (a redirect), and the page it leads to is returned as text."""
    response = client.post(url, data)
    assert response.status_code == 302, text(response)[:2000]
    return text(client.get(response["Location"]))


def chronology(case: Case) -> list[tuple[str, str]]:
    return list(case.entries.order_by("occurred_at", "id").values_list("kind", "summary"))


def work_items(client, user) -> str:
    sync_case_prompts(clock.today())  # what the nightly evaluation does
    client.force_login(user)
    return text(client.get("/work/?list=mine"))


def make_family() -> dict:
    la = make_la()
    alder, beech = make_school(la=la, name="Alder Primary"), make_school(la=la, name="Beech Primary")
    zara = make_pupil(school=alder, surname="Okafor", legal_forename="Zara")
    ben = make_pupil(school=beech, surname="Okafor", legal_forename="Ben")
    marks(zara.enrolments.get(), [D(2025, 10, 16)], ["O", "O"])
    marks(zara.enrolments.get(), BEFORE_DAYS, BEFORE_CODES)
    # The same mother on each school's records (two MIS contact rows); the father lives elsewhere.
    mother = make_contact(zara, "C-ALD-1", "Mrs", "Grace", "grace.okafor@example.com", "4 Willow Road")
    make_contact(ben, "C-BEE-7", "Mrs", "Grace", "grace.okafor@example.com", "4 Willow Road")
    make_contact(zara, "C-ALD-2", "Mr", "Daniel", "daniel.okafor@example.com", "9 Station Flats",
                 relationship="Father", lives_with=False, priority=2)  # fmt: skip
    people = {}
    for key, username, role, name, scope in [
        ("sam", "sam.patel", R.LA_OFFICER, "Sam Patel", {"local_authority": la}),
        ("jo", "jo.khan", R.SCHOOL_OFFICER, "Jo Khan", {"school": alder}),
        ("bea", "bea.marsh", R.SCHOOL_OFFICER, "Bea Marsh", {"school": beech}),
        ("dee", "dee.lowe", R.DSL, "Dee Lowe", {"school": alder}),
        ("tom", "tom.hill", R.CLASS_TEACHER, "Tom Hill", {"school": alder}),
    ]:
        people[key] = make_user(username, role=role, **scope)
        people[key].first_name, people[key].last_name = name.split()
        people[key].save()
    return {"alder": alder, "beech": beech, "zara": zara, "ben": ben, "mother": mother, **people}


BOOKING = {"method": "telephone", "length_minutes": "30", "route": "email",
           "joining_details": "We will ring you on 07700 900123."}  # fmt: skip


def test_the_okafor_family_from_alert_to_closed_case(client, monkeypatch, smtp_server):  # noqa: F811
    f = make_family()
    sam, jo, zara = f["sam"], f["jo"], f["zara"]

    # Fri 24 Oct: the alert on the work list becomes a case, assigned, and the family is confirmed.
    on(monkeypatch, "2025-10-24")
    alert = Alert.objects.create(
        rule="persistent_absence", pupil=zara, school=f["alder"], raised_on=D(2025, 10, 24),
        last_evaluated_on=D(2025, 10, 24), reason="Missed 57% of sessions (8 of 14).", measure=57.1,
        peak_measure=57.1,
    )  # fmt: skip
    client.force_login(sam)
    assert "Open case" in text(client.get(f"/work/pupils/{zara.upn}/"))
    assert "From the alert: Missed 57% of sessions (8 of 14)." in text(
        client.get(f"/cases/open/?alert={alert.pk}")
    )
    page = post(client, f"/cases/open/?alert={alert.pk}", {"stage": "listen", "reason": "Persistent absence"})
    case = Case.objects.get(pupil=zara)
    url = f"/cases/{case.ref}/"
    assert f"Case {case.ref} opened for Zara" in page
    assert f"Case {case.ref} open" in text(client.get(f"/work/pupils/{zara.upn}/"))
    assert f"Case {case.ref} open" in text(client.get("/work/"))
    post(
        client,
        f"{url}assign/",
        {"la_officer": sam.pk, "school_lead": jo.pk, "version": version(client, f"{url}assign/")},
    )
    page = text(client.get(f"{url}family/"))
    assert (
        "Ben Okafor" in page and "Shares a parent or carer with parental responsibility: Grace Okafor" in page
    )
    page = post(
        client, f"{url}family/", {"confirm-pupil": f["ben"].upn, "confirm-reason": "Mother confirmed"}
    )
    assert "Ben added to the family" in page
    client.force_login(f["bea"])
    post(client, f"/cases/open/?upn={f['ben'].upn}", {"stage": "listen", "reason": "Brother's case opened"})
    ben_case = Case.objects.get(pupil=f["ben"])
    ben_url = f"/cases/{ben_case.ref}/"
    post(
        client,
        f"{ben_url}assign/",
        {"school_lead": f["bea"].pk, "version": version(client, f"{ben_url}assign/")},
    )
    page = text(client.get(f"{ben_url}family/"))
    assert "Ben Okafor Confirmed by Sam Patel: Mother confirmed CW-000002 (listen and understand" in page
    assert "Zara" not in page  # her sister at another school is out of Bea's scope

    # Mon 27 Oct: a call with no answer and a next step due tomorrow.
    on(monkeypatch, "2025-10-27")
    client.force_login(sam)
    call = {"kind": "phone_call", "outcome": "no_answer", "date": "2025-10-27", "time": "09:40",
            "participants": "Sam Patel (LA attendance officer)", "child_seen": "no", "child_heard": "no",
            "summary": "Rang Mrs Okafor's mobile: no answer, no voicemail.", "next_step": "Ring Mrs Okafor again",
            "next_step_due": "2025-10-28", "interpreter_needed": "no"}  # fmt: skip
    page = post(client, f"{url}log/", call)
    assert "Telephone call: no answer 27 October 2025 09:40" in page
    assert "Next step Ring Mrs Okafor again by 28 October 2025" in page
    assert f"Case {case.ref}: next step" not in work_items(client, sam)

    # Tue 28 Oct: the next step is on Sam's list; he gets through and books a telephone meeting by email.
    on(monkeypatch, "2025-10-28")
    assert f"Case {case.ref}: next step 'Ring Mrs Okafor again', due 28 Oct 2025." in work_items(client, sam)
    post(client, f"{url}log/", {**call, "outcome": "spoke_to_parent", "date": "2025-10-28", "time": "10:05",
         "summary": "Spoke to Mrs Okafor: mornings are hard; agreed a telephone meeting.", "child_heard": "",
         "parent_words": "She says her tummy hurts every Monday.", "next_step": "Telephone meeting",
         "next_step_due": "2025-11-03"})  # fmt: skip
    assert f"Case {case.ref}: next step" not in work_items(client, sam)
    # A slip in the summary is corrected by a new entry; the original stays.
    spoke = case.entries.get(outcome="spoke_to_parent")
    post(client, f"{url}entries/{spoke.pk}/correct/", {**call, "kind": "", "outcome": "spoke_to_parent",
         "date": "2025-10-28", "time": "10:05", "next_step": "", "next_step_due": "",
         "summary": "Spoke to Mrs Okafor: Monday mornings are hard; agreed a telephone meeting."})  # fmt: skip
    page = text(client.get(url))
    call_text = page[page.index("Spoke to Mrs Okafor: mornings") :]
    assert call_text.index("Correction recorded") < call_text.index("Spoke to Mrs Okafor: Monday mornings")
    agenda = "How Zara is getting on\nWhat makes mornings hard\nWhat would help"
    page = post(client, f"{url}meetings/new/", {**BOOKING, "purpose": "parent", "date": "2025-11-03",
                "time": "10:00", "agenda": agenda, "invite": f["mother"].pk})  # fmt: skip
    [mail] = smtp_server.messages
    body = mail["message"].get_body(preferencelist=("plain",)).get_content()
    assert mail["to"] == ["grace.okafor@example.com"]
    assert "Monday 3 November at 10:00am. It should take about 30 minutes." in body
    assert "- How Zara is getting on" in body and "- What would help" in body
    assert "Invitation Email to grace.okafor@example.com: sent" in page
    assert (
        "Email 28 October 2025 17:00 Invitation to a telephone or online meeting sent to Mrs Okafor by email "
        "Delivery Sent"
    ) in text(client.get(url))

    # Direct work with Zara: refused before consent, booked after.
    direct = {**BOOKING, "purpose": "direct_work", "date": "2025-11-04", "time": "16:00", "invite": "",
              "agenda": "What school is like\nWhat would help", "purpose_shared": "To hear from Zara"}  # fmt: skip
    refused = client.post(f"{url}meetings/new/", direct)
    assert "cannot be booked without a parent's consent valid on 4 November 2025" in text(refused)
    post(client, f"{url}consent/new/", {"contact": f["mother"].pk, "how": "telephone", "given_on": "2025-10-28",
         "expires_on": "2026-01-30", "parent_at_home": "on", "contact_number": "07700 900123"})  # fmt: skip
    post(client, f"{url}meetings/new/", direct)
    parent_meeting, session = case.meetings.order_by("starts_at")

    # Mon 3 Nov: the meeting is today's item; it is recorded with agreed actions, which start the plan.
    on(monkeypatch, "2025-11-03")
    assert f"Case {case.ref}: telephone meeting at 10:00 today" in work_items(client, sam)
    record = f"{url}meetings/{parent_meeting.pk}/record/"
    post(client, record, {
        "held": "yes", "participants": "Mrs Grace Okafor\nSam Patel", "version": version(client, record),
        "note_0": "Zara is doing well in art.", "note_1": "Mondays: stomach aches.", "note_2": "Breakfast club.",
        "parent_words": "Mondays are a battle.", "next_step": "Review attendance", "next_step_due": "2025-11-19",
        "action_0_what": "Offer a breakfast club place", "action_0_owner": "school", "action_0_due": "2025-11-07",
        "action_1_what": "Walk Zara to school on Mondays", "action_1_owner": "parent", "action_1_due": "2025-11-10",
    })  # fmt: skip
    assert f"Case {case.ref}: telephone meeting" not in work_items(client, sam)
    client.force_login(sam)
    page = post(
        client, f"{url}meetings/{parent_meeting.pk}/send/", {"contact": f["mother"].pk, "route": "email"}
    )
    _, record_mail, plan_mail = smtp_server.messages
    assert record_mail["message"]["Subject"] == "Notes of our meeting about Zara"
    plan_body = plan_mail["message"].get_body(preferencelist=("plain",)).get_content()
    assert "- Offer a breakfast club place (School, by 7 November 2025)" in plan_body
    page = text(client.get(url))
    for title in ("Follow-up action plan", "Record of a meeting"):
        assert f"Email 3 November 2025 17:00 {title} sent to Mrs Okafor by email Delivery Sent" in page
    assert "Walk Zara to school on Mondays (Parent or carer), by 10 November 2025" in page

    # Tue 4 Nov: the direct-work session, in Zara's own words.
    on(monkeypatch, "2025-11-04")
    record = f"{url}meetings/{session.pk}/record/"
    post(client, record, {"held": "yes", "participants": "Zara Okafor\nMrs Grace Okafor\nSam Patel",
         "version": version(client, record), "child_heard": "on", "note_0": "Likes art.", "note_1": "A buddy.",
         "child_words": "I like art but I hate the bus on Mondays."})  # fmt: skip
    assert "The child's words I like art but I hate the bus on Mondays." in text(client.get(url))

    # Wed 19 Nov: the registers since, the review's before vs after, and the close.
    on(monkeypatch, "2025-11-19")
    marks(zara.enrolments.get(), AFTER_DAYS, AFTER_CODES)
    assert f"Case {case.ref}: next step 'Review attendance', due 19 Nov 2025." in work_items(client, sam)
    plan = case.plans.get()
    page = text(client.get(f"{url}plans/{plan.pk}/"))
    assert "17 October 2025 to 2 November 2025" in page and "54.5%" in page and "88.5%" in page
    assert "5 days of 11" in page and "1.5 days of 13" in page and "Up 33.9 percentage points" in page
    assert "regression to the mean" in page
    actions = {a.description: a.pk for a in plan.actions.all()}
    post(client, f"{url}plans/{plan.pk}/review/", {
        "reviewed_on": "2025-11-19", "progress": "Breakfast club most days.", "next_review": "2025-12-15",
        f"action_{actions['Offer a breakfast club place']}_status": "done",
        f"action_{actions['Walk Zara to school on Mondays']}_status": "done",
    })  # fmt: skip
    assert (
        "Attendance since the plan started 88.5%, 54.5% in the same length of time before. "
        "Offer a breakfast club place: done. Walk Zara to school on Mondays: done. Next review on 15 December 2025."
    ) in text(client.get(url))

    # Who can see what, while the case is open.
    client.force_login(f["dee"])
    post(client, f"{url}safeguarding/notes/new/", {"text": "Strategy discussion held with social care."})
    assert "Strategy discussion held with social care." in text(client.get(url))
    client.force_login(jo)
    page = text(client.get(url))
    assert "Strategy discussion" not in page and "This case has 1 restricted safeguarding entry" in page
    client.force_login(f["bea"])
    assert client.get(url).status_code == 404
    page = text(client.get("/cases/caseload/"))
    assert ben_case.ref in page and case.ref not in page
    client.force_login(f["tom"])
    assert client.get(url).status_code == 403
    token = bearer(token_for(sam, ["cases:read"]))
    assert client.get(f"/api/v1/cases/{case.ref}/", headers=token).json()["ref"] == case.ref
    api_entries = client.get(f"/api/v1/cases/{case.ref}/chronology/", headers=token).json()

    client.force_login(sam)
    close = f"{url}close/"
    page = post(client, close, {"reason": "improved", "summary": "88.5% since the plan began; breakfast club helps.",
                "version": version(client, close)})  # fmt: skip
    assert "Case closed (Attendance improved): 88.5% since the plan began; breakfast club helps." in page
    assert f"Case {case.ref}" not in work_items(client, sam)

    # The whole story, oldest first: every entry kept, the correction pointing at the entry it corrects.
    assert [k for k, _ in chronology(case)] == [
        "status_change", "note", "phone_call", "phone_call", "phone_call", "email", "consent",
        "telephone_meeting", "plan", "email", "email", "direct_work", "plan_review", "note", "status_change",
    ]  # fmt: skip
    assert case.entries.get(corrects=spoke).summary.startswith("Spoke to Mrs Okafor: Monday mornings")
    assert list(case.entries.filter(restricted=True).values_list("recorded_by__username", flat=True)) == [
        "dee.lowe"
    ]
    # The API (a cases:read token of the LA officer): the case and its chronology, corrections included,
    # the DSL's restricted note left out, the child's words kept.
    listed = [(e["kind"], e["corrects"]) for e in api_entries["entries"]]
    assert len(listed) == 13 and ("phone_call", spoke.pk) in listed and "Strategy" not in str(api_entries)
    assert "I like art but I hate the bus on Mondays." in [e["child_words"] for e in api_entries["entries"]]


def test_closing_a_case_on_its_page_clears_its_work_list_items_at_once(client, monkeypatch):
    """A next step logged on a page is on the officer's list at once, and closing the case takes it off at once
    (every chronology entry syncs its case's items), not at the nightly evaluation."""
    f = make_family()
    on(monkeypatch, "2025-11-19")
    client.force_login(f["sam"])
    post(client, f"/cases/open/?upn={f['zara'].upn}", {"stage": "listen", "reason": "Persistent absence"})
    case = Case.objects.get()
    url = f"/cases/{case.ref}/"
    post(client, f"{url}assign/", {"la_officer": f["sam"].pk, "version": version(client, f"{url}assign/")})
    post(client, f"{url}log/", {"kind": "note", "date": "2025-11-19", "time": "09:00", "summary": "Spoke to Jo",
         "next_step": "Ring Mrs Okafor", "next_step_due": "2025-11-19"})  # fmt: skip
    assert f"Case {case.ref}: next step 'Ring Mrs Okafor'" in work_items(client, f["sam"])
    post(
        client,
        f"{url}close/",
        {"reason": "improved", "summary": "Back in school", "version": version(client, f"{url}close/")},
    )
    assert f"Case {case.ref}: next step" not in text(client.get("/work/?list=mine"))
