"""A TSM's term comes from the school's own term dates (`Term` rows), not from the month: the month rule (autumn
August to December, spring January to March, summer April to July) is used only where no Term row covers the day,
and the pages say so. Alder Primary's spring term runs to Thursday 2 April 2026 (Easter is 5 April); Birch Academy
has no term dates loaded; Cedar Primary calls its six half-terms "Term 1" to "Term 6"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user
from attend.partnership import tsm
from attend.partnership.models_tsm import SupportMeeting
from attend.schools.models import AcademicYear, School, Term

pytestmark = pytest.mark.django_db
D = dt.date
HALF_TERMS = [
    (D(2025, 9, 3), D(2025, 10, 24)),
    (D(2025, 11, 3), D(2025, 12, 19)),
    (D(2026, 1, 5), D(2026, 2, 13)),
    (D(2026, 2, 23), D(2026, 4, 2)),
    (D(2026, 4, 20), D(2026, 5, 22)),
    (D(2026, 6, 1), D(2026, 7, 22)),
]
LAST_DAY_OF_SPRING = D(2026, 4, 1)  # a Wednesday: spring by Alder's dates, summer by the month rule


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def load_terms(school: School, names: list[str]) -> None:
    year, _ = AcademicYear.objects.get_or_create(start_year=2025)
    for name, (start, end) in zip(names, HALF_TERMS, strict=True):
        Term.objects.create(school=school, academic_year=year, name=name, start_date=start, end_date=end)


@pytest.fixture
def world():
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    birch = make_school(la=la, name="Birch Academy")
    cedar = make_school(la=la, name="Cedar Primary")
    load_terms(alder, ["Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2"])
    load_terms(cedar, [f"Term {n}" for n in range(1, 7)])
    officer = make_user("la.officer", role=Membership.Role.LA_OFFICER, local_authority=la)
    return {"alder": alder, "birch": birch, "cedar": cedar, "officer": officer}


def test_the_schools_own_term_row_decides_where_it_differs_from_the_month_rule(world):
    assert tsm.term_of(LAST_DAY_OF_SPRING) == (2025, "summer")  # the month rule
    alder = tsm.school_term(world["alder"], LAST_DAY_OF_SPRING)
    assert (alder.key, alder.from_calendar, alder.name) == ((2025, "spring"), True, "Spring 2")
    cedar = tsm.school_term(world["cedar"], LAST_DAY_OF_SPRING)
    assert (cedar.key, cedar.from_calendar, cedar.name) == ((2025, "spring"), True, "Term 4")
    birch = tsm.school_term(world["birch"], LAST_DAY_OF_SPRING)
    assert (birch.key, birch.from_calendar) == ((2025, "summer"), False)
    # In the Easter holiday no row covers the day: the month rule, said to be so.
    holiday = tsm.school_term(world["alder"], D(2026, 4, 8))
    assert (holiday.key, holiday.from_calendar) == ((2025, "summer"), False)
    # The first day back is summer by both.
    assert tsm.school_term(world["alder"], D(2026, 4, 20)).key == (2025, "summer")
    # Half-term names say the season even when the term starts in another month's rule.
    assert tsm.school_term(world["cedar"], D(2025, 9, 3)).key == (2025, "autumn")


def test_a_meeting_on_the_last_day_of_spring_belongs_to_the_spring_round_and_summer_carries_its_actions(
    world, monkeypatch
):
    monkeypatch.setenv("ATTEND_TODAY", LAST_DAY_OF_SPRING.isoformat())
    spring = tsm.record_meeting(
        world["alder"], by=world["officer"], status="held", meeting_date=D(2026, 3, 25),
        attendees="Jo Bloggs (LA)", record="Reviewed the pack.",
    )  # fmt: skip
    assert (spring.start_year, spring.term) == (2025, "spring")
    assert tsm.meeting_for(world["alder"], D(2026, 3, 10)) == spring
    assert tsm.meeting_for(world["alder"], D(2026, 4, 21)) is None  # summer term: not met yet
    birch = tsm.record_meeting(world["birch"], by=world["officer"], status="offered")
    assert (birch.start_year, birch.term) == (2025, "summer")  # no term dates: by month


def test_the_la_page_shows_each_schools_term_and_says_where_the_month_rule_was_used(
    client, world, monkeypatch
):
    monkeypatch.setenv("ATTEND_TODAY", LAST_DAY_OF_SPRING.isoformat())
    tsm.record_meeting(
        world["alder"], by=world["officer"], status="held", meeting_date=D(2026, 3, 25),
        attendees="Jo Bloggs (LA)", record="Reviewed the pack.",
    )  # fmt: skip
    client.force_login(world["officer"])
    page = text(client.get("/partnership/tsm/"))
    assert "Spring 2025/26" in page.split("Targeting support meetings")[1][:40]  # the caption: most schools
    assert 'No term dates cover today for 1 school (marked "term by month")' in page
    assert "autumn August to December, spring January to March, summer April to July" in page
    assert "Not every school is in the same term today" in page
    assert "Alder Primary Spring 2025/26 Held 25 Mar 2026 0 0" in page
    assert "Birch Academy Summer 2025/26, term by month Not yet offered 0 0" in page
    assert "Cedar Primary Spring 2025/26 Not yet offered 0 0" in page
    alder_page = text(client.get(f"/partnership/tsm/schools/{world['alder'].urn}/"))
    assert "Targeting support meeting, Spring 2025/26" in alder_page
    assert "This term is from Alder Primary's own term dates (Spring 2, covering today)" in alder_page
    birch_page = text(client.get(f"/partnership/tsm/schools/{world['birch'].urn}/"))
    assert "Targeting support meeting, Summer 2025/26" in birch_page
    assert "None of Birch Academy's term dates covers today, so the term is worked out by month" in birch_page
    assert SupportMeeting.objects.count() == 1
