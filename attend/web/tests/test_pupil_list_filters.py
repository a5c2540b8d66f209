"""Issue 23 item 5 (and the ethnicity part of 7): every active filter on a school's pupil list is shown in words
and can be removed; ethnicity is a visible filter with the DfE descriptions, never a hidden input."""

from __future__ import annotations

import html
import re

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.ethnicity import ethnicity_label

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def school(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    school = make_school(name="Alder Primary")
    make_pupil(school=school, surname="Begum", ethnicity="ABAN", fsm=True)
    make_pupil(school=school, surname="Smith", ethnicity="WBRI")
    return school


def test_an_ethnicity_filter_from_a_dashboard_link_is_shown_and_removable(client, school):
    client.force_login(make_user(role=Membership.Role.SCHOOL_OFFICER, school=school))
    response = client.get(f"/schools/{school.urn}/pupils/?list=all&ethnicity=ABAN")
    body, page = response.content.decode(), text(response)
    assert 'type="hidden" name="ethnicity"' not in body
    assert '<option value="ABAN" selected>Asian – Bangladeshi</option>' in body
    assert (
        "Filters in use Ethnicity: Asian – Bangladeshi Remove the filter Ethnicity: Asian – Bangladeshi"
        in page
    )
    assert 'href="?list=all">Remove' in body
    assert "Clear all filters" in page


def test_each_active_filter_has_its_own_remove_link_keeping_the_others(client, school):
    client.force_login(make_user(role=Membership.Role.SCHOOL_OFFICER, school=school))
    response = client.get(f"/schools/{school.urn}/pupils/?list=pa&nc_year=4&fsm=True&ethnicity=ABAN&sex=F")
    body, page = response.content.decode(), text(response)
    for words in (
        "Year group: Year 4",
        "Free school meals: Yes",
        "Sex: Female",
        "Ethnicity: Asian – Bangladeshi",
    ):
        assert f"{words} Remove" in page
    assert 'href="?list=pa&amp;fsm=True&amp;ethnicity=ABAN&amp;sex=F">Remove' in body  # year group removed
    assert 'href="?list=pa&amp;nc_year=4&amp;fsm=True&amp;sex=F">Remove' in body  # ethnicity removed
    assert 'href="?list=pa">Clear all filters' in body


def test_no_filters_no_filter_summary(client, school):
    client.force_login(make_user(role=Membership.Role.SCHOOL_OFFICER, school=school))
    response = client.get(f"/schools/{school.urn}/pupils/?list=all")
    assert "Filters in use" not in text(response)


def test_an_unlisted_code_is_still_shown_as_the_active_filter(client, school):
    client.force_login(make_user(role=Membership.Role.SCHOOL_OFFICER, school=school))
    response = client.get(f"/schools/{school.urn}/pupils/?list=all&ethnicity=XYZZ")
    assert '<option value="XYZZ" selected>XYZZ</option>' in response.content.decode()
    assert "Ethnicity: XYZZ Remove" in text(response)


def test_ethnicity_labels_are_the_dfe_descriptions():
    assert ethnicity_label("ABAN") == "Asian – Bangladeshi"
    assert ethnicity_label("wbri") == "White – British"
    assert ethnicity_label("WENG") == "White – British"  # an extended code under its main code
    assert ethnicity_label("NOBT") == "Information not yet obtained"
    assert ethnicity_label("") == "Not recorded"
    assert ethnicity_label("QQQQ") == "QQQQ"
