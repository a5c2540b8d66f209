"""/partnership/ and the menu: each person sees the ways in that their role opens, and no others."""

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user

pytestmark = pytest.mark.django_db

R = Membership.Role


def menu(client) -> str:
    return client.get("/").content.decode().split('id="navigation"')[1].split("</ul>")[0]


def test_an_la_officer_sees_every_area_and_the_menu_leads_there(client):
    la = make_la()
    client.force_login(make_user(role=R.LA_OFFICER, local_authority=la))
    page = client.get("/partnership/").content.decode()
    for title in ("Targeting support meetings", "Part-time timetables", "What works", "Services directory",
                  "My caseload"):  # fmt: skip
        assert title in page
    assert "Cases" in menu(client) and "Partners" in menu(client) and "My pupils" not in menu(client)


def test_a_school_officer_sees_the_meetings_but_not_the_las_reports(client):
    school = make_school()
    client.force_login(make_user(role=R.SCHOOL_OFFICER, school=school))
    page = client.get("/partnership/").content.decode()
    assert "Targeting support meetings" in page and "My caseload" in page
    assert "What works" not in page and "Part-time timetables" not in page


def test_a_social_worker_has_my_pupils_and_no_partners_page(client):
    client.force_login(make_user(role=R.SOCIAL_WORKER, local_authority=make_la()))
    assert "My pupils" in menu(client) and "Partners" not in menu(client) and "Cases" not in menu(client)
    assert client.get("/partnership/").status_code == 403
