"""Service, payments, refunds, status and the 28-day decision (SI 2024/210; 2007 Regulations reg 20): windows
counted from and including the day of receipt; £80 on day 22 does not discharge; paid in full stops escalation."""

from decimal import Decimal

import pytest

from attend.alerts.models import Alert
from attend.enforcement import notice_events, notices, payments
from attend.enforcement.models import NoticeEvent

from .notices_world import D, make_world, ten_sessions

pytestmark = pytest.mark.django_db
RECEIVED = D(2025, 11, 19)  # served by hand: day 1
DAY21, DAY22, DAY28, DAY29 = D(2025, 12, 9), D(2025, 12, 10), D(2025, 12, 16), D(2025, 12, 17)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-01-15")


@pytest.fixture
def world():
    w = make_world()
    ten_sessions(w)
    w.notice = notices.issue_notice(pupil=w.pupil, parent=w.mother, issue_date=RECEIVED, by=w.officer)
    return w


def serve(w, method="hand", on=RECEIVED):
    return notice_events.serve(
        w.notice,
        method=method,
        on=on,
        served_by="A. Officer",
        address="1 Pretend Street, ZZ1 1ZZ",
        by=w.officer,
    )


def pay(w, amount, on, ref):
    return payments.record_payment(w.notice, amount=Decimal(amount), on=on, reference=ref, by=w.officer)


def status(w, on):
    return notices.notice_status(w.notice, on)


def test_service_by_hand_and_by_first_class_post(world):
    event = serve(world, "post", D(2025, 11, 20))  # Thursday
    assert event.received_on == D(2025, 11, 24)  # Monday: the second working day after posting
    assert status(world, D(2025, 11, 21)) == "served"
    assert notices.due_dates(world.notice)["reduced"]["pay_by"] == D(2025, 12, 14)
    with pytest.raises(notice_events.EventRefused, match="already been served"):
        serve(world)
    entry = world.notice.case.entries.filter(summary__contains="served").get()
    assert "received 24/11/2025" in entry.summary


@pytest.mark.parametrize("method", ["email", "sms", "second_class"])
def test_email_sms_and_second_class_are_refused_as_service(world, method):
    with pytest.raises(notice_events.EventRefused):
        serve(world, method)
    assert not NoticeEvent.objects.exists()
    assert status(world, RECEIVED) == "issued"


def test_80_on_day_21_discharges(world):
    serve(world)
    _, notes = pay(world, "80.00", DAY21, "REF-1")
    assert notes == []
    assert status(world, DAY21) == "paid"
    assert notices.outstanding(world.notice, DAY29) == Decimal("0.00")


def test_80_on_day_22_is_a_part_payment_of_160(world):
    serve(world)
    assert notices.outstanding(world.notice, DAY21) == Decimal("80.00")
    assert notices.outstanding(world.notice, DAY22) == Decimal("160.00")
    _, notes = pay(world, "80.00", DAY22, "REF-1")
    assert notes == ["part-payment: £80.00 of £160.00 due on day 22; £80.00 still owed"]
    assert status(world, DAY28) == "part-paid"
    assert status(world, DAY29) == "unpaid"
    assert notices.outstanding(world.notice, DAY29) == Decimal("80.00")


def test_160_on_day_28_discharges_and_on_day_29_is_late(world):
    serve(world)
    _, notes = pay(world, "160.00", DAY29, "REF-LATE")
    assert notes == [
        "late payment: day 29, after the 28 days; it does not discharge the notice (refund or decide)"
    ]
    assert status(world, DAY29) == "unpaid"
    other = make_second(world)
    _, notes = payments.record_payment(
        other, amount=Decimal("160"), on=DAY28, reference="REF-2", by=world.officer
    )
    assert notes == [] and notices.notice_status(other, DAY28) == "paid"


def make_second(w):
    notice = notices.issue_notice(pupil=w.pupil, parent=w.father, issue_date=RECEIVED, by=w.officer)
    notice_events.serve(notice, method="hand", on=RECEIVED, served_by="A", address="2 Road", by=w.officer)
    return notice


def test_over_payment_is_reported_and_a_refund_recorded(world):
    serve(world)
    _, notes = pay(world, "100.00", D(2025, 11, 25), "REF-1")
    assert notes == ["over-payment: £100.00 paid, £80.00 due on day 7; refund £20.00"]
    payments.record_refund(
        world.notice,
        amount=Decimal("20"),
        on=D(2025, 11, 28),
        reference="RF-1",
        note="Over-payment",
        by=world.officer,
    )
    assert status(world, D(2025, 12, 1)) == "paid"
    assert notices.paid_total(world.notice) == Decimal("80.00")
    with pytest.raises(notice_events.EventRefused, match="Only £80.00"):
        payments.record_refund(
            world.notice, amount=Decimal("81"), on=D(2025, 11, 28), reference="", note="", by=world.officer
        )


def test_a_payment_reference_is_used_once(world):
    serve(world)
    pay(world, "40.00", D(2025, 11, 20), "REF-1")
    with pytest.raises(notice_events.EventRefused, match="already recorded"):
        pay(world, "40.00", D(2025, 11, 21), "REF-1")
    assert notices.paid_total(world.notice) == Decimal("40.00")


def test_unpaid_after_28_days_a_decision_is_required_on_the_work_list(world):
    serve(world)
    assert notice_events.sync_notice_decisions(DAY28) == {"raised": 0, "cleared": 0}
    assert notice_events.sync_notice_decisions(DAY29) == {"raised": 1, "cleared": 0}
    alert = Alert.objects.get(rule="notice_decision")
    assert alert.reason == (
        "Penalty notice PN-2025-000001 to Mia Fakeperson unpaid after 28 days (due by 16/12/2025): decide to "
        "prosecute for the original offence or withdraw it."
    )
    notice_events.decide_prosecute(world.notice, on=D(2026, 1, 5), note="No engagement", by=world.officer)
    assert status(world, D(2026, 1, 5)) == "prosecuted"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLEARED


def test_withdrawal_on_a_closed_ground(world):
    serve(world)
    with pytest.raises(notice_events.EventRefused, match="only for a notice unpaid"):
        notice_events.withdraw(world.notice, ground="unpaid", on=DAY21, note="", by=world.officer)
    notice_events.sync_notice_decisions(DAY29)
    notice_events.withdraw(
        world.notice, ground="unpaid", on=D(2026, 1, 5), note="Not in the public interest", by=world.officer
    )
    assert status(world, D(2026, 1, 5)) == "withdrawn"
    assert Alert.objects.get(rule="notice_decision").status == Alert.Status.CLEARED
    with pytest.raises(notice_events.EventRefused, match="ground"):
        notice_events.withdraw(
            make_second(world), ground="bored", on=D(2026, 1, 5), note="", by=world.officer
        )


def test_paid_in_full_stops_every_escalation_step(world):
    serve(world)
    pay(world, "80.00", DAY21, "REF-1")
    assert notice_events.sync_notice_decisions(DAY29)["raised"] == 0
    with pytest.raises(notice_events.EventRefused, match="is paid"):
        notice_events.decide_prosecute(world.notice, on=D(2026, 1, 5), note="x", by=world.officer)
    with pytest.raises(notice_events.EventRefused):
        notice_events.withdraw(world.notice, ground="unpaid", on=D(2026, 1, 5), note="", by=world.officer)


def test_a_second_notice_has_no_reduction_on_day_1(world):
    serve(world)
    assert notices.outstanding(world.notice, RECEIVED) == Decimal("80.00")
    notice = notices.issue_notice(
        pupil=world.pupil, parent=world.father, issue_date=RECEIVED, by=world.officer
    )
    assert notices.due_dates(notice)["reduced"]["pay_by"] is None
