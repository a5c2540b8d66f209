"""Search (issue 23 item 14): results are sorted by the name they show (the preferred name where there is one),
found by legal or preferred name alike, and past 50 the page says there are more and how to narrow the search."""

from __future__ import annotations

import html
import re

import pytest

from attend.core.tests.factories import make_pupil, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(client):
    school = make_school(name="Riverside Primary")
    client.force_login(make_user(role="school_officer", school=school))
    return school


def names(response) -> list[str]:
    body = response.content.decode()
    table = body[body.index('data-testid="search-results"') :]
    return [
        html.unescape(n)
        for n in re.findall(r'<a class="govuk-link" href="/pupils/[^"]+/">([^<]+)</a>', table)
    ]


@pytest.fixture
def nibbleworths(school):
    make_pupil(school=school, surname="Nibbleworth", legal_forename="Zed", preferred_forename="Adam")
    make_pupil(school=school, surname="Nibbleworth", legal_forename="Ben")
    make_pupil(school=school, surname="Aardvark", legal_forename="Cara", preferred_surname="Nibbleworth")
    make_pupil(school=school, surname="nibbleworth", legal_forename="dora")  # as a file may spell it
    make_pupil(school=school, surname="Smith", legal_forename="Ed")


def test_results_are_sorted_by_the_name_they_show(client, nibbleworths):
    response = client.post("/pupils/", {"q": "Nibbleworth"})
    assert names(response) == [
        "Nibbleworth, Adam",
        "Nibbleworth, Ben",
        "Nibbleworth, Cara",
        "nibbleworth, dora",
    ]
    assert "4 pupils found for ‘Nibbleworth’" in html.unescape(response.content.decode())


def test_a_preferred_name_shows_the_legal_name_beside_it(client, nibbleworths):
    body = client.post("/pupils/", {"q": "Nibbleworth"}).content.decode()
    assert "Legal name: Zed Nibbleworth" in body and "Legal name: Cara Aardvark" in body
    assert "Legal name: Ben Nibbleworth" not in body  # no preferred name, nothing to explain


@pytest.mark.parametrize("query", ["Adam Nibbleworth", "Zed Nibbleworth", "Zed", "adam"])
def test_legal_and_preferred_names_both_find_the_pupil(client, nibbleworths, query):
    assert names(client.post("/pupils/", {"q": query})) == ["Nibbleworth, Adam"]


def test_a_preferred_surname_and_the_legal_one_both_find_the_pupil(client, nibbleworths):
    assert names(client.post("/pupils/", {"q": "Cara Aardvark"})) == ["Nibbleworth, Cara"]
    assert names(client.post("/pupils/", {"q": "Cara Nibbleworth"})) == ["Nibbleworth, Cara"]


def test_fifty_results_are_all_shown_with_no_hint(client, school):
    for n in range(50):
        make_pupil(school=school, surname="Jones", legal_forename=f"Child{n:02d}")
    response = client.post("/pupils/", {"q": "Jones"})
    text = html.unescape(response.content.decode())
    assert len(names(response)) == 50
    assert "50 pupils found for ‘Jones’" in text
    assert 'data-testid="search-more"' not in text and "More than" not in text


def test_past_fifty_the_page_says_there_are_more_and_how_to_narrow_it(client, school):
    for n in range(51):
        make_pupil(school=school, surname="Jones", legal_forename=f"Child{n:02d}")
    response = client.post("/pupils/", {"q": "Jones"})
    text = html.unescape(response.content.decode())
    shown = names(response)
    assert len(shown) == 50 and shown[0] == "Jones, Child00" and shown[-1] == "Jones, Child49"
    assert "More than 50 pupils found for ‘Jones’" in text
    assert (
        "Showing the first 50, by surname. To find a pupil who is not shown, add more of their name" in text
    )
    assert names(client.post("/pupils/", {"q": "Jones Child50"})) == ["Jones, Child50"]
