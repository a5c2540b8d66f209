"""Independent schools need not take part in targeting support meetings: their decline is ordinary and needs no
reason; a maintained school or academy that declines needs a reason and is shown to the LA as "Declined (not
independent)" in warning style. Clock pinned to Wednesday 19 November 2025 (autumn term)."""

from __future__ import annotations

import re

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user
from attend.partnership import tsm
from attend.partnership.models_tsm import SupportMeeting
from attend.schools.models import School

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    la = make_la()
    birch = make_school(la=la, name="Birch Academy")
    hazel = make_school(la=la, name="Hazel House School")
    hazel.independent = True
    hazel.save()
    officer = make_user("la.officer", role=Membership.Role.LA_OFFICER, local_authority=la)
    return {"birch": birch, "hazel": hazel, "officer": officer}


def test_a_school_is_not_independent_unless_marked():
    la = make_la()
    assert make_school(la=la, name="Ash Primary").independent is False
    field = School._meta.get_field("independent")
    assert "need not take part" in field.help_text


def test_an_independent_school_declines_without_a_reason_an_academy_needs_one(world):
    declined = tsm.record_meeting(world["hazel"], by=world["officer"], status="declined")
    assert (declined.status, declined.declined_reason) == ("declined", "")
    with pytest.raises(tsm.TsmRefused, match="only an independent school need not take part") as e:
        tsm.record_meeting(world["birch"], by=world["officer"], status="declined", declined_reason="  ")
    assert e.value.field == "declined_reason"
    tsm.record_meeting(
        world["birch"], by=world["officer"], status="declined", declined_reason="Head on long-term leave"
    )
    view = tsm.term_overview(School.objects.all(), tsm.clock.today())
    assert [(r.school.name, r.status_label, r.unusual_decline) for r in view["rows"]] == [
        ("Birch Academy", "Declined", True),
        ("Hazel House School", "Declined", False),
    ]
    assert (view["counts"]["declined"], view["counts"]["declined_not_independent"]) == (2, 1)


def test_the_la_page_marks_the_independent_school_and_warns_of_the_academys_decline(client, world):
    client.force_login(world["officer"])
    hazel_form = text(client.get(f"/partnership/tsm/schools/{world['hazel'].urn}/record/"))
    assert "Hazel House School is an independent school: it need not take part" in hazel_form
    response = client.post(f"/partnership/tsm/schools/{world['hazel'].urn}/record/", {"status": "declined"})
    assert response.status_code == 302
    page = text(client.post(f"/partnership/tsm/schools/{world['birch'].urn}/record/", {"status": "declined"}))
    assert "There is a problem" in page and "Enter why the school declined" in page
    client.post(
        f"/partnership/tsm/schools/{world['birch'].urn}/record/",
        {"status": "declined", "declined_reason": "Head on long-term leave"},
    )
    assert SupportMeeting.objects.filter(status="declined").count() == 2

    html = client.get("/partnership/tsm/").content.decode()
    assert re.search(
        r'govuk-tag--orange" data-testid="declined-not-independent">Declined \(not independent\)</strong>',
        html,
    )
    overview = text(client.get("/partnership/tsm/"))
    assert "Declined: 2 1 not independent" in overview
    assert "Birch Academy Declined (not independent) 0 0" in overview
    assert "Hazel House School Independent (need not take part) Declined 0 0" in overview
    birch_page = text(client.get(f"/partnership/tsm/schools/{world['birch'].urn}/"))
    assert "Status Declined (not independent)" in birch_page and "Head on long-term leave" in birch_page
    hazel_page = text(client.get(f"/partnership/tsm/schools/{world['hazel'].urn}/"))
    assert "Status Declined Independent (need not take part)" in hazel_page
