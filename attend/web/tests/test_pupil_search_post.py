"""Issue 14, finding 11: pupil search keeps names out of URLs (POST with CSRF), so access logs never hold them."""

import pytest
from django.test import Client

from attend.core.tests.factories import make_pupil, make_school, make_user


@pytest.fixture
def officer(db, client):
    school = make_school()
    user = make_user("officer", role="school_officer", school=school)
    client.force_login(user)
    make_pupil(school=school, surname="Okafor", legal_forename="Chidi")
    return user


def test_a_search_is_posted_and_finds_the_pupil(officer, client):
    form = client.get("/pupils/").content.decode()
    assert 'method="post" action="/pupils/"' in form and "csrfmiddlewaretoken" in form
    found = client.post("/pupils/", {"q": "Okafor"})
    assert "Okafor, Chidi" in found.content.decode()
    assert found["Cache-Control"] == "no-store"


def test_a_name_in_the_query_string_is_not_searched(officer, client):
    page = client.get("/pupils/?q=Okafor").content.decode()
    assert "Okafor, Chidi" not in page and "found for" not in page


def test_a_search_without_the_csrf_token_is_refused(officer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    assert strict.post("/pupils/", {"q": "Okafor"}).status_code == 403
