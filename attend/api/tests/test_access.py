"""Effective right = token scope AND role permission AND row scope; anonymous callers get 401 JSON, never a
sign-in redirect; throttling per token."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from attend.accounts.permissions import PERMISSIONS, url_entries
from attend.api.models import SCOPES
from attend.api.services import SCOPE_PERMISSIONS
from attend.api.views import ApiView
from attend.core.tests.factories import make_user

from .factories import bearer, token_for


def api_entries():
    return [e for e in url_entries() if getattr(e.callback, "attend_api", False)]


def test_every_api_view_declares_a_permission_that_its_token_scope_allows():
    entries = api_entries()
    assert len(entries) == 15  # the 12 before, and penalty notices: list and issue, one notice, its payments
    for entry in entries:
        view = entry.callback.view_class
        assert entry.permission in PERMISSIONS
        assert entry.permission in SCOPE_PERMISSIONS[view.token_scope], entry.view_name
        if view.write_token_scope:  # a view that also writes declares the writing pair (cases)
            assert view.write_permission in SCOPE_PERMISSIONS[view.write_token_scope], entry.view_name


def test_a_view_that_declares_nothing_is_refused_to_everyone(world):
    class Undeclared(APIView):  # DRF's defaults from settings: our token auth, permission and throttle
        def get(self, request):
            return Response({"reached": True})

    token = token_for(world["la_officer"])
    request = APIRequestFactory().get("/x", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert Undeclared.as_view()(request).status_code == 403

    class AlsoUndeclared(ApiView):
        pass

    with pytest.raises(ImproperlyConfigured, match="unknown permission"):
        AlsoUndeclared.as_view()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/schools/",
        "/api/v1/alerts/",
        "/api/v1/la/statistics/",
        "/api/v1/pupils/A201200024001/attendance/",
    ],
)
def test_anonymous_callers_get_401_json_not_a_sign_in_page(db, client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "status": 401}
    assert response["WWW-Authenticate"] == 'Bearer realm="attend"'


def test_the_schema_is_public(db, client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_token_without_the_scope_is_refused(world, client):
    token = token_for(world["la_officer"], ["statistics:read"])
    response = client.get("/api/v1/alerts/", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["detail"] == "This token does not have the 'alerts:read' scope."
    assert client.get("/api/v1/pupils/A201200024001/attendance/", headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/schools/", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("persona", ["class_teacher", "social_worker", "system_admin"])
def test_roles_without_the_permission_are_refused_even_with_every_scope(world, client, persona):
    token = token_for(world[persona])
    for url in (
        "/api/v1/schools/",
        f"/api/v1/schools/{world['a'].urn}/statistics/",
        "/api/v1/la/statistics/",
    ):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 403, url
        assert "permission" in response.json()["detail"]


def test_school_officers_cannot_read_school_la_statistics(world, client):
    token = token_for(world["school_officer"])
    assert client.get("/api/v1/la/statistics/", headers=bearer(token)).status_code == 403


def test_another_school_s_rows_are_not_found(world, client):
    token = token_for(world["school_officer"])
    for url in (
        f"/api/v1/schools/{world['c'].urn}/statistics/",
        f"/api/v1/schools/{world['b'].urn}/statistics/",
        f"/api/v1/pupils/{world['elsewhere'].upn}/attendance/",
        f"/api/v1/alerts/{world['other_alert'].pk}/",
    ):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 404, url
        assert response.json()["status"] == 404
    # The same requests from the other school's officer succeed: the rows exist.
    other = token_for(world["other_school_officer"])
    assert (
        client.get(f"/api/v1/schools/{world['c'].urn}/statistics/", headers=bearer(other)).status_code == 200
    )
    assert client.get(f"/api/v1/alerts/{world['other_alert'].pk}/", headers=bearer(other)).status_code == 200


def test_read_only_roles_see_only_linked_pupils(world, client):
    social, teacher = token_for(world["social_worker"]), token_for(world["class_teacher"])
    linked, unlinked = world["absent"].upn, world["present"].upn
    assert client.get(f"/api/v1/pupils/{linked}/attendance/", headers=bearer(social)).status_code == 200
    assert client.get(f"/api/v1/pupils/{unlinked}/attendance/", headers=bearer(social)).status_code == 404
    assert client.get(f"/api/v1/pupils/{linked}/attendance/", headers=bearer(teacher)).status_code == 404


def test_unknown_api_urls_are_json_404s(world, client):
    response = client.get("/api/v1/nothing-here/", headers=bearer(token_for(world["la_officer"])))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API endpoint.", "status": 404}


def test_each_token_is_throttled_with_a_json_429(world, client, settings):
    settings.ATTEND_API_RATES = {"read": "3/minute", "import": "1/minute"}
    token, other = token_for(world["la_officer"]), token_for(world["la_officer"])
    codes = [client.get("/api/v1/schools/", headers=bearer(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/schools/", headers=bearer(token))
    assert refused.json()["status"] == 429 and "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    assert client.get("/api/v1/schools/", headers=bearer(other)).status_code == 200  # per token


SAMPLE = {"urn": 100001, "pk": 1, "upn": "A201200024001", "ref": "CW-000001", "number": "PN-2025-000001"}


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_every_api_endpoint_needs_exactly_its_declared_scope(db, client, scope):
    # A superuser holds every permission, so only the token's scope decides here.
    root = make_user("root")
    root.is_superuser = True
    root.save()
    token = token_for(root, [scope])
    for entry in api_entries():
        names = re.findall(r"<(?:\w+:)?(\w+)>", entry.route)
        url = reverse(entry.view_name, kwargs={name: SAMPLE[name] for name in names})
        status = client.get(url, headers=bearer(token)).status_code
        if entry.callback.view_class.token_scope == scope:
            assert status in (200, 404, 405), (url, status)
        else:
            assert status == 403, (url, status)
        if entry.callback.view_class.write_token_scope:
            status = client.post(url, {}, headers=bearer(token)).status_code
            if entry.callback.view_class.write_token_scope == scope:
                assert status in (400, 404), (url, status)
            else:
                assert status == 403, (url, status)


def test_a_path_with_a_newline_is_still_a_json_404(db, client):
    # The catch-all matches any character, a newline too (found by the schema fuzzing).
    response = client.get("/api/v1/schools/%C2%B8%5B%0A%40s%01/statistics/")
    assert response.status_code == 404 and response.json() == {
        "detail": "No such API endpoint.",
        "status": 404,
    }
