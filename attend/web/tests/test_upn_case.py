"""Pupil addresses and UPN case (issue 23 item 13): UPNs are upper case by definition, so a pupil page asked for
with a lower-case UPN redirects to the upper-case one (in scope or not: the redirect tells nothing), and the
upper-case page decides access as before."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_and_officer(client, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    pupil = make_pupil(school=make_school(la=la, name="Riverside Primary"), surname="Nibbleworth")
    client.force_login(make_user(role=Membership.Role.LA_OFFICER, local_authority=la))
    return pupil


@pytest.mark.parametrize("page", ["/pupils/{}/", "/work/pupils/{}/"])
def test_a_lower_case_upn_redirects_to_the_upper_case_page(client, pupil_and_officer, page):
    upn = pupil_and_officer.upn
    response = client.get(page.format(upn.lower()))
    assert response.status_code == 301
    assert response["Location"] == page.format(upn)
    assert "Nibbleworth" in client.get(response["Location"]).content.decode()


def test_the_redirect_keeps_the_query_string(client, pupil_and_officer):
    upn = pupil_and_officer.upn
    response = client.get(f"/pupils/{upn.lower()}/?tab=marks")
    assert response["Location"] == f"/pupils/{upn}/?tab=marks"


def test_an_upper_case_upn_is_served_without_a_redirect(client, pupil_and_officer):
    assert client.get(f"/pupils/{pupil_and_officer.upn}/").status_code == 200


def test_a_lower_case_upn_out_of_scope_ends_in_the_same_404_as_an_unknown_one(client, pupil_and_officer):
    other = make_pupil(school=make_school(la=make_la("202", "Southshire")), surname="Elsewhere")
    for upn in (other.upn.lower(), "z999999999999"):
        response = client.get(f"/pupils/{upn}/", follow=True)
        assert response.status_code == 404
        assert "Elsewhere" not in response.content.decode()


def test_the_scope_lookup_finds_a_pupil_by_a_lower_case_upn(pupil_and_officer):
    from attend.core.scoping import get_pupil_for_user

    officer = Membership.objects.get().user
    assert get_pupil_for_user(officer, pupil_and_officer.upn.lower()) == pupil_and_officer
