"""Casework on the existing work list: next steps due, plan and action reviews, meetings today and consent expiring
within 14 days appear on the case officer's list with their due dates, and go when done. Today is Wednesday
19 November 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss, alerts_evaluate
from attend.alerts.worklist import work_list
from attend.casework.chronology import record_entry
from attend.casework.models import Case, Consent, Meeting, PlanAction, SupportPlan
from attend.casework.prompts import sync_case_prompts

from .caseapi_world import TODAY, at, make_caseworld

D = dt.date


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_caseworld()
    Case.objects.filter(pk=w["amy_case"].pk).update(la_officer=w["la_officer"])
    w["amy_case"].refresh_from_db()
    return w


def mine(user) -> list[str]:
    return [
        a.reason
        for row in work_list(user, "mine", TODAY).rows
        for a in row.alerts
        if a.rule.startswith("case_")
    ]


def test_a_next_step_due_is_on_the_officers_list_until_a_later_step_replaces_it(w, client):
    case = w["amy_case"]
    record_entry(case, kind="phone_call", summary="No answer", occurred_at=at(D(2025, 11, 17)),
                 outcome="no_answer", next_step="Call back", next_step_due=D(2025, 11, 18))  # fmt: skip
    record_entry(case, kind="note", summary="Not due yet", occurred_at=at(D(2025, 11, 17), 9),
                 next_step="Earlier step", next_step_due=D(2025, 12, 1))  # fmt: skip
    # Recording the entry put its item up at once (record_entry syncs its case); the nightly run finds it done.
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 0}
    assert mine(w["la_officer"]) == [f"Case {case.ref}: next step 'Call back', due 18 Nov 2025 (overdue)."]
    assert mine(w["alder_officer"]) == []  # not the case's officer
    client.force_login(w["la_officer"])
    page = client.get("/work/?list=mine").content.decode()
    assert f"Case {case.ref}: next step &#x27;Call back&#x27;, due 18 Nov 2025 (overdue)." in page
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 0}  # idempotent
    record_entry(case, kind="phone_call", summary="Spoke to mother", occurred_at=at(TODAY, 9),
                 outcome="spoke_to_parent", next_step="Meet in school", next_step_due=D(2025, 11, 26))  # fmt: skip
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 0}  # the later step cleared it at once
    assert mine(w["la_officer"]) == []


def test_reviews_meetings_today_and_consent_expiring(w):
    case = w["amy_case"]
    plan = SupportPlan.objects.create(
        case=case, started_on=D(2025, 10, 1), review_date=TODAY, goal="90% over 6 weeks"
    )
    PlanAction.objects.create(plan=plan, description="Breakfast club daily", owner="school", starts_on=D(2025, 10, 1),
                              due=D(2025, 12, 1), review_date=D(2025, 11, 14))  # fmt: skip
    PlanAction.objects.create(plan=plan, description="Done already", owner="parent", starts_on=D(2025, 10, 1),
                              due=D(2025, 11, 1), review_date=D(2025, 11, 14), status="done")  # fmt: skip
    Meeting.objects.create(
        case=case, method="telephone", purpose="parent", starts_at=at(TODAY, 14), agenda="Plan"
    )
    Meeting.objects.create(
        case=case, method="video", purpose="parent", starts_at=at(D(2025, 11, 20), 14), agenda="x"
    )
    Consent.objects.create(case=case, given_by_name="Ms Okafor (mother)", how="telephone", given_on=D(2025, 9, 1),
                           expires_on=D(2025, 12, 1))  # fmt: skip
    Consent.objects.create(case=case, given_by_name="Later", how="telephone", given_on=D(2025, 9, 1),
                           expires_on=D(2025, 12, 10))  # 21 days away  # fmt: skip
    assert sync_case_prompts(TODAY) == {"raised": 4, "cleared": 0}
    ref = case.ref
    assert sorted(mine(w["la_officer"])) == [
        f"Case {ref}: consent from Ms Okafor (mother) expires, due 1 Dec 2025.",
        f"Case {ref}: review of the action 'Breakfast club daily', due 14 Nov 2025 (overdue).",
        f"Case {ref}: review of the plan 'Attendance support plan', due 19 Nov 2025.",
        f"Case {ref}: telephone meeting at 14:00 today, due 19 Nov 2025.",
    ]
    Meeting.objects.filter(starts_at=at(TODAY, 14)).update(status="held")
    SupportPlan.objects.filter(pk=plan.pk).update(review_date=D(2025, 12, 17))
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 2}
    assert len(mine(w["la_officer"])) == 2


def test_a_dismissed_item_stays_dismissed_and_closed_cases_have_none(w):
    case = w["amy_case"]
    record_entry(case, kind="note", summary="Chase GP", occurred_at=at(D(2025, 11, 17)),
                 next_step="Chase GP letter", next_step_due=TODAY)  # fmt: skip
    sync_case_prompts(TODAY)
    alert_dismiss(
        alert=Alert.objects.get(rule="case_next_step"), reason="GP letter arrived", by=w["la_officer"]
    )
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 0}
    assert mine(w["la_officer"]) == []
    record_entry(w["kit_case"], kind="note", summary="x", occurred_at=at(D(2025, 11, 17)), next_step="y",
                 next_step_due=TODAY)  # fmt: skip
    Case.objects.filter(pk=w["kit_case"].pk).update(status="closed", close_reason="improved")
    assert sync_case_prompts(TODAY) == {"raised": 0, "cleared": 1}  # the closed case's item goes


def test_the_nightly_evaluation_syncs_the_items(w):
    record_entry(w["amy_case"], kind="note", summary="Chase GP", occurred_at=at(D(2025, 11, 17)),
                 next_step="Chase GP letter", next_step_due=TODAY)  # fmt: skip
    alerts_evaluate(as_of=TODAY)
    assert mine(w["la_officer"]) == [
        f"Case {w['amy_case'].ref}: next step 'Chase GP letter', due 19 Nov 2025."
    ]
    alerts_evaluate(as_of=D(2025, 11, 10))  # replaying a past day leaves today's items alone
    assert Alert.objects.get(rule="case_next_step").status == "new"
