"""Statutory values for penalty notices: code, not settings (issue 19; domain.md §3.1).

Sources:
- Education (Penalty Notices) (England) Regulations 2007 (SI 2007/1867) as amended by the Education (Penalty
  Notices) (England) (Amendment) Regulations 2024 (SI 2024/210), in force 19 August 2024: the amounts, the 21- and
  28-day windows, the second-notice rate and the limit of two notices per parent per child in three years.
- Education Act 1996 s444A (penalty notices) and s444B (who may issue: the head, a deputy or assistant head the
  head authorises, an LA officer the LA authorises, a constable).
- Service and deemed receipt: the 2007 Regulations reg 20 (service by hand, by leaving it at the parent's usual or
  last known address, or by first-class post) and Interpretation Act 1978 s7 with CPR 6.26 for "the second working
  day after posting". Email and text messages are not service; second-class post is never used.
- Working days exclude Saturdays, Sundays and bank holidays in England (data/bank_holidays_england_wales.csv,
  from GOV.UK).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

# SI 2024/210 reg 2: the national framework applies to notices issued on or after this day.
FRAMEWORK_START = dt.date(2024, 8, 19)
# SI 2024/210: £80 within 21 days, £160 within 28; a second notice within 3 years of the first £160 flat.
REDUCED_AMOUNT = Decimal("80.00")
FULL_AMOUNT = Decimal("160.00")
# The 2007 Regulations before amendment: £60 within 21 days, £120 within 28.
OLD_REDUCED_AMOUNT = Decimal("60.00")
OLD_FULL_AMOUNT = Decimal("120.00")
REDUCED_DAYS = 21  # counted from and including the day of receipt
FULL_DAYS = 28
LIMIT_YEARS = 3  # SI 2024/210: at most 2 notices to a parent for a child in a rolling 3 years
LIMIT_NOTICES = 2

BANK_HOLIDAYS_CSV = Path(__file__).parent / "data" / "bank_holidays_england_wales.csv"


class NotService(ValueError):
    """The method is not a lawful way to serve a penalty notice (2007 Regulations reg 20)."""


# reg 20: by hand, left at the usual or last known address, or first-class post. Nothing else is service.
SERVICE_METHODS = ("hand", "left", "post")
NEVER_SERVICE = {
    "email": "Email is not service of a penalty notice: serve it by hand, at the address or by first-class post.",
    "sms": "A text message is not service of a penalty notice: serve it by hand, at the address or by "
    "first-class post.",
    "second_class": "Penalty notices are never sent second class: use first-class post (reg 20).",
}


@dataclass(frozen=True)
class Amounts:
    reduced: Decimal | None  # payable within 21 days; None for a second notice (no reduction)
    full: Decimal  # payable within 28 days


def counts_towards_limit(issue_date: dt.date) -> bool:
    """Notices issued before 19 August 2024 do not count towards the 3-year limit (SI 2024/210 transitional)."""
    return issue_date >= FRAMEWORK_START


def amounts(issue_date: dt.date, sequence: int) -> Amounts:
    """What a notice costs. Before 19 Aug 2024: £60/£120 (2007 Regs). From then: the first to a parent for a child
    £80 within 21 days / £160 within 28; a second within 3 years of the first £160 with no reduction (SI 2024/210)."""
    if issue_date < FRAMEWORK_START:
        return Amounts(OLD_REDUCED_AMOUNT, OLD_FULL_AMOUNT)
    if sequence >= 2:
        return Amounts(None, FULL_AMOUNT)
    return Amounts(REDUCED_AMOUNT, FULL_AMOUNT)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def within_limit_period(earlier: dt.date, later: dt.date) -> bool:
    """Was `later` issued within 3 years of `earlier`? Up to the day before the third anniversary (SI 2024/210)."""
    return earlier <= later < add_years(earlier, LIMIT_YEARS)


def sequence_for(earlier_issue_dates: list[dt.date], issue_date: dt.date) -> int:
    """1, 2 or 3+ for a new notice, given the issue dates of this parent's earlier notices for the same child that
    were not withdrawn (paid and unpaid count; SI 2024/210). Only notices issued from 19 Aug 2024 count, and only
    those within the 3 years before `issue_date`. 3 or more means refused (the limit of 2)."""
    counted = [
        d for d in earlier_issue_dates if counts_towards_limit(d) and within_limit_period(d, issue_date)
    ]
    return len(counted) + 1


def payment_deadlines(received_on: dt.date) -> tuple[dt.date, dt.date]:
    """The last day for the reduced amount (day 21) and for the full amount (day 28), counted from and including
    the day of receipt (SI 2024/210: "within 21 days"/"within 28 days" of receipt)."""
    return received_on + dt.timedelta(days=REDUCED_DAYS - 1), received_on + dt.timedelta(days=FULL_DAYS - 1)


def day_of_window(received_on: dt.date, paid_on: dt.date) -> int:
    """Day 1 is the day of receipt."""
    return (paid_on - received_on).days + 1


def amount_due(issue_date: dt.date, sequence: int, received_on: dt.date, paid_on: dt.date) -> Decimal | None:
    """What discharges the notice if paid on `paid_on`: the reduced amount to day 21, the full amount to day 28,
    nothing after (unpaid: prosecute for the original offence or withdraw). Before receipt counts as day 1."""
    due = amounts(issue_date, sequence)
    day = max(1, day_of_window(received_on, paid_on))
    if day <= REDUCED_DAYS and due.reduced is not None:
        return due.reduced
    if day <= FULL_DAYS:
        return due.full
    return None


@cache
def bank_holidays() -> frozenset[dt.date]:
    with BANK_HOLIDAYS_CSV.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return frozenset(dt.date.fromisoformat(r["date"]) for r in rows)


def bank_holiday_years() -> range:
    years = sorted({d.year for d in bank_holidays()})
    return range(years[0], years[-1] + 1)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England. Refuses a year whose bank holidays are not loaded."""
    if day.year not in bank_holiday_years():
        raise ValueError(
            f"Bank holidays for {day.year} are not loaded: add them to {BANK_HOLIDAYS_CSV.name} from GOV.UK"
        )
    return day.weekday() < 5 and day not in bank_holidays()


def received_on(method: str, day: dt.date) -> dt.date:
    """The day a notice is deemed received, by the method of service (reg 20; Interpretation Act 1978 s7):
    by hand or left at the address: that day; first-class post: the second working day after posting.
    Email, SMS and second-class post are refused (NotService)."""
    if method in NEVER_SERVICE:
        raise NotService(NEVER_SERVICE[method])
    if method in ("hand", "left"):
        return day
    if method != "post":
        raise NotService(
            f"'{method}' is not a way to serve a penalty notice: by hand, at the address or post."
        )
    working = 0
    current = day
    while working < 2:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            working += 1
    return current


# EA 1996 s444B(1): who may issue. The capacity is stored on the notice (PenaltyNotice.Capacity).
CAPACITIES = {
    "headteacher": "the head teacher of the school (s444B(1)(a))",
    "authorised_staff": "a deputy or assistant head authorised by the head teacher (s444B(1)(a), reg 4)",
    "la_officer": "an officer of the local authority authorised by the authority (s444B(1)(b))",
    "police": "a constable (s444B(1)(c))",
}
NEEDS_AUTHORISATION = {"authorised_staff", "la_officer"}


def may_issue(capacity: str, *, authorised: bool) -> bool:
    """s444B: the head and a constable issue in their own right; a deputy/assistant head only when the head has
    authorised them, an LA officer only when the LA has. Anyone else may not issue."""
    if capacity not in CAPACITIES:
        return False
    return authorised or capacity not in NEEDS_AUTHORISATION
