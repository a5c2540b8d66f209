"""Recording the LA's s19 decision: its refusals, the days counted it keeps, the case chronology, the audit trail
and the work-list item it clears."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attend.alerts.models import Alert
from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry
from attend.cme import s19
from attend.cme.decisions_s19 import DecisionRefused, record_decision
from attend.cme.models import ProvisionDecision
from attend.core.tests.factories import make_la, make_user

from .s19_world import TODAY, days_coded, school_with_pupil, weekdays, write_register

pytestmark = pytest.mark.django_db
RUN = weekdays(dt.date(2025, 11, 12), dt.date(2025, 11, 19))  # six school days of E to today


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


@pytest.fixture
def officer():
    return make_user("s19officer", role="la_officer", local_authority=make_la("201"))


def ill_pupil():
    _, pupil, enrolment = school_with_pupil()
    ill = days_coded(weekdays(dt.date(2025, 10, 13), dt.date(2025, 10, 24)), "II")  # 10 days
    ill |= days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 14)), "II")  # 5 more
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, ill)
    return pupil


def excluded_pupil():
    _, pupil, enrolment = school_with_pupil(surname="Out")
    write_register(enrolment, dt.date(2025, 11, 3), TODAY, days_coded(RUN, "EE"))
    return pupil


@pytest.mark.parametrize(
    ("decision", "fields", "field", "message"),
    [
        ("not_needed", {}, "reason", "Give the reason education does not need to be arranged"),
        ("arranging", {"provision_starts": TODAY}, "provision", "Say what education is arranged"),
        (
            "arranging",
            {"provision": "Hospital school, 15 hours a week"},
            "provision_starts",
            "Enter the date",
        ),
    ],
)
def test_a_decision_without_what_it_needs_is_refused_and_changes_nothing(
    officer, decision, fields, field, message
):
    pupil = ill_pupil()
    with pytest.raises(DecisionRefused) as refused:
        record_decision(by=officer, pupil=pupil, trigger="health", decision=decision, on=TODAY, **fields)
    assert refused.value.field == field and str(refused.value).startswith(message)
    assert (
        not ProvisionDecision.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="cme.").exists()
    )


def test_a_health_decision_with_nothing_counted_is_refused(officer):
    _, pupil, enrolment = school_with_pupil(surname="Well")
    write_register(enrolment, dt.date(2025, 9, 3), TODAY)
    with pytest.raises(DecisionRefused, match="nothing counted"):
        record_decision(
            by=officer, pupil=pupil, trigger="health", decision="not_needed", reason="Well", on=TODAY
        )


def test_the_health_decision_keeps_the_count_goes_on_the_case_and_clears_the_prompt(officer):
    pupil = ill_pupil()
    s19.sync_s19_prompts(TODAY)
    assert Alert.objects.get(rule="s19_health").status == "new"

    row = record_decision(
        by=officer, pupil=pupil, trigger="health", decision="arranging", reason="Consultant's letter",
        provision="Hospital education service, 15 hours a week", provision_starts=dt.date(2025, 11, 24), on=TODAY,
    )  # fmt: skip

    assert (row.days_counted, row.counted_from, row.counted_to) == (
        Decimal(15),
        dt.date(2025, 10, 13),
        dt.date(2025, 11, 14),
    )
    assert row.local_authority.code == "201" and row.decided_by == officer
    assert Alert.objects.get(rule="s19_health").status == "cleared"
    entry = ChronologyEntry.objects.get(kind="cme")
    assert entry.case.pupil == pupil
    assert entry.summary.startswith(
        "s19 decision (Health: 15 school days missed or expected): The LA is arranging education (s19). "
        "Counted: 15 school days missed for health"
    )
    assert "Provision: Hospital education service, 15 hours a week from 24 November 2025." in entry.summary
    event = AuditEvent.objects.get(action="cme.s19_decision.recorded")
    assert describe(event).endswith("(health, 15 school days counted): arranging.")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 0}  # decided for the year


def test_the_officer_says_suspension_and_the_run_is_decided(officer):
    pupil = excluded_pupil()
    s19.sync_s19_prompts(TODAY)
    row = record_decision(
        by=officer, pupil=pupil, trigger="suspension", decision="school_providing",
        reason="The school's own alternative provision unit from day 6", on=TODAY,
    )  # fmt: skip
    assert (row.trigger, row.days_counted, row.counted_from, row.sixth_day) == (
        "suspension",
        Decimal(6),
        dt.date(2025, 11, 12),
        TODAY,
    )
    assert Alert.objects.get(rule="s19_exclusion").status == "cleared"


def test_an_exclusion_decision_with_no_sixth_day_is_refused(officer):
    _, pupil, enrolment = school_with_pupil(surname="Short")
    write_register(enrolment, dt.date(2025, 11, 3), TODAY, days_coded(RUN[:5], "EE"))
    with pytest.raises(DecisionRefused, match="nothing counted"):
        record_decision(by=officer, pupil=pupil, trigger="exclusion", decision="arranging", provision="PRU",
                        provision_starts=TODAY, on=TODAY)  # fmt: skip
