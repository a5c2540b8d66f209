"""The case pages as their users see them: what is shown, what is refused, and who may do what."""

import html
import re

import pytest
from django.urls import get_resolver

from attend.alerts.models import Alert
from attend.audit.models import AuditEvent
from attend.casework import cases
from attend.casework.chronology import correct_entry, record_entry
from attend.casework.models import Case, ChronologyEntry, EntryRemoval

from .cases_world import TODAY, at, make_case_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    world = make_case_world()
    world["case"], _ = cases.open_case(
        by=world["la_officer"],
        pupil=world["maya"],
        school=world["alder"],
        occurred_at=at(TODAY, 8, 30),
        reason="Attendance 84% this term",
    )
    return world


def call(**overrides):
    data = {
        "kind": "phone_call",
        "outcome": "spoke_to_parent",
        "date": "2025-11-19",
        "time": "09:15",
        "participants": "Grace Okafor (mother)\nAmira Khan (attendance officer)",
        "child_seen": "no",
        "child_heard": "yes",
        "child_words": "I get a tummy ache on Mondays",
        "parent_words": "She cries at the gate",
        "summary": "Mother says Maya is anxious about the new class.",
        "next_step": "Meet with the SENCo",
        "next_step_due": "2025-11-26",
        "interpreter_needed": "no",
        "interpreter_used": "",
        "support_offered": ["mentoring", "school_nurse"],
        "support_declined": ["school_nurse"],
    }
    data.update(overrides)
    return data


def test_logging_a_call_puts_every_field_on_the_chronology_and_the_case_page_shows_it(client, w):
    client.force_login(w["alder_officer"])
    response = client.post(f"/cases/{w['case'].ref}/log/", call())
    assert response.status_code == 302 and response["Location"] == f"/cases/{w['case'].ref}/"
    entry = ChronologyEntry.objects.get(kind="phone_call")
    assert (
        entry.outcome,
        entry.child_seen,
        entry.child_heard,
        entry.interpreter_needed,
        entry.interpreter_used,
    ) == (
        "spoke_to_parent",
        False,
        True,
        False,
        None,
    )
    assert (entry.support_offered, entry.support_declined) == (
        ["mentoring", "school_nurse"],
        ["school_nurse"],
    )
    assert (entry.occurred_at, entry.recorded_by, str(entry.next_step_due)) == (
        at(TODAY, 9, 15),
        w["alder_officer"],
        "2025-11-26",
    )
    page = text(client.get(f"/cases/{w['case'].ref}/"))
    assert "Telephone call: spoke to parent or carer 19 November 2025 09:15" in page
    assert "Child Not seen; heard" in page
    assert "The child's words I get a tummy ache on Mondays" in page
    assert "The parent's words She cries at the gate" in page
    assert "Support offered Mentoring or key adult in school; School nursing" in page
    assert "Support declined School nursing" in page
    assert "Next step Meet with the SENCo by 26 November 2025" in page
    # Newest first: the call (09:15) before the opening (08:30).
    assert page.index("Telephone call") < page.index("Case opened at the listen and understand stage")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"outcome": ""}, "Choose the outcome of the call"),
        ({"kind": ""}, "Choose what happened (a call, a visit, a meeting or a note)"),
        ({"date": "2025-11-20"}, "The date cannot be in the future: log what has happened"),
        ({"date": "last Tuesday"}, "Enter the date like 2025-11-19"),
        ({"summary": " "}, "Enter a summary of what happened"),
        ({"next_step": ""}, "Enter the next step that is due"),
        ({"support_offered": []}, "Support declined must also be ticked as offered"),
        ({"interpreter_needed": "no", "interpreter_used": "yes"}, "An interpreter was used"),
    ],
)
def test_bad_input_gets_an_error_summary_and_records_nothing(client, w, changes, message):
    client.force_login(w["alder_officer"])
    response = client.post(f"/cases/{w['case'].ref}/log/", call(**changes))
    assert response.status_code == 200
    assert "There is a problem" in text(response) and message in text(response)
    assert not ChronologyEntry.objects.filter(kind="phone_call").exists()


def test_a_correction_is_shown_with_the_entry_it_corrects(client, w):
    original = record_entry(
        w["case"],
        kind="phone_call",
        summary="No answer",
        outcome="no_answer",
        by=w["alder_officer"],
        occurred_at=at(TODAY, 10),
    )
    client.force_login(w["alder_officer"])
    form = client.get(f"/cases/{w['case'].ref}/entries/{original.pk}/correct/")
    assert "The entry stays as it is" in text(form)
    assert (
        '<input type="hidden" name="date" value="2025-11-19"><input type="hidden" name="time" value="10:00">'
        in (form.content.decode())
    )
    response = client.post(
        f"/cases/{w['case'].ref}/entries/{original.pk}/correct/",
        call(
            kind="",
            summary="Left a voicemail, not no answer",
            outcome="voicemail",
            date="2025-11-19",
            time="10:00",
            support_offered=[],
            support_declined=[],
            next_step="",
            next_step_due="",
        ),
    )
    assert response.status_code == 302
    fix = ChronologyEntry.objects.get(corrects=original)
    assert (fix.summary, fix.outcome, fix.occurred_at) == (
        "Left a voicemail, not no answer",
        "voicemail",
        at(TODAY, 10),
    )
    page = text(client.get(f"/cases/{w['case'].ref}/"))
    entry_text = page[page.index("No answer") :]
    assert entry_text.index("Correction recorded") < entry_text.index("Left a voicemail, not no answer")
    assert page.count("Telephone call") == 1  # the correction is not a second row


def test_restricted_notes_are_hidden_from_all_but_safeguarding_roles(client, w):
    record_entry(
        w["case"],
        kind="note",
        summary="Disclosure to the DSL about home",
        restricted=True,
        by=w["alder_dsl"],
        occurred_at=at(TODAY, 11),
    )
    for who in ("alder_officer", "la_officer"):
        client.force_login(w[who])
        page = text(client.get(f"/cases/{w['case'].ref}/"))
        assert "Disclosure" not in page
        assert "A restricted safeguarding note (visible to the designated safeguarding lead)" in page
    for who in ("alder_dsl", "la_manager"):
        client.force_login(w[who])
        assert "Disclosure to the DSL about home" in text(client.get(f"/cases/{w['case'].ref}/"))


def test_scope_another_schools_case_is_404_and_a_class_teacher_403(client, w):
    url = f"/cases/{w['case'].ref}/"
    for who, status in (("beech_officer", 404), ("cedar_officer", 404), ("alder_teacher", 403)):
        client.force_login(w[who])
        assert client.get(url).status_code == status, who
        assert client.post(f"{url}log/", call()).status_code == status, who
        assert (
            client.post(f"{url}close/", {"reason": "improved", "summary": "x", "version": 1}).status_code
            == status
        )
    assert ChronologyEntry.objects.count() == 1 and Case.objects.get().status == "open"
    client.force_login(w["alder_head"])
    assert client.get(url).status_code == 200
    assert client.get("/cases/CW-999999/").status_code == 404


def test_there_is_no_url_to_edit_or_delete_an_entry(client, w):
    entry = w["case"].entries.get()
    client.force_login(w["la_manager"])
    for verb in ("edit", "delete", "update", "change"):
        assert (
            client.post(f"/cases/{w['case'].ref}/entries/{entry.pk}/{verb}/", {"summary": "x"}).status_code
            == 404
        )
    routes = [str(p.pattern) for p in get_resolver().url_patterns if "cases" in str(p.pattern)]
    assert routes and not [r for r in routes if "edit" in r or "delete" in r]
    entry.refresh_from_db()
    assert entry.summary == "Case opened at the listen and understand stage: Attendance 84% this term"


def test_removal_is_asked_for_on_the_case_and_approved_by_another_manager(client, w):
    wrong = record_entry(w["case"], kind="note", summary="Brother's GP letter", by=w["alder_officer"])
    client.force_login(w["alder_officer"])
    refused = client.post(f"/cases/{w['case'].ref}/entries/{wrong.pk}/remove/", {"reason": ""})
    assert "Enter why the entry is on the wrong child" in text(refused)
    client.post(f"/cases/{w['case'].ref}/entries/{wrong.pk}/remove/", {"reason": "It is about her brother"})
    assert "1 entry is waiting for a manager to decide on removal" in text(
        client.get(f"/cases/{w['case'].ref}/")
    )
    assert client.get("/cases/removals/").status_code == 403  # a school officer does not manage
    removal = EntryRemoval.objects.get()
    client.force_login(w["alder_head"])
    page = text(client.get("/cases/removals/"))
    assert "Brother's GP letter" in page and "It is about her brother" in page
    client.post("/cases/removals/", {"removal": removal.pk, "decision": "approve"})
    assert not ChronologyEntry.objects.filter(pk=wrong.pk).exists()
    after = text(client.get("/cases/removals/"))
    assert "No removals are waiting" in after and "approved by Hal Penn" in after
    assert "Brother's GP letter" not in after


def test_stage_close_reopen_and_assign_from_the_pages(client, w):
    ref = w["case"].ref
    client.force_login(w["la_officer"])
    missing = client.post(f"/cases/{ref}/stage/", {"stage": "facilitate", "reason": "", "version": 1})
    assert "Enter why the stage is changing" in text(missing)
    client.post(f"/cases/{ref}/stage/", {"stage": "facilitate", "reason": "Early help agreed", "version": 1})
    stale = client.post(f"/cases/{ref}/stage/", {"stage": "formalise", "reason": "Too late", "version": 1})
    assert "Someone else changed case" in text(stale) and "Your change was not saved" in text(stale)
    client.post(
        f"/cases/{ref}/assign/",
        {
            "la_officer": w["la_officer"].pk,
            "school_lead": w["alder_officer"].pk,
            "lead_practitioner": "Sam Patel, Early Help",
            "version": 2,
        },
    )
    page = text(client.get(f"/cases/{ref}/"))
    assert (
        "Stage Facilitate support" in page
        and "LA officer Lena Shah" in page
        and "School lead Amira Khan" in page
    )
    client.post(f"/cases/{ref}/close/", {"reason": "improved", "summary": "97% for six weeks", "version": 3})
    closed = text(client.get(f"/cases/{ref}/"))
    assert (
        "Closed Attendance improved" in closed and "Log a call" not in closed and "Reopen the case" in closed
    )
    assert client.post(f"/cases/{ref}/log/", call()).status_code == 404  # a closed case takes no entries
    client.post(f"/cases/{ref}/reopen/", {"reason": "Absent again after Christmas"})
    assert Case.objects.get().status == "open"
    assert [
        e
        for e in AuditEvent.objects.order_by("id").values_list("action", flat=True)
        if e.startswith("casework.case.")
    ] == [
        "casework.case.opened",
        "casework.case.stage_changed",
        "casework.case.assigned",
        "casework.case.viewed",
        "casework.case.closed",
        "casework.case.viewed",
        "casework.case.reopened",
    ]


def test_opening_a_case_from_an_alert_links_the_alert(client, w):
    cases.close_case(w["case"], "improved", "Better", w["la_officer"])
    alert = Alert.objects.create(
        rule="persistent_absence",
        pupil=w["maya"],
        school=w["alder"],
        raised_on=TODAY,
        last_evaluated_on=TODAY,
        reason="Missed 16% of sessions.",
        measure=16.0,
        peak_measure=16.0,
    )
    client.force_login(w["alder_officer"])
    work = text(client.get(f"/work/pupils/{w['maya'].upn}/"))
    assert "Open case" in work
    form = client.get(f"/cases/open/?alert={alert.pk}")
    assert "From the alert: Missed 16% of sessions." in text(form)
    refused = client.post(f"/cases/open/?alert={alert.pk}", {"stage": "listen", "reason": ""})
    assert "Enter why you are opening a case" in text(refused)
    response = client.post(f"/cases/open/?alert={alert.pk}", {"stage": "listen", "reason": "PA alert"})
    case = Case.objects.get(status="open")
    assert response["Location"] == f"/cases/{case.ref}/" and case.school == w["alder"]
    alert.refresh_from_db()
    assert (alert.status, alert.case) == ("linked", case)
    assert f"Case {case.ref} open" in text(client.get(f"/work/pupils/{w['maya'].upn}/"))
    # Opening again finds the open case.
    again = client.get(f"/cases/open/?upn={w['maya'].upn}")
    assert again["Location"] == f"/cases/{case.ref}/"


def test_opening_a_case_is_refused_out_of_scope(client, w):
    client.force_login(w["beech_officer"])
    assert client.get(f"/cases/open/?upn={w['maya'].upn}").status_code == 404
    assert "The pupil's UPN" in text(client.get("/cases/open/?upn="))
    # School staff: no child-not-on-roll cases (the form offers no LA, and says why).
    assert "Only local authority staff open a case" in text(client.get("/cases/open/child/"))
    refused = client.post(
        "/cases/open/child/",
        {"forename": "A", "surname": "B", "local_authority": w["north"].pk, "stage": "listen", "reason": "x"},
    )
    assert (
        "Choose a local authority you work for" in text(refused)
        and not Case.objects.filter(child_surname="B").exists()
    )


def test_a_child_not_on_roll_is_opened_by_an_la_officer_and_linked_later(client, w):
    client.force_login(w["la_officer"])
    bad = client.post(
        "/cases/open/child/",
        {
            "forename": "Ada",
            "surname": "",
            "local_authority": w["north"].pk,
            "stage": "listen",
            "reason": "New arrival",
        },
    )
    assert "Enter the child's last name" in text(bad)
    client.post(
        "/cases/open/child/",
        {
            "forename": "Ada",
            "surname": "Nowak",
            "date_of_birth": "2016-04-02",
            "address": "9 Quay St",
            "postcode": "NO1 9QQ",
            "local_authority": w["north"].pk,
            "stage": "listen",
            "reason": "New arrival, no school place",
        },
    )
    case = Case.objects.get(child_surname="Nowak")
    page = text(client.get(f"/cases/{case.ref}/"))
    assert "Ada Nowak, born 2 April 2016 Not on a school roll" in page
    w["maya"].__class__.objects.filter(pk=w["kit"].pk)  # (Kit is in another LA: not linkable)
    client.post(f"/cases/{case.ref}/link-pupil/", {"upn": w["kit"].upn})
    case.refresh_from_db()
    assert case.pupil is None
    cases.close_case(w["case"], "improved", "Better", w["la_officer"])
    client.post(f"/cases/{case.ref}/link-pupil/", {"upn": w["maya"].upn})
    case.refresh_from_db()
    assert case.pupil == w["maya"] and case.school == w["alder"]


def test_a_closed_case_is_read_only_and_corrections_are_kept(client, w):
    entry = w["case"].entries.get()
    correct_entry(entry, w["la_officer"], "Opened after the PA alert")
    cases.close_case(w["case"], "moved_la", "Moved to Southshire", w["la_officer"])
    client.force_login(w["alder_officer"])
    page = text(client.get(f"/cases/{w['case'].ref}/"))
    assert "Add a correction" not in page and "Opened after the PA alert" in page


def test_the_case_page_with_200_entries_takes_a_fixed_number_of_queries(
    client, w, django_assert_max_num_queries
):
    for i in range(200):
        entry = record_entry(
            w["case"],
            kind="phone_call",
            summary=f"Call {i}",
            outcome="no_answer",
            by=w["alder_officer"],
            occurred_at=at(TODAY, 8, 31),
        )
        if i % 20 == 0:
            correct_entry(entry, w["la_officer"], f"Call {i}: voicemail")
    client.force_login(w["alder_officer"])
    # About 36 with the plans, meetings and safeguarding panels: a fixed number, whatever the entries.
    with django_assert_max_num_queries(40):
        page = client.get(f"/cases/{w['case'].ref}/")
    assert page.content.decode().count('data-testid="entry"') == 201
