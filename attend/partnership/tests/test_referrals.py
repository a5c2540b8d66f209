"""Referrals to the services directory: the rules (consent or a lawful basis, inactive services, safeguarding never
blocked for want of consent), the dated steps on the chronology and the audit trail, and the no-reply reminder on
the work list. Today is Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss, alerts_evaluate
from attend.alerts.worklist import work_list
from attend.audit.models import AuditEvent
from attend.casework.models import ChronologyEntry
from attend.directory.models import Service
from attend.partnership.demo_referrals import SERVICES, seed_services_directory
from attend.partnership.models import Referral, ReferralUpdate
from attend.partnership.referrals import (
    ReferralRefused,
    referral_make,
    referral_update,
    sync_referral_reminders,
)

from .referrals_world import TODAY, make_referrals_world

D = dt.date


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    return make_referrals_world()


def refer(w, service, **kwargs):
    args = {"reason": "Anxiety about school mornings", "consent_given_by": "Grace Okafor (mother)",
            "consent_given_on": D(2025, 11, 18)}  # fmt: skip
    args.update(kwargs)
    return referral_make(w["case"], by=w["officer"], service=service, **args)


def entries(w) -> list[str]:
    return list(
        ChronologyEntry.objects.filter(case=w["case"], kind="referral")
        .order_by("pk")
        .values_list("summary", flat=True)
    )


def test_the_demo_directory_has_the_local_services_with_synthetic_contacts(w):
    la_services = Service.objects.filter(local_authority=w["la"])
    assert la_services.count() == 16
    assert la_services.filter(active=True).count() == 15
    for service in la_services:
        assert "example.org" in service.contact
    assert la_services.filter(contact__contains="01632 960").count() == 15
    assert set(la_services.values_list("kind", flat=True)) >= {
        "education_support", "cme", "ehe", "grt", "child_employment", "early_help", "social_care", "camhs",
        "school_nursing", "young_carers", "virtual_school", "youth_justice", "send", "housing",
    }  # fmt: skip
    assert w["camhs"].reply_within_days == 20 and w["camhs"].consent_required
    assert seed_services_directory(w["la"]) == len(SERVICES)  # again: the same services, none added
    assert la_services.count() == 16


def test_a_referral_with_consent_is_sent_and_on_the_chronology_and_audit_trail(w):
    referral = refer(w, w["early_help"])
    assert referral.status == "sent" and referral.sent_on == TODAY and referral.lawful_basis == ""
    assert entries(w) == [
        "Referred to Early Help hub (with consent from Grace Okafor (mother) on 18 November 2025). "
        "Reason: Anxiety about school mornings"
    ]
    assert list(ReferralUpdate.objects.values_list("status", "on")) == [("sent", TODAY)]
    event = AuditEvent.objects.get(action="casework.referral.made")
    assert event.data["service"] == "Early Help hub" and event.data["consent"] is True


def test_a_referral_to_an_inactive_service_is_refused(w):
    with pytest.raises(ReferralRefused, match="no longer active"):
        refer(w, w["closed"])
    assert Referral.objects.count() == 0 and entries(w) == []


def test_a_referral_to_another_las_service_is_refused(w):
    with pytest.raises(ReferralRefused, match="directory"):
        refer(w, w["south_service"])


def test_without_consent_a_service_that_requires_it_refuses_with_the_reason(w):
    with pytest.raises(ReferralRefused) as refused:
        refer(w, w["camhs"], consent_given_by="", consent_given_on=None, lawful_basis="public_task")
    assert "accepts referrals only with the family's consent" in str(refused.value)
    assert refused.value.field == "consent_given_by"
    assert Referral.objects.count() == 0 and not AuditEvent.objects.filter(action="casework.referral.made")


@pytest.mark.parametrize("service", ["mash", "police"])
def test_a_safeguarding_referral_is_never_blocked_for_want_of_consent(w, service):
    referral = refer(w, w[service], consent_given_by="", consent_given_on=None)
    assert referral.safeguarding and referral.lawful_basis == "s47"
    assert "without consent: Safeguarding: Children Act 1989 section 47" in entries(w)[0]


def test_a_safeguarding_referral_keeps_the_basis_given(w):
    Service.objects.filter(pk=w["mash"].pk).update(consent_required=True)  # even if someone ticked it
    w["mash"].refresh_from_db()
    referral = refer(w, w["mash"], consent_given_by="", consent_given_on=None, lawful_basis="s17")
    assert referral.status == "sent" and referral.lawful_basis == "s17"


def test_without_consent_a_lawful_basis_is_needed(w):
    with pytest.raises(ReferralRefused, match="lawful basis"):
        refer(w, w["cme"], consent_given_by="", consent_given_on=None)
    referral = refer(
        w, w["cme"], consent_given_by="", consent_given_on=None, lawful_basis="legal_obligation",
        lawful_basis_note="Whereabouts unknown after 10 days' absence",
    )  # fmt: skip
    assert referral.lawful_basis == "legal_obligation" and not referral.with_consent


def test_consent_needs_who_and_when_and_not_a_future_date(w):
    with pytest.raises(ReferralRefused, match="both who gave consent and when"):
        refer(w, w["early_help"], consent_given_on=None)
    with pytest.raises(ReferralRefused, match="future"):
        refer(w, w["early_help"], consent_given_on=D(2025, 11, 20))


def test_dated_updates_go_on_the_chronology_and_closing_needs_an_outcome(w):
    referral = refer(w, w["early_help"], sent_on=D(2025, 11, 3))
    referral_update(
        referral, by=w["officer"], status="accepted", on=D(2025, 11, 10), note="Allocated to Jess"
    )
    assert referral.status == "accepted" and referral.replied_on == D(2025, 11, 10)
    with pytest.raises(ReferralRefused, match="outcome"):
        referral_update(referral, by=w["officer"], status="closed", on=TODAY)
    with pytest.raises(ReferralRefused, match="can only become: closed"):
        referral_update(referral, by=w["officer"], status="declined", on=TODAY)
    with pytest.raises(ReferralRefused, match="before the referral was sent"):
        referral_update(referral, by=w["officer"], status="closed", on=D(2025, 11, 1), outcome="x")
    referral_update(
        referral, by=w["officer"], status="closed", on=TODAY, outcome="Six sessions of family support"
    )
    assert referral.status == "closed" and referral.outcome == "Six sessions of family support"
    assert entries(w)[1:] == [
        "Referral to Early Help hub accepted. Allocated to Jess",
        "Referral to Early Help hub closed. Outcome: Six sessions of family support",
    ]
    assert list(referral.updates.values_list("status", "on")) == [
        ("sent", D(2025, 11, 3)), ("accepted", D(2025, 11, 10)), ("closed", TODAY),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="casework.referral.updated").count() == 2


def reminders(w) -> list[str]:
    return [
        a.reason
        for row in work_list(w["officer"], "mine", TODAY).rows
        for a in row.alerts
        if a.rule == "referral_no_reply"
    ]


def test_no_reply_within_the_services_days_puts_a_reminder_on_the_officers_list(w):
    late = refer(w, w["camhs"], sent_on=D(2025, 10, 20))  # replies within 20 days: due 9 November
    refer(w, w["early_help"], sent_on=D(2025, 11, 10))  # within 14 days: due 24 November
    refer(w, w["cme"], sent_on=D(2025, 11, 17))  # within 2 days: due 19 November, not past yet
    alerts_evaluate(as_of=TODAY)  # the nightly run calls the sync
    assert reminders(w) == [
        f"Case {w['case'].ref}: no reply from Mental Health Support Team in schools (CAMHS) to the referral sent "
        "20 October 2025; it replies within 20 days (due 9 November 2025)."
    ]
    assert sync_referral_reminders(TODAY) == {"raised": 0, "cleared": 0}  # once only
    referral_update(late, by=w["officer"], status="accepted", on=TODAY)
    assert reminders(w) == []
    assert Alert.objects.get(rule="referral_no_reply").status == "cleared"


def test_a_dismissed_reminder_stays_dismissed(w):
    refer(w, w["camhs"], sent_on=D(2025, 10, 20))
    sync_referral_reminders(TODAY)
    alert = Alert.objects.get(rule="referral_no_reply")
    alert_dismiss(alert=alert, by=w["officer"], reason="Chased by phone; reply promised Friday")
    assert sync_referral_reminders(TODAY) == {"raised": 0, "cleared": 0}
    assert reminders(w) == []
