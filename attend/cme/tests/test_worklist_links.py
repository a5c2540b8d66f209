"""Each CME item on the work list links to the page where it is dealt with, for those who may act there."""

from __future__ import annotations

import pytest

from attend.alerts.events import raise_prompt
from attend.cme.templatetags.cme_links import action_for

from .enquiries_world import TODAY, make_enquiry_world
from .test_enquiries_pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_enquiry_world()


def _item(w, rule, details):
    enrolment = w["amy"].enrolments.get()
    return raise_prompt(
        rule=rule, key="k", enrolment=enrolment, today=TODAY, reason=f"{rule} reason", details=details
    )


def test_each_item_links_to_its_page(w):
    lee, upn = w["la_officer"], w["amy"].upn
    assert action_for(w["alert"], lee) == (f"/cme/enquiries/new/?alert={w['alert'].pk}",
                                           "Start a children missing education enquiry")  # fmt: skip
    s19 = _item(w, "s19_exclusion", {"trigger": "exclusion", "run_start": "2025-11-10"})
    assert action_for(s19, lee) == (
        f"/cme/s19/{upn}/decide/?trigger=exclusion&run=2025-11-10",
        "Record the s19 decision",
    )
    deletion = _item(w, "deletion_ground_missing", {"deletion_id": 7})
    assert action_for(deletion, lee) == ("/cme/deletions/7/", "Open the deletion return")
    cluster = _item(w, "off_rolling_concern", {"census": "2025-10-02", "count": 3})
    assert action_for(cluster, lee) == (
        f"/cme/deletions/?school={w['alder'].urn}",
        "See the school's deletion returns",
    )
    ehe = _item(w, "ehe_contact_due", {"ehe_ref": "EHE-000001", "due": "2025-11-19"})
    assert action_for(ehe, lee) == ("/cme/home-education/EHE-000001/", "Record a contact with the family")
    # A school officer does not decide s19 provision or keep the LA's home education record.
    assert action_for(s19, w["school_officer"]) is None and action_for(ehe, w["school_officer"]) is None


def test_the_pupils_work_page_shows_the_link(client, w):
    _item(w, "s19_health", {"trigger": "health", "days": "15.0"})
    client.force_login(w["la_officer"])
    page = text(client.get(f"/work/pupils/{w['amy'].upn}/"))
    assert "Record the s19 decision" in page and "Start a children missing education enquiry" in page
