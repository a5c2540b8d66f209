"""The enforcement register and the PRM return: exact figures from notices' events, at the day boundaries."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from attend.core.tests.factories import make_la, make_school
from attend.enforcement import register
from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice

from .court_world import make_world

pytestmark = pytest.mark.django_db
D = dt.date
K = NoticeEvent.Kind
RECEIVED = D(2025, 10, 1)  # day 21 is 21 October, day 22 is 22 October, day 28 is 28 October
_numbers = itertools.count(1)


ISSUED = D(2025, 9, 29)


def _notice(w, *, reason="other", second=False, issue=ISSUED, school=None, served=True):
    notice = PenaltyNotice.objects.create(
        number=f"PN-2025-{next(_numbers):06d}",
        pupil=w["pupil"],
        school=school or w["school"],
        parent=w["mother"],
        parent_basis="Mother, parental responsibility",
        reason=reason,
        issue_date=issue,
        period_start=D(2025, 9, 8),
        period_end=D(2025, 9, 19),
        sessions=10,
        sequence=2 if second else 1,
        amount_reduced=None if second else Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=w["officer"],
        issuer_capacity=PenaltyNotice.Capacity.LA_OFFICER,
        code=w["code"],
    )
    if served:
        NoticeEvent.objects.create(
            notice=notice, kind=K.SERVED, on=RECEIVED, method="hand", received_on=RECEIVED
        )
    return notice


def _pay(notice, on, amount, kind=K.PAYMENT):
    NoticeEvent.objects.create(notice=notice, kind=kind, on=on, amount=Decimal(amount))


@pytest.fixture
def w(monkeypatch):
    w = make_world(monkeypatch)
    w["code"] = CodeOfConduct.objects.create(
        version=1, effective_from=D(2024, 8, 19), sufficient_improvement="-"
    )
    return w


def test_paid_within_21_days_and_in_days_22_to_28_at_the_boundaries(w):
    _pay(_notice(w, reason="holiday"), D(2025, 10, 21), "80")  # day 21: reduced amount discharges
    _pay(_notice(w, reason="holiday"), D(2025, 10, 22), "80")  # day 22: £80 does not discharge
    _pay(_notice(w, reason="late"), D(2025, 10, 22), "160")  # day 22, full: days 22-28
    _pay(_notice(w), D(2025, 10, 28), "160")  # day 28: days 22-28
    _pay(_notice(w), D(2025, 10, 29), "160")  # day 29: too late for either
    _pay(_notice(w, second=True), D(2025, 10, 10), "160")  # a second notice, full amount in 21 days
    refunded = _notice(w)
    _pay(refunded, D(2025, 10, 5), "80")
    _pay(refunded, D(2025, 10, 6), "80", kind=K.REFUND)  # refunded: not paid
    prm = register.prm_return(None, 2025)
    assert prm.issued == {"holiday": 2, "late": 1, "other": 4}
    assert (prm.paid_within_21, prm.paid_22_to_28) == (2, 2)


def test_withdrawn_by_ground_and_prosecuted_for_non_payment(w):
    for ground in ("code", "wrong_person", "wrong_person", "unpaid"):
        notice = _notice(w)
        NoticeEvent.objects.create(notice=notice, kind=K.WITHDRAWN, on=D(2025, 11, 3), ground=ground)
    prosecuted = _notice(w)
    NoticeEvent.objects.create(notice=prosecuted, kind=K.PROSECUTE, on=D(2025, 11, 3))
    prm = register.prm_return(None, 2025)
    assert prm.withdrawn == {"code": 1, "wrong_person": 2, "unpaid": 1}
    assert prm.prosecuted_non_payment == 1
    rows = dict(prm.rows())
    assert rows["Withdrawn"] == 4 and rows["Withdrawn: Issued to the wrong person"] == 2
    assert rows["Penalty notices issued"] == 5


def test_the_academic_year_runs_1_september_to_31_august(w):
    _notice(w, issue=D(2025, 8, 31))
    _notice(w, issue=D(2025, 9, 1))
    _notice(w, issue=D(2026, 8, 31))
    _notice(w, issue=D(2026, 9, 1))
    assert register.prm_return(None, 2024).issued_total == 1
    assert register.prm_return(None, 2025).issued_total == 2


def test_outstanding_amounts_and_statuses_by_school(w):
    other_school = make_school(la=w["la"], name="Hillside Academy")
    part = _notice(w)
    _pay(part, D(2025, 10, 25), "50")  # part-paid: 110 outstanding
    _notice(w, served=False)  # not served: 160 outstanding
    _pay(_notice(w, school=other_school), D(2025, 10, 2), "80")  # paid
    elsewhere = make_school(la=make_la(code="999", name="Elsewhere"))
    _notice(w, school=elsewhere)  # another LA: not in this LA's register
    rows = {
        (r["school"], r["status"]): r
        for r in register.register_summary(w["la"])
        if r["kind"] == "Penalty notice"
    }
    assert rows[("Riverside Primary", "Unpaid")]["outstanding"] == Decimal("110")
    assert rows[("Riverside Primary", "Unpaid")]["paid"] == Decimal("50")
    assert rows[("Riverside Primary", "Not yet served")]["outstanding"] == Decimal("160")
    assert rows[("Hillside Academy", "Paid within 21 days")]["outstanding"] == Decimal("0")
    assert ("Elsewhere", "Unpaid") not in rows
    assert register.totals(register.register_summary(w["la"])) == {
        "notices": 3,
        "paid_total": Decimal("130"),
        "outstanding_total": Decimal("270"),
    }
