"""The pupil page's casework panel: the current case, "Open a case", the chronology across cases."""

import html
import re

import pytest

from attend.casework import cases
from attend.casework.chronology import correct_entry, record_entry
from attend.core.tests.factories import link

from .cases_world import TODAY, at, make_case_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_case_world()


def test_a_pupil_without_a_case_offers_open_a_case_to_writers(client, w):
    client.force_login(w["alder_officer"])
    page = client.get(f"/pupils/{w['maya'].upn}/")
    assert "No open case." in text(page)
    assert f'href="/cases/open/?upn={w["maya"].upn}"' in page.content.decode()


def test_the_panel_shows_the_current_case_and_the_chronology_across_cases(client, w):
    lena = w["la_officer"]
    first, _ = cases.open_case(
        by=lena, pupil=w["maya"], school=w["alder"], occurred_at=at(TODAY.replace(day=3))
    )
    record_entry(
        first,
        kind="phone_call",
        summary="Spoke to mother in September",
        outcome="spoke_to_parent",
        by=lena,
        occurred_at=at(TODAY.replace(day=4)),
    )
    cases.close_case(first, "improved", "Back to 96%", lena)
    second, _ = cases.open_case(by=lena, pupil=w["maya"], school=w["alder"], stage="facilitate")
    cases.assign(second, lena, w["alder_officer"], "", lena, second.version)
    call = record_entry(
        second, kind="phone_call", summary="No answer", outcome="no_answer", by=lena, occurred_at=at(TODAY, 9)
    )
    correct_entry(call, lena, "Voicemail left")
    record_entry(
        second,
        kind="note",
        summary="Disclosure about home",
        restricted=True,
        by=w["alder_dsl"],
        occurred_at=at(TODAY, 10),
    )
    client.force_login(w["alder_officer"])
    response = client.get(f"/pupils/{w['maya'].upn}/")
    page = text(response)
    assert "Current case CW-000002 Open" in page and "Stage Facilitate support" in page
    assert "Officer Lena Shah (LA), Amira Khan (school)" in page
    assert "Closed cases: CW-000001 (attendance improved" in page
    assert "Spoke to mother in September" in page and "Voicemail left" in page
    assert "Disclosure" not in page and "A restricted safeguarding note" in page
    assert "Open a case" not in page
    assert (
        page.index("A restricted safeguarding note") < page.index("No answer") < page.index("Spoke to mother")
    )
    client.force_login(w["alder_dsl"])
    assert "Disclosure about home" in text(client.get(f"/pupils/{w['maya'].upn}/"))


def test_read_only_roles_see_nothing_of_casework(client, w):
    cases.open_case(by=w["la_officer"], pupil=w["maya"], school=w["alder"], reason="Secret reason")
    teacher = w["alder_teacher"]
    link(teacher, w["maya"], reason="Class teacher")
    client.force_login(teacher)
    response = client.get(f"/pupils/{w['maya'].upn}/")
    assert response.status_code == 200
    assert 'id="casework"' not in response.content.decode() and "CW-000001" not in text(response)
