"""The work-list prompt `cme_enquiry_due` (sync_enquiry_prompts) and the /cme/ panel (index_panel)."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss
from attend.cme.enquiries import close_enquiry, index_panel, open_enquiry, record_check, sync_enquiry_prompts

from .enquiries_world import TODAY, at, make_enquiry_world

pytestmark = pytest.mark.django_db
MON, TUE, WED = dt.date(2025, 11, 17), dt.date(2025, 11, 18), dt.date(2025, 11, 19)


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    world = make_enquiry_world()
    world["enquiry"] = open_enquiry(by=world["la_officer"], source="school", pupil=world["amy"], at=at(MON),
                                    concern="Not seen since half term")  # fmt: skip
    return world


def due(status=("new", "acknowledged", "linked")) -> list[Alert]:
    return list(Alert.objects.filter(rule="cme_enquiry_due", status__in=status).order_by("id"))


def test_no_enquiry_two_school_days_after_opening_is_prompted(w):
    assert sync_enquiry_prompts(TUE) == {"raised": 0, "cleared": 0}  # one school day
    assert sync_enquiry_prompts(WED) == {"raised": 1, "cleared": 0}
    [alert] = due()
    assert (alert.pupil, alert.school, alert.rule) == (w["amy"], w["alder"], "cme_enquiry_due")
    assert alert.reason == "Enquiry CME-000001 opened 2 school days ago and no enquiry is recorded yet."
    assert alert.details["url"] == "/cme/enquiries/CME-000001/"
    assert sync_enquiry_prompts(WED) == {"raised": 0, "cleared": 0}  # once


def test_a_weekend_is_not_school_days(w):
    w["enquiry"].opened_at = at(dt.date(2025, 11, 14))  # a Friday
    w["enquiry"].save(update_fields=["opened_at"])
    assert sync_enquiry_prompts(dt.date(2025, 11, 16))["raised"] == 0  # Sunday
    assert sync_enquiry_prompts(MON)["raised"] == 0
    assert sync_enquiry_prompts(TUE)["raised"] == 1


def test_recording_an_enquiry_clears_it_and_five_school_days_later_it_returns(w):
    sync_enquiry_prompts(WED)
    record_check(w["enquiry"], by=w["school_officer"], kind="contacts", party="school", done_on=WED,
                 done_by_name="Sam Patel", result="No answer")  # fmt: skip
    assert due() == [] and Alert.objects.get(rule="cme_enquiry_due").status == "cleared"
    assert sync_enquiry_prompts(dt.date(2025, 11, 25))["raised"] == 0  # 4 school days after
    assert sync_enquiry_prompts(dt.date(2025, 11, 26))["raised"] == 1  # 5
    [alert] = due()
    assert alert.reason.startswith(
        "Enquiry CME-000001: the last reasonable enquiry was on 19 November 2025, 5 "
    )


def test_closing_clears_it(w):
    sync_enquiry_prompts(WED)
    close_enquiry(w["enquiry"], by=w["la_officer"], outcome="left_country", on=WED, note="")
    assert due() == []


def test_a_dismissed_prompt_stays_dismissed(w):
    sync_enquiry_prompts(WED)
    [alert] = due()
    alert_dismiss(alert=alert, by=w["la_officer"], reason="Police are making enquiries this week")
    assert sync_enquiry_prompts(WED) == {"raised": 0, "cleared": 0}
    assert due() == []


def test_the_panel_shows_open_enquiries_and_closed_this_term_by_outcome(w):
    record_check(w["enquiry"], by=w["school_officer"], kind="contacts", party="school", done_on=TUE,
                 done_by_name="Sam Patel", result="No answer")  # fmt: skip
    other = open_enquiry(by=w["la_officer"], source="by_hand", child={"surname": "Nowak"}, lives_in_la=w["north"],
                         concern="Seen in town in school hours", at=at(dt.date(2025, 9, 8)))  # fmt: skip
    close_enquiry(other, by=w["la_officer"], outcome="left_country", on=dt.date(2025, 9, 30), note="")
    old = open_enquiry(by=w["la_officer"], source="by_hand", child={"surname": "Old"}, lives_in_la=w["north"],
                       concern="Last year", at=at(dt.date(2025, 6, 2)))  # fmt: skip
    ben = open_enquiry(by=w["south_officer"], source="school", pupil=w["ben"], concern="Southshire's")
    panel = index_panel(w["la_officer"], TODAY)
    assert [(e.ref, e.days_open, e.last_check) for e in panel["enquiries_open"]] == [
        (old.ref, 170, None), (w["enquiry"].ref, 2, TUE)]  # fmt: skip
    assert panel["enquiries_closed_by_outcome"] == [("Left the country", 1)]
    assert ben.ref not in [e.ref for e in panel["enquiries_open"]]
    school_panel = index_panel(w["school_officer"], TODAY)
    assert [e.ref for e in school_panel["enquiries_open"]] == [w["enquiry"].ref]
    assert school_panel["enquiries_closed_total"] == 0
