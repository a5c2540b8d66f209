"""Issue 23 item 19: a failed sign-in shows a GOV.UK error summary in plain words, linked to the field, and keeps
the username the person typed (never the password)."""

import html
import re

import pytest

from attend.core.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return make_user("alice", role="system_admin", password=PASSWORD)


def text(body: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_a_wrong_password_gets_a_plain_sentence_linked_to_the_username_and_keeps_the_username(alice, client):
    response = client.post("/sign-in/", {"username": "alice", "password": "wrong password"})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Sign in" in body
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in body
    assert '<li><a href="#id_username">Enter a correct username and password.</a></li>' in body
    assert 'id="id_username-error" class="govuk-error-message"' in body
    assert 'aria-describedby="id_username-error"' in body
    assert 'name="username" id="id_username" value="alice"' in body
    assert "Please enter a correct" not in body and "case-sensitive" not in body
    assert "wrong password" not in body  # the password is never sent back
    assert text(body).count("Enter a correct username and password.") == 2  # summary and field


def test_the_typed_username_is_escaped_when_kept(alice, client):
    body = client.post("/sign-in/", {"username": '"><b>x', "password": "nope"}).content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in body and "<b>x" not in body


def test_empty_fields_each_get_their_own_error_linked_to_their_field(alice, client):
    body = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert '<li><a href="#id_username">Enter your username.</a></li>' in body
    assert '<li><a href="#id_password">Enter your password.</a></li>' in body
    assert 'id="id_password-error"' in body and "This field is required" not in body


def test_a_missing_password_keeps_the_username(alice, client):
    body = client.post("/sign-in/", {"username": "alice", "password": ""}).content.decode()
    assert 'value="alice"' in body and '<li><a href="#id_password">Enter your password.</a></li>' in body
    assert "Enter a correct username" not in body


def test_the_first_visit_shows_no_error(client, db):
    body = client.get("/sign-in/").content.decode()
    assert "govuk-error-summary" not in body and 'value=""' in body and "<title>Sign in" in body
