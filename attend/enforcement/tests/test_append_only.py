"""Penalty notices and their events are evidence: the database itself refuses to change or delete them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice
from attend.registers.tests.factories import make_contact

pytestmark = pytest.mark.django_db


def _notice():
    school = make_school()
    pupil = make_pupil(school=school)
    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2024, 8, 19), sufficient_improvement="No unauthorised absence"
    )
    return PenaltyNotice.objects.create(
        number="PN-2025-000001",
        pupil=pupil,
        school=school,
        parent=make_contact(pupil),
        parent_basis="Mother, parental responsibility",
        reason=PenaltyNotice.Reason.HOLIDAY,
        issue_date=dt.date(2025, 11, 19),
        period_start=dt.date(2025, 10, 6),
        period_end=dt.date(2025, 10, 10),
        sessions=10,
        sequence=1,
        amount_reduced=Decimal("80"),
        amount_full=Decimal("160"),
        issued_by=make_user("la.officer"),
        issuer_capacity=PenaltyNotice.Capacity.LA_OFFICER,
        code=code,
    )


def test_a_notice_cannot_be_edited_or_deleted():
    notice = _notice()
    with pytest.raises(DatabaseError), transaction.atomic():
        PenaltyNotice.objects.filter(pk=notice.pk).update(amount_full=Decimal("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        PenaltyNotice.objects.filter(pk=notice.pk).delete()
    assert PenaltyNotice.objects.get(pk=notice.pk).amount_full == Decimal("160")


def test_an_event_cannot_be_edited_or_deleted():
    notice = _notice()
    event = NoticeEvent.objects.create(
        notice=notice, kind=NoticeEvent.Kind.PAYMENT, on=dt.date(2025, 11, 25), amount=Decimal("80")
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).update(amount=Decimal("8"))
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).delete()
    assert NoticeEvent.objects.get(pk=event.pk).amount == Decimal("80")
