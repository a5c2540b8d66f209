"""The cases API: open a case by UPN (201, or 200 with the open case), read it in scope only (another school's is
404), add chronology entries and corrections (never change them: 405), restricted entries for safeguarding roles
only, and tokens without the scope refused (403). Today is 10 October 2025 (conftest)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from attend.accounts.models import Membership
from attend.api.models import ApiToken
from attend.audit.models import AuditEvent
from attend.casework.chronology import record_entry
from attend.casework.models import Case, ChronologyEntry
from attend.core.tests.factories import make_user

from .factories import bearer, token_for

R = Membership.Role
CASES = "/api/v1/cases/"
BOTH = ["cases:read", "cases:write"]
WHEN = "2025-10-09T10:30:00+01:00"


def at(hour: int, day: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 10, day, hour, 0))


def open_for(client, user, upn: str, scopes=BOTH):
    return client.post(
        CASES, {"upn": upn}, headers=bearer(token_for(user, scopes)), content_type="application/json"
    )


def case_body(case: Case, **overrides) -> dict:
    body = {
        "ref": case.ref,
        "upn": case.pupil.upn,
        "school_urn": case.school.urn,
        "la_code": "201",
        "stage": "listen",
        "pathway_step": None,
        "status": "open",
        "close_reason": "",
        "opened_at": timezone.localtime(case.opened_at).isoformat().replace("+00:00", "Z"),
        "closed_at": None,
        "la_officer": None,
        "school_lead": None,
    }
    return {**body, **overrides}


def test_post_opens_a_case_once_and_answers_with_its_ref(world, client):
    first = open_for(client, world["la_officer"], world["absent"].upn.lower())
    assert first.status_code == 201
    case = Case.objects.get()
    assert case.ref == "CW-000001"
    assert first.json() == case_body(case)
    again = open_for(client, world["school_officer"], world["absent"].upn)
    assert again.status_code == 200
    assert again.json()["ref"] == "CW-000001"
    assert Case.objects.count() == 1
    # Opening is on the chronology and audited.
    assert list(case.entries.values_list("kind", "summary")) == [
        ("status_change", "Case opened at the listen and understand stage")
    ]
    assert AuditEvent.objects.filter(action="casework.case.opened").count() == 1


def test_a_pupil_out_of_scope_or_unknown_is_404_and_bad_input_400(world, client):
    assert open_for(client, world["school_officer"], world["elsewhere"].upn).status_code == 404
    assert open_for(client, world["la_officer"], "Z999999999999").status_code == 404
    response = open_for(client, world["la_officer"], "short")
    assert response.status_code == 400
    assert response.json()["errors"] == {"upn": ["A UPN is 13 letters and digits."]}
    response = client.post(
        CASES, {"upn": world["absent"].upn, "stage": "prosecute"},
        headers=bearer(token_for(world["la_officer"], BOTH)), content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_another_schools_case_is_404_and_not_listed(world, client):
    open_for(client, world["la_officer"], world["absent"].upn)
    mine = token_for(world["school_officer"], BOTH)
    theirs = token_for(world["other_school_officer"], BOTH)
    assert [c["ref"] for c in client.get(CASES, headers=bearer(mine)).json()["results"]] == ["CW-000001"]
    assert client.get(CASES, headers=bearer(theirs)).json()["results"] == []
    assert client.get(f"{CASES}CW-000001/", headers=bearer(mine)).status_code == 200
    for url in (f"{CASES}CW-000001/", f"{CASES}CW-000001/chronology/", f"{CASES}CW-999999/", f"{CASES}nope/"):
        response = client.get(url, headers=bearer(theirs))
        assert response.status_code == 404, url
    response = client.post(
        f"{CASES}CW-000001/chronology/", {"kind": "note", "occurred_at": WHEN, "summary": "Intrusion"},
        headers=bearer(theirs), content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    assert ChronologyEntry.objects.count() == 1


def test_entries_and_corrections_are_added_and_all_listed(world, client):
    open_for(client, world["la_officer"], world["absent"].upn)
    token = token_for(world["la_officer"], BOTH)
    url = f"{CASES}CW-000001/chronology/"
    call = client.post(
        url,
        {"kind": "phone_call", "occurred_at": WHEN, "summary": "Rang mother", "outcome": "no_answer",
         "next_step": "Try again tomorrow", "next_step_due": "2025-10-10", "support_offered": ["early_help"]},
        headers=bearer(token), content_type="application/json",
    )  # fmt: skip
    assert call.status_code == 201
    call_id = call.json()["id"]
    assert call.json() == {
        "id": call_id, "kind": "phone_call", "occurred_at": "2025-10-09T10:30:00+01:00",
        "recorded_at": call.json()["recorded_at"], "recorded_by": "la_officer", "summary": "Rang mother",
        "participants": "", "outcome": "no_answer", "child_seen": None, "child_heard": None, "child_words": "",
        "parent_words": "", "next_step": "Try again tomorrow", "next_step_due": "2025-10-10",
        "interpreter_needed": None, "interpreter_used": None, "support_offered": ["early_help"],
        "support_declined": [], "restricted": False, "corrects": None, "source": "api",
    }  # fmt: skip
    fix = client.post(
        url, {"kind": "phone_call", "occurred_at": WHEN, "summary": "Rang father, not mother", "corrects": call_id},
        headers=bearer(token), content_type="application/json",
    )  # fmt: skip
    assert fix.status_code == 201 and fix.json()["corrects"] == call_id
    for kind in ("note", "school_meeting", "home_visit", "email", "cme"):  # kind, time and summary are enough
        response = client.post(
            url, {"kind": kind, "occurred_at": WHEN, "summary": f"A {kind}"}, headers=bearer(token),
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 201, kind
    listing = client.get(url, headers=bearer(token)).json()
    assert listing["case"] == "CW-000001" and listing["restricted_entries_hidden"] == 0
    assert [(e["kind"], e["corrects"]) for e in listing["entries"]] == [
        ("phone_call", None),
        ("phone_call", call_id),
        ("note", None),
        ("school_meeting", None),
        ("home_visit", None),
        ("email", None),
        ("cme", None),
        ("status_change", None),
    ]  # fmt: skip  (the opening entry is now, after the 9 October entries)
    assert ChronologyEntry.objects.get(pk=call_id).summary == "Rang mother"  # the original is untouched
    event = AuditEvent.objects.filter(action="casework.chronology.viewed").get()
    assert event.data["entries"] == 8


def test_bad_entries_are_refused_with_the_reason(world, client):
    open_for(client, world["la_officer"], world["absent"].upn)
    other = open_for(client, world["la_officer"], world["present"].upn).json()["ref"]
    other_entry = Case.objects.get(ref=other).entries.get()
    token = token_for(world["la_officer"], BOTH)
    url = f"{CASES}CW-000001/chronology/"

    def post(body):
        return client.post(url, body, headers=bearer(token), content_type="application/json")

    future = post({"kind": "note", "occurred_at": "2030-01-01T10:00:00Z", "summary": "Later"})
    assert future.status_code == 400
    assert future.json() == {
        "detail": "An entry records what has happened: the time cannot be in the future",
        "status": 400,
    }
    assert post({"kind": "stage_change", "occurred_at": WHEN, "summary": "x"}).status_code == 400
    assert post({"kind": "note", "occurred_at": WHEN, "summary": "   "}).status_code == 400
    bad_outcome = post({"kind": "phone_call", "occurred_at": WHEN, "summary": "x", "outcome": "hung up"})
    assert bad_outcome.status_code == 400 and "outcome" in bad_outcome.json()["errors"]
    wrong_case = post({"kind": "note", "occurred_at": WHEN, "summary": "x", "corrects": other_entry.pk})
    assert wrong_case.json()["errors"] == {"corrects": ["No entry with that id on this case."]}
    assert Case.objects.get(ref="CW-000001").entries.count() == 1


def test_entries_cannot_be_changed_or_deleted(world, client):
    open_for(client, world["la_officer"], world["absent"].upn)
    token = token_for(world["la_officer"], BOTH)
    entry = ChronologyEntry.objects.get()
    for url in (
        f"{CASES}CW-000001/",
        f"{CASES}CW-000001/chronology/",
        f"{CASES}CW-000001/chronology/{entry.pk}/",
    ):
        for method in (client.put, client.patch, client.delete):
            response = method(
                url, {"summary": "changed"}, headers=bearer(token), content_type="application/json"
            )
            assert response.status_code == 405, (method, url)
    assert (
        client.get(f"{CASES}CW-000001/chronology/{entry.pk}/", headers=bearer(token)).json()["id"] == entry.pk
    )
    assert ChronologyEntry.objects.get().summary == entry.summary


def test_restricted_entries_only_for_safeguarding_roles(world, client):
    open_for(client, world["la_officer"], world["absent"].upn)
    case = Case.objects.get()
    note = record_entry(
        case, kind="safeguarding", summary="Disclosure to DSL", occurred_at=at(9), restricted=True
    )
    manager = make_user("la_manager", role=R.LA_MANAGER, local_authority=world["la"])
    officer, lead = token_for(world["la_officer"], BOTH), token_for(manager, BOTH)
    url = f"{CASES}{case.ref}/chronology/"
    hidden = client.get(url, headers=bearer(officer)).json()
    assert hidden["restricted_entries_hidden"] == 1
    assert [e["kind"] for e in hidden["entries"]] == ["status_change"]
    assert client.get(f"{url}{note.pk}/", headers=bearer(officer)).status_code == 404
    shown = client.get(url, headers=bearer(lead)).json()
    assert shown["restricted_entries_hidden"] == 0
    assert [e["summary"] for e in shown["entries"]] == [
        "Disclosure to DSL",
        "Case opened at the listen and understand stage",
    ]
    refused = client.post(
        url, {"kind": "note", "occurred_at": WHEN, "summary": "x", "restricted": True},
        headers=bearer(officer), content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only safeguarding roles may record a restricted entry."


def test_tokens_need_the_scope_and_the_role(world, client):
    read_only = token_for(world["la_officer"], ["cases:read"])
    response = client.post(CASES, {"upn": world["absent"].upn}, headers=bearer(read_only))
    assert response.status_code == 403
    assert response.json()["detail"] == "This token does not have the 'cases:write' scope."
    no_cases = token_for(world["la_officer"], ["alerts:read"])
    assert client.get(CASES, headers=bearer(no_cases)).status_code == 403
    teacher = token_for(world["class_teacher"], BOTH)
    response = client.get(CASES, headers=bearer(teacher))
    assert response.status_code == 403
    assert (
        response.json()["detail"] == "Your role does not allow this (it needs the 'cases.view' permission)."
    )
    assert client.get(CASES).status_code == 401
    assert Case.objects.count() == 0


@pytest.mark.parametrize("user", ["la_officer", "school_officer"])
def test_the_console_command_issues_case_tokens(world, user):
    out = io.StringIO()
    call_command("api_token", "create", "--user", user, "--scopes", "cases:read,cases:write", stdout=out)
    assert ApiToken.objects.get(user=world[user]).scopes == ["cases:read", "cases:write"]


def test_the_schema_lists_the_case_endpoints_with_the_kind_enum(db, client):
    schema = client.get("/api/v1/schema/").json()
    paths = schema["paths"]
    assert set(paths[CASES]) == {"get", "post"}
    assert set(paths["/api/v1/cases/{ref}/chronology/"]) == {"get", "post"}
    assert set(paths["/api/v1/cases/{ref}/"]) == {"get"}
    assert set(paths["/api/v1/cases/{ref}/chronology/{id}/"]) == {"get"}
    kinds = schema["components"]["schemas"]["EntryCreateRequest"]["properties"]["kind"]
    enum = schema["components"]["schemas"][kinds["$ref"].rsplit("/", 1)[1]]["enum"]
    assert "phone_call" in enum and "direct_work" in enum and "stage_change" not in enum


def test_an_open_case_held_outside_scope_is_a_conflict_not_a_second_case(world, client):
    from attend.casework.cases import open_case

    open_case(by=None, pupil=world["absent"], school=world["c"])  # held by Southshire's school
    response = open_for(client, world["la_officer"], world["absent"].upn)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This pupil already has an open case held by another school or LA.",
        "status": 409,
    }
    assert Case.objects.count() == 1
