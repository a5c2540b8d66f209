"""The what-works page and CSV as LA staff see them; school staff cannot open them."""

from __future__ import annotations

import csv
import io

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_user

from .whatworks_world import AS_OF, make_world

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture(autouse=True)
def _store(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())


def test_la_officer_sees_the_difference_its_interval_and_what_it_cannot_show(client):
    w = make_world()
    client.force_login(make_user(role=R.LA_OFFICER, local_authority=w["la"]))
    page = client.get("/partnership/what-works/").content.decode()
    assert "Support plan" in page
    assert "12 of 12" in page and "60 comparison matches" in page
    assert "7.5 points" in page and "2.5 points" in page
    assert "<strong>5.0 points</strong><br>(5.0 to 5.0)" in page
    assert "Improved more than the comparison group" in page
    assert "This is not a randomised trial" in page
    assert "regression to the mean" in page
    assert "normal approximation" in page


def test_small_groups_show_no_figures_on_the_page(client):
    w = make_world(treated_per_band=4)
    client.force_login(make_user(role=R.LA_OFFICER, local_authority=w["la"]))
    page = client.get("/partnership/what-works/").content.decode()
    assert "8 of 8" in page
    assert "Too few matched pupils to show (fewer than 10)" in page
    assert "points</strong>" not in page


def test_csv_has_one_row_per_group_with_the_same_figures(client):
    w = make_world()
    client.force_login(make_user(role=R.LA_MANAGER, local_authority=w["la"]))
    response = client.get("/partnership/what-works.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    plan = next(r for r in rows if r["Group"] == "Support plan")
    assert plan["Matched pupils"] == "12" and plan["Comparison matches"] == "60"
    assert (plan["Change (points)"], plan["Comparison change (points)"], plan["Difference (points)"]) == (
        "7.5",
        "2.5",
        "5.0",
    )
    assert (plan["95% CI low"], plan["95% CI high"]) == ("5.0", "5.0")


def test_school_staff_cannot_open_the_report(client):
    w = make_world(treated_per_band=1)
    client.force_login(make_user(role=R.SCHOOL_OFFICER, school=w["school"]))
    assert client.get("/partnership/what-works/").status_code == 403
    assert client.get("/partnership/what-works.csv").status_code == 403


def test_another_las_officer_sees_none_of_these_pupils(client):
    from attend.stats.tests.factories import la, school

    make_world()
    other = la(code="212", name="Hackney")
    school(150001, authority=other)
    client.force_login(make_user(role=R.LA_OFFICER, local_authority=other))
    page = client.get("/partnership/what-works/").content.decode()
    assert "Support plan" not in page
    assert page.count("No pupils with this kind of support started by 18 November 2025.") == 3
