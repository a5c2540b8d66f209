"""Issue 23 items 6, 7 and 8: comparator labels say "England" once; the demo's fictional LA is in a real region
and compared with a real LA's published figures, named as a stand-in; a trust page seen by someone who sees only
some of the trust's schools says so; ethnicity groups are DfE descriptions."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model

from attend.accounts.models import Membership
from attend.core.tests.factories import make_school, make_trust, make_user
from attend.schools.models import LocalAuthority, School
from attend.web.dashboards import comparator_columns

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _labels(columns):
    return [c["label"] for c in columns]


def test_a_real_la_is_named_and_england_is_said_once():
    columns = comparator_columns(la_code="801", phase="total")
    assert _labels(columns) == ["LA: Bristol, City of", "Region: South West", "England"]
    assert [c["note"] for c in columns] == ["", "", ""]


def test_the_demo_la_is_compared_with_wiltshires_published_figures_named_as_a_stand_in():
    LocalAuthority.objects.create(
        code="999", name="Demoshire County Council (DEMO)", region_name="South West"
    )
    demo = comparator_columns(la_code="999", region_name="South West", phase="primary")
    wiltshire = comparator_columns(la_code="865", phase="primary")
    assert _labels(demo) == ["LA: Wiltshire (stand-in)", "Region: South West", "England"]
    assert demo[0]["attendance_perc"] == wiltshire[0]["attendance_perc"] is not None
    assert demo[0]["note"] == (
        "Demoshire County Council (DEMO) is fictional and has no DfE figures of its own: the LA column shows "
        "Wiltshire's published figures instead, as a stand-in."
    )
    assert wiltshire[0]["note"] == "" and wiltshire[0]["label"] == "LA: Wiltshire"


def test_a_fictional_region_falls_back_to_the_stand_ins_region():
    demo = comparator_columns(la_code="999", region_name="Demoland (fictional region)", phase="total")
    assert _labels(demo) == ["LA: Wiltshire (stand-in)", "Region: South West", "England"]


def test_an_la_without_figures_or_a_stand_in_gets_no_la_column(settings):
    assert _labels(comparator_columns(la_code="998", region_name="London", phase="total")) == [
        "Region: London",
        "England",
    ]
    settings.ATTEND_LA_STAND_INS = {}
    assert _labels(comparator_columns(la_code="999", region_name="South West", phase="total")) == [
        "Region: South West",
        "England",
    ]


def test_a_school_officers_trust_page_says_it_covers_only_their_school(
    client, settings, tmp_path, monkeypatch
):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    trust = make_trust("Sample Schools Trust")
    ours = make_school(trust=trust, name="Alder Primary")
    make_school(trust=trust, name="Beech Primary")
    make_school(trust=trust, name="Cedar Primary")
    officer = make_user(role=Membership.Role.SCHOOL_OFFICER, school=ours)
    client.force_login(officer)
    response = client.get(f"/trusts/{trust.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert (
        "These figures cover only the 1 of the trust's 3 schools that you can see: Alder Primary. "
        "They are not the trust's figures."
    ) in page
    assert "Beech Primary" not in page
    lead = make_user(role=Membership.Role.ATTENDANCE_LEAD, trust=trust)
    client.force_login(lead)
    assert "These figures cover only" not in text(client.get(f"/trusts/{trust.pk}/"))


def test_demo_pages_show_every_comparator_and_dfe_ethnicity(client, demo_la):
    school = School.objects.filter(local_authority__code="999").order_by("urn").first()
    assert school.local_authority.region_name == "South West"
    client.force_login(get_user_model().objects.get(username="la.officer"))
    dashboard = client.get(f"/schools/{school.urn}/")
    body, page = dashboard.content.decode(), text(dashboard)
    assert "England: England" not in page
    for header in ("LA: Wiltshire (stand-in)", "Region: South West", "England"):
        assert f'govuk-table__header--numeric">{header}</th>' in body
    assert "the LA column shows Wiltshire's published figures instead, as a stand-in." in page
    groups = re.search(r'data-testid="group-ethnicity".*?</table>', body, re.S).group(0)
    assert "White – British" in groups and ">WBRI<" not in groups
    la_page = text(client.get("/la/"))
    assert "England (DfE)" in la_page and "England: England" not in la_page
    assert "Region: South West (DfE)" in la_page and "LA: Wiltshire (stand-in) (DfE)" in la_page
