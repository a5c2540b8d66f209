"""Every URL pattern × every role: the response follows the declared permission table, nothing else.

A new URL without a declared permission fails here (and is refused at run time by PermissionMiddleware).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from attend.accounts.models import Membership
from attend.accounts.permissions import (
    PERMISSIONS,
    PUBLIC,
    READ_ONLY_ROLES,
    SYSTEM_ADMIN_APPS,
    undeclared_urls,
    url_entries,
)
from attend.api.tests.factories import token_for

from .factories import make_la, make_school, make_user

# Values for URL parameters, by converter (path()) or by group name (re_path()).
SAMPLE_BY_CONVERTER = {"int": "1", "str": "sample", "slug": "sample", "path": "sample/1", "uuid": "0" * 32}
SAMPLE_BY_NAME = {"app_label": "accounts", "url": "no-such-page", "upn": "A201200024001"}
# Views that need a query string to get past their own argument checks.
QUERY_BY_VIEW = {"admin:autocomplete": "?app_label=accounts&model_name=membership&field_name=user&term=a"}


def concrete_url(entry) -> str:
    parts = []
    for pattern in entry.patterns:
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            text = re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m: SAMPLE_BY_NAME.get(m.group(2), SAMPLE_BY_CONVERTER[m.group(1) or "str"]),
                text,
            )
        elif isinstance(pattern, RegexPattern):
            text = re.sub(r"\(\?P<(\w+)>[^()]*\)", lambda m: SAMPLE_BY_NAME.get(m.group(1), "1"), text)
            text = text.lstrip("^").rstrip("$").replace("\\", "")
        parts.append(text)
    return "/" + "".join(parts)


ENTRIES = list(url_entries())
PERSONAS = ["anonymous", "no_membership", "superuser", *Membership.Role.values]


def test_every_url_declares_a_known_permission():
    missing = [f"{e.route} ({e.view_name})" for e in undeclared_urls()]
    assert not missing, f"URLs without a declared permission: {missing}"


def test_the_url_walk_sees_the_admin_and_our_views():
    names = {e.view_name for e in ENTRIES}
    assert {"home", "login", "healthz", "admin:index", "audit:pupil-events"} <= names
    assert {"api:schools", "api:alerts", "api:pupil-attendance", "api:imports", "api:schema"} <= names
    assert len(ENTRIES) > 20


def test_read_only_roles_hold_no_writing_permission():
    for permission in PERMISSIONS.values():
        if permission.writes:
            assert not (permission.roles & READ_ONLY_ROLES), permission.name


def test_admin_site_is_for_system_admins_only():
    assert PERMISSIONS["admin.site"].roles == {Membership.Role.SYSTEM_ADMIN}


@pytest.fixture
def personas(db):
    la = make_la()
    school = make_school(la=la)
    users = {"anonymous": None, "no_membership": make_user("nobody")}
    users["superuser"] = make_user("root")
    users["superuser"].is_superuser = users["superuser"].is_staff = True
    users["superuser"].save()
    for role in Membership.Role.values:
        scope = {} if role == Membership.Role.SYSTEM_ADMIN else {"school": school}
        if role in (Membership.Role.LA_OFFICER, Membership.Role.LA_MANAGER):
            scope = {"local_authority": la}
        users[role] = make_user(role, role=role, **scope)
    return users


# The audit trail is read-only in the admin; two-factor devices and sign-in locks can be listed and deleted
# (reset, unlock), not added; background task results are written only by the task worker; API tokens are
# issued on the console and revoked, never added or deleted in the admin.
ADMIN_READ_ONLY = (
    r"^/admin/(audit/auditevent/(add/|.+/delete/)|otp_totp/totpdevice/add/|otp_static/staticdevice/add/|accounts/signinthrottle/add/"
    r"|django_tasks_database/dbtaskresult/(add/|.+/delete/)|api/apitoken/(add/|.+/delete/))"
)


def expected(persona: str, permission: str, url: str) -> str:
    if permission == PUBLIC:
        return "allow"
    if persona == "anonymous":
        return "sign-in"
    if permission == "admin.site" and re.match(ADMIN_READ_ONLY, url):
        return "admin-deny"  # Refused even to superusers.
    if persona == "superuser":
        return "allow"
    if persona == "no_membership":
        return "deny"
    if persona not in PERMISSIONS[permission].roles:
        return "deny"
    if permission == "admin.site":
        # Inside the admin, a system administrator manages only the SYSTEM_ADMIN_APPS models.
        app_label = url.split("/")[2]
        if apps.is_installed(f"attend.{app_label}") and app_label not in SYSTEM_ADMIN_APPS:
            return "admin-deny"
    return "allow"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.view_name or e.route)
def test_each_url_pattern_gets_a_concrete_url(entry):
    url = concrete_url(entry)
    try:
        match = resolve(url)
    except Resolver404:
        pytest.fail(f"Could not build a URL for {entry.route}: add a sample value to this test")
    assert match.func is entry.callback, f"{url} resolved to another view than {entry.route}"


# Pages that answer a signed-in GET with something other than 200 by design.
NOT_200 = {
    "login": (302,),
    "favicon": (301,),  # to the static icon
    "two-factor-recovery-codes": (302,),
    "logout": (405,),
    "admin:login": (302,),
    "admin:logout": (405,),
    "letters:notify-callback": (405,),  # POST only, from GOV.UK Notify with its bearer token
    "visits:notify-inbound": (405,),  # POST only: texts received by GOV.UK Notify, with its bearer token
    "visits:reactive-add": (405,),  # POST only: one click from the visit lists
    "visits:round-add": (405,),  # POST only: one click from the visit lists
}


def allowed(entry, status: int, location: str) -> bool:
    if location.startswith("/sign-in/"):
        return False
    if "<" in entry.route or "(?P" in entry.route:
        # Sample arguments name no real object: a 404 or the admin's "does not exist" redirect is fine.
        return status in (200, 302, 404, 405)
    return status == 200 or status in NOT_200.get(entry.view_name or "", ())


def api_outcome_ok(outcome: str, response) -> bool:
    """REST API views (attend/api) answer in JSON: 401 without a token, never a sign-in redirect."""
    if "json" not in response.get("Content-Type", ""):  # the schema is application/vnd.oai.openapi+json
        return False
    return {
        "sign-in": response.status_code == 401,
        "deny": response.status_code == 403,
        # Sample arguments name no real object (404); imports/ is POST only (405).
        "allow": response.status_code in (200, 404, 405),
    }[outcome]


def outcome_problem(persona: str, entry, client, token: str | None = None) -> str | None:
    """None if the response to this persona matches the table, else a description of the mismatch.

    API URLs are called with the persona's token (every scope), so the answer shows what the role allows."""
    url = concrete_url(entry)
    permission = entry.permission
    is_api = url.startswith("/api/")
    headers = {"Authorization": f"Bearer {token}"} if is_api and token else {}
    response = client.get(url + QUERY_BY_VIEW.get(entry.view_name or "", ""), headers=headers)
    outcome = expected(persona, permission, url)
    status, location = response.status_code, response.get("Location", "")
    if is_api:
        ok = api_outcome_ok(outcome, response)
        return (
            None if ok else f"{persona} GET {url} ({permission}): expected {outcome}, got {status} {location}"
        )
    ok = {
        "sign-in": status == 302 and location.startswith("/sign-in/?next="),
        "deny": status == 403,
        # Refused by the admin's model permissions: 403, or (for an object that does not exist) a redirect
        # back into the admin that shows nothing.
        "admin-deny": status == 403 or (status == 302 and location.startswith("/admin/")),
        "allow": allowed(entry, status, location),
    }[outcome]
    return None if ok else f"{persona} GET {url} ({permission}): expected {outcome}, got {status} {location}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_this_persona_per_the_table(persona, personas, client):
    # One sign-in per persona, then every URL pattern; all mismatches are reported together.
    token = None
    if personas[persona] is not None:
        client.force_login(personas[persona])
        token = token_for(personas[persona])
    problems = [problem for entry in ENTRIES if (problem := outcome_problem(persona, entry, client, token))]
    assert not problems, "\n".join(problems)


LETTERS_SEND_PAGES = (
    "letters:pupil-send",
    "letters:batches",
    "letters:batch-new",
    "letters:batch",
    "letters:batch-progress",
    "letters:batch-letter",
    "letters:batch-print",
)


def test_letters_pages_declare_their_own_permissions():
    by_name = {e.view_name: e.permission for e in ENTRIES}
    assert {by_name["letters:library"], by_name["letters:template-edit"]} == {"letters.templates"}
    assert {by_name[name] for name in LETTERS_SEND_PAGES} == {"letters.send"}
    assert {by_name["letters:pupil-messages"], by_name["letters:message"]} == {"pupil.view"}


def test_letters_permissions_go_to_those_who_act_on_alerts_and_edit_settings():
    R = Membership.Role
    assert PERMISSIONS["letters.send"].roles == PERMISSIONS["alerts.act"].roles
    assert PERMISSIONS["letters.templates"].roles == PERMISSIONS["settings.thresholds"].roles
    assert R.SCHOOL_OFFICER in PERMISSIONS["letters.send"].roles
    assert R.SCHOOL_OFFICER not in PERMISSIONS["letters.templates"].roles
    assert not (PERMISSIONS["letters.send"].roles & (READ_ONLY_ROLES | {R.SYSTEM_ADMIN}))


@pytest.mark.parametrize(
    "role, send, edit",
    [
        ("school_officer", 200, 403),
        ("attendance_lead", 200, 200),
        ("la_officer", 200, 403),
        ("class_teacher", 403, 403),
        ("system_admin", 403, 403),
    ],
)
def test_letters_pages_answer_each_role(personas, client, role, send, edit):
    client.force_login(personas[role])
    assert client.get("/letters/batches/new/").status_code == send
    assert client.get("/letters/batches/").status_code == send
    assert client.get("/letters/templates/").status_code == edit
