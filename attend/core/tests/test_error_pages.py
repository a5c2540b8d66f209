"""Error pages (issue 23 item 12): GOV.UK's "You do not have permission", "Page not found" and "Sorry, there is a
problem with the service" in the service's layout (header, viewport), none telling why; the 500 page renders with no
database and no request context; JSON under /api/ as before; /favicon.ico is not a 404."""

from __future__ import annotations

import logging

import pytest
from django.templatetags.static import static
from django.test import Client, RequestFactory

from attend.accounts.models import Membership
from attend.core.errors import server_error

from .factories import make_la, make_pupil, make_school, make_user

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">'


def assert_service_page(response, status: int, heading: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert VIEWPORT in body
    assert '<header class="attend-header">' in body and 'class="attend-header__name">Attend</a>' in body
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in body
    assert f"<title>{heading} – Attend</title>" in body
    return body


@pytest.mark.django_db
def test_an_unknown_address_is_the_service_page_not_found(client):
    assert_service_page(client.get("/no-such-page/"), 404, "Page not found")


@pytest.mark.django_db
def test_a_pupil_out_of_scope_is_page_not_found_without_saying_why(client):
    la = make_la()
    elsewhere = make_pupil(school=make_school(la=make_la("202", "Southshire")), surname="Elsewhere")
    user = make_user(role=Membership.Role.LA_OFFICER, local_authority=la)
    client.force_login(user)
    body = assert_service_page(client.get(f"/pupils/{elsewhere.upn}/"), 404, "Page not found")
    assert "in your scope" not in body and "Elsewhere" not in body
    assert user.get_username() in body  # the header still shows who is signed in


@pytest.mark.django_db
def test_a_page_outside_the_role_is_you_do_not_have_permission_without_naming_the_permission(client):
    client.force_login(make_user(role=Membership.Role.CLASS_TEACHER, school=make_school()))
    body = assert_service_page(client.get("/la/"), 403, "You do not have permission to view this page")
    assert "la.dashboard" not in body and "permission '" not in body


@pytest.mark.django_db
@pytest.mark.urls("attend.core.tests.urls_boom")
def test_a_server_error_is_sorry_there_is_a_problem_with_a_reference_and_no_detail(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom/")
    body = assert_service_page(response, 500, "Sorry, there is a problem with the service")
    assert "hunter2" not in body and "RuntimeError" not in body and "Traceback" not in body
    record = next(r for r in caplog.records if r.name == "attend.errors")
    reference = record.args[0]
    assert f"<strong>{reference}</strong>" in body
    assert record.args[1] == "GET /boom/"


def test_the_500_page_renders_with_no_database_and_no_request_context():
    # No django_db mark: any query here fails the test. The request has no user, session or messages.
    response = server_error(RequestFactory().get("/pupils/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body and VIEWPORT in body
    assert "Sign out" not in body and "Fixed date" not in body
    assert "Sorry, there is a problem with the service" in server_error(None).content.decode()


@pytest.mark.django_db
def test_api_errors_stay_json(client):
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["status"] == 404  # the API's own catch-all answers (attend/api/urls.py)
    from attend.core.errors import page_not_found

    assert (
        page_not_found(RequestFactory().get("/api/v2/"), None).content
        == b'{"detail": "Not found.", "status": 404}'
    )
    assert server_error(RequestFactory().get("/api/imports/")).status_code == 500
    assert b'"reference"' in server_error(RequestFactory().get("/api/imports/")).content


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_service_icon_for_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("core/favicon.svg")
    client.force_login(make_user(role=Membership.Role.CLASS_TEACHER, school=make_school()))
    assert client.get("/favicon.ico").status_code == 301
