"""Statutory values for penalty notices (SI 2024/210; EA 1996 s444B; 2007 Regulations reg 20), at their boundaries."""

import datetime as dt
from decimal import Decimal

import pytest

from attend.enforcement import statute

D = dt.date


def test_amounts_from_19_august_2024_first_and_second():
    assert statute.amounts(D(2024, 8, 19), 1) == statute.Amounts(Decimal("80.00"), Decimal("160.00"))
    # A second notice to the same parent for the same child within 3 years: £160 flat, no reduction.
    assert statute.amounts(D(2025, 11, 19), 2) == statute.Amounts(None, Decimal("160.00"))


def test_amounts_before_19_august_2024_are_the_old_ones():
    assert statute.amounts(D(2024, 8, 18), 1) == statute.Amounts(Decimal("60.00"), Decimal("120.00"))
    assert statute.amounts(D(2024, 8, 18), 2) == statute.Amounts(Decimal("60.00"), Decimal("120.00"))


def test_notices_before_the_framework_do_not_count_towards_the_limit():
    assert statute.counts_towards_limit(D(2024, 8, 18)) is False
    assert statute.counts_towards_limit(D(2024, 8, 19)) is True
    assert statute.sequence_for([D(2024, 8, 18), D(2024, 7, 1)], D(2025, 11, 19)) == 1


def test_sequence_inside_and_just_outside_three_years():
    first = D(2024, 9, 2)
    assert statute.sequence_for([first], D(2027, 9, 1)) == 2  # the last day within 3 years
    assert statute.sequence_for([first], D(2027, 9, 2)) == 1  # the third anniversary: outside
    assert statute.sequence_for([first, D(2025, 3, 3)], D(2027, 9, 1)) == 3  # a third: refused by the caller
    assert statute.sequence_for([first, D(2025, 3, 3)], D(2027, 9, 2)) == 2  # the first has dropped out


def test_29_february_anniversary_is_28_february():
    assert statute.add_years(D(2028, 2, 29), 3) == D(2031, 2, 28)


def test_payment_windows_count_from_and_including_the_day_of_receipt():
    received = D(2025, 11, 20)
    assert statute.payment_deadlines(received) == (D(2025, 12, 10), D(2025, 12, 17))
    day21, day22 = D(2025, 12, 10), D(2025, 12, 11)
    day28, day29 = D(2025, 12, 17), D(2025, 12, 18)
    assert statute.day_of_window(received, received) == 1
    assert statute.day_of_window(received, day21) == 21
    issue = D(2025, 11, 19)
    assert statute.amount_due(issue, 1, received, day21) == Decimal("80.00")
    assert statute.amount_due(issue, 1, received, day22) == Decimal("160.00")
    assert statute.amount_due(issue, 1, received, day28) == Decimal("160.00")
    assert statute.amount_due(issue, 1, received, day29) is None
    assert statute.amount_due(issue, 2, received, day21) == Decimal("160.00")  # second: no reduction


@pytest.mark.parametrize("method", ["hand", "left"])
def test_hand_and_left_at_the_address_are_received_that_day(method):
    assert statute.received_on(method, D(2025, 11, 19)) == D(2025, 11, 19)


@pytest.mark.parametrize(
    "posted, received",
    [
        (D(2025, 11, 19), D(2025, 11, 21)),  # Wednesday -> Friday
        (D(2025, 11, 20), D(2025, 11, 24)),  # Thursday -> Monday (the weekend is not a working day)
        (D(2025, 11, 21), D(2025, 11, 25)),  # Friday -> Tuesday
        (D(2025, 11, 22), D(2025, 11, 25)),  # Saturday -> Tuesday
        (D(2025, 12, 23), D(2025, 12, 29)),  # Christmas and Boxing Day are bank holidays
        (D(2026, 4, 2), D(2026, 4, 8)),  # Good Friday and Easter Monday 2026
        (D(2026, 5, 22), D(2026, 5, 27)),  # spring bank holiday
    ],
)
def test_first_class_post_is_received_the_second_working_day_after_posting(posted, received):
    assert statute.received_on("post", posted) == received


@pytest.mark.parametrize("method", ["email", "sms", "second_class", "fax"])
def test_email_sms_and_second_class_are_never_service(method):
    with pytest.raises(statute.NotService):
        statute.received_on(method, D(2025, 11, 19))


def test_a_year_without_bank_holidays_is_refused_not_guessed():
    with pytest.raises(ValueError, match="2031"):
        statute.received_on("post", D(2031, 1, 6))


def test_who_may_issue_s444b():
    assert statute.may_issue("headteacher", authorised=False)
    assert statute.may_issue("police", authorised=False)
    assert not statute.may_issue("authorised_staff", authorised=False)
    assert statute.may_issue("authorised_staff", authorised=True)
    assert not statute.may_issue("la_officer", authorised=False)
    assert statute.may_issue("la_officer", authorised=True)
    assert not statute.may_issue("school_officer", authorised=True)


def test_bank_holiday_list_covers_2024_to_2027():
    assert statute.bank_holiday_years() == range(2024, 2028)
    assert len(statute.bank_holidays()) == 32
