"""Payments reconciled from the finance system's CSV file: validated first, reported by line, all or nothing, and
never applied twice (payment_reference unique)."""

import io
from decimal import Decimal

import pytest

from attend.enforcement import notice_events, notices, payments
from attend.enforcement.models import NoticeEvent

from .notices_world import D, make_world, ten_sessions

pytestmark = pytest.mark.django_db
HEADER = "notice_number,amount,paid_on,payment_reference\n"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-01-15")


@pytest.fixture
def world():
    w = make_world()
    ten_sessions(w)
    w.mum = notices.issue_notice(pupil=w.pupil, parent=w.mother, issue_date=D(2025, 11, 19), by=w.officer)
    w.dad = notices.issue_notice(pupil=w.pupil, parent=w.father, issue_date=D(2025, 11, 19), by=w.officer)
    w.gran = notices.issue_notice(
        pupil=w.pupil, parent=w.grandmother, issue_date=D(2025, 11, 19), by=w.officer
    )
    for n in (w.mum, w.dad, w.gran):
        notice_events.serve(
            n, method="hand", on=D(2025, 11, 19), served_by="A", address="1 Street", by=w.officer
        )
    return w


def upload(tmp_path, body, by):
    path = tmp_path / "payments-2025-12.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return payments.reconcile_csv(path, by)


def report(result):
    return [(line.number, line.status, line.errors, line.notes) for line in result.lines]


GOOD = (
    "PN-2025-000001,80.00,2025-12-09,BANK-001\n"  # day 21: discharged
    "PN-2025-000002,80.00,10/12/2025,BANK-002\n"  # day 22: part-payment of £160
    "PN-2025-000003,160.00,2025-12-17,BANK-003\n"  # day 29: late
)


def test_a_good_file_is_applied_and_reported_by_line(world, tmp_path):
    result = upload(tmp_path, GOOD, world.officer)
    assert not result.refused and result.applied == 3
    assert report(result) == [
        (2, "applied", [], []),
        (3, "applied", [], ["part-payment: £80.00 of £160.00 due on day 22; £80.00 still owed"]),
        (4, "applied", [], ["late payment: day 29, after the 28 days; it does not discharge the notice (refund or decide)"]),
    ]  # fmt: skip
    assert [notices.notice_status(n, D(2025, 12, 20)) for n in (world.mum, world.dad, world.gran)] == [
        "paid", "unpaid", "unpaid",
    ]  # fmt: skip
    assert NoticeEvent.objects.get(payment_reference="BANK-002").source == "payments-2025-12.csv line 3"


def test_the_same_file_twice_applies_nothing_twice(world, tmp_path):
    upload(tmp_path, GOOD, world.officer)
    again = upload(tmp_path, GOOD, world.officer)
    assert again.applied == 0 and not again.refused
    assert [line.status for line in again.lines] == ["already recorded"] * 3
    assert NoticeEvent.objects.filter(kind="payment").count() == 3


def test_an_unknown_notice_number_refuses_the_whole_file(world, tmp_path):
    result = upload(tmp_path, GOOD + "PN-2025-999999,80.00,2025-12-01,BANK-004\n", world.officer)
    assert result.refused and result.applied == 0
    assert report(result)[3] == (5, "refused", ["unknown notice number 'PN-2025-999999'"], [])
    assert [line.status for line in result.lines[:3]] == ["not applied"] * 3
    assert not NoticeEvent.objects.filter(kind="payment").exists()


def test_over_payments_and_payments_split_over_lines(world, tmp_path):
    body = (
        "PN-2025-000001,50.00,2025-11-20,B-1\n"
        "PN-2025-000001,£50.00,2025-11-21,B-2\n"  # together £100 by day 3: £20 over
    )
    result = upload(tmp_path, body, world.officer)
    assert report(result) == [
        (2, "applied", [], ["part-payment: £50.00 of £80.00 due on day 2; £30.00 still owed"]),
        (3, "applied", [], ["over-payment: £100.00 paid, £80.00 due on day 3; refund £20.00"]),
    ]
    assert notices.paid_total(world.mum) == Decimal("100.00")


@pytest.mark.parametrize(
    "line, error",
    [
        ("PN-2025-000001,eighty,2025-12-01,B-9", "'eighty' is not an amount of money"),
        ("PN-2025-000001,-5,2025-12-01,B-9", "'-5' is not an amount of money above £0 in pounds and pence"),
        (
            "PN-2025-000001,80.001,2025-12-01,B-9",
            "'80.001' is not an amount of money above £0 in pounds and pence",
        ),
        ("PN-2025-000001,80,31/02/2025,B-9", "'31/02/2025' is not a date (2025-11-19 or 19/11/2025)"),
        ("PN-2025-000001,80,2025-12-01,", "no payment reference"),
        (
            "PN-2025-000001,80,2026-02-01,B-9",
            "the payment date is before the notice was issued or in the future",
        ),
        ("PN-2025-000001,80,2025-12-01,BANK-001", "reference BANK-001 repeated (first on line 2)"),
    ],
)
def test_bad_lines_are_reported_and_nothing_is_applied(world, tmp_path, line, error):
    result = upload(tmp_path, "PN-2025-000001,80.00,2025-12-09,BANK-001\n" + line + "\n", world.officer)
    assert result.refused and result.applied == 0
    assert error in result.lines[1].errors
    assert not NoticeEvent.objects.filter(kind="payment").exists()


def test_a_withdrawn_notice_is_refused(world, tmp_path):
    notice_events.withdraw(world.mum, ground="wrong_person", on=D(2025, 11, 20), note="", by=world.officer)
    result = upload(tmp_path, "PN-2025-000001,80.00,2025-12-09,B-1\n", world.officer)
    assert result.lines[0].errors == ["notice PN-2025-000001 has been withdrawn: refund the payer"]


def test_a_file_without_the_columns_is_refused(world):
    result = payments.reconcile_csv(io.BytesIO(b"number,amount\nPN-2025-000001,80\n"), world.officer)
    assert result.errors == [
        "The file needs the columns notice_number, amount, paid_on, payment_reference; missing: notice_number, "
        "paid_on, payment_reference."
    ]
