"""The LA's enforcement register and DfE's parental responsibility measures (PRM) return, by aggregate queries.

Nothing here loops over notices in Python: a notice's payments are worked out in SQL from its `NoticeEvent` rows
(PAYMENT less REFUND events, dated against the SERVED event's `received_on`; register_sql.py), grouped in SQL, so
20,000 notices take well under a second (bench/enforcement_register.py).

- Paid within 21 days: by the 21st day counted from and including the day of receipt (received_on + 20), the net
  payments reach the reduced amount (the full amount for a second notice, which has none). Paid in days 22-28:
  not that, but by received_on + 27 the net payments reach the full amount. (SI 2024/210; the 2007 Regulations
  reg 7 as amended; DfE "Parental responsibility measures" statistics categories.)
- Withdrawn: a WITHDRAWN event, by its ground (the 2007 Regulations reg 15 as amended; the return's categories).
- Prosecuted for non-payment: a PROSECUTE event, or a prosecution whose basis is the unpaid notice.
- Outstanding: for a notice neither paid (as above), withdrawn nor prosecuted, the full amount less net payments.
- The return's year is the academic year (1 September to 31 August) of the notice's issue date; contracts by their
  start, parenting orders by the outcome date, education supervision orders by the date made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from attend.schools.models import School

from . import register_sql
from .models import (
    AttendanceContract,
    NoticeEvent,
    NoticeToImprove,
    PenaltyNotice,
    Prosecution,
    SupervisionOrder,
)

K = NoticeEvent.Kind


def academic_year(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _la_notices(la):
    qs = PenaltyNotice.objects.all()
    return qs if la is None else qs.filter(school__local_authority=la)


def _la_cases(la, prefix: str = "case__") -> Q:
    if la is None:
        return Q()
    return Q(**{f"{prefix}local_authority": la}) | Q(**{f"{prefix}school__local_authority": la})


@dataclass
class PrmReturn:
    year: int
    issued: dict[str, int] = field(default_factory=dict)
    paid_within_21: int = 0
    paid_22_to_28: int = 0
    withdrawn: dict[str, int] = field(default_factory=dict)
    prosecuted_non_payment: int = 0
    contracts_offered: int = 0
    contracts_agreed: int = 0
    parenting_orders: int = 0
    esos_applied: int = 0
    esos_made: int = 0

    @property
    def issued_total(self) -> int:
        return sum(self.issued.values())

    def rows(self) -> list[tuple[str, int]]:
        """The return's lines, in the order DfE publishes them."""
        reasons = dict(PenaltyNotice.Reason.choices)
        grounds = dict(NoticeEvent.WithdrawalGround.choices)
        return [
            ("Penalty notices issued", self.issued_total),
            *[(f"Issued: {reasons[r]}", self.issued.get(r, 0)) for r in PenaltyNotice.Reason.values],
            ("Paid within 21 days", self.paid_within_21),
            ("Paid in days 22 to 28", self.paid_22_to_28),
            ("Withdrawn", sum(self.withdrawn.values())),
            *[
                (f"Withdrawn: {grounds[g]}", self.withdrawn.get(g, 0))
                for g in NoticeEvent.WithdrawalGround.values
            ],
            ("Prosecuted for non-payment", self.prosecuted_non_payment),
            ("Attendance contracts offered", self.contracts_offered),
            ("Attendance contracts agreed", self.contracts_agreed),
            ("Parenting orders", self.parenting_orders),
            ("Education supervision orders applied for", self.esos_applied),
            ("Education supervision orders made", self.esos_made),
        ]


def prm_return(la, year: int) -> PrmReturn:
    """DfE's parental responsibility measures for the academic year starting 1 September `year` (LA level)."""
    start, end = academic_year(year)
    out = PrmReturn(year=year)
    issued = _la_notices(la).filter(issue_date__range=(start, end))
    by_status: dict[str, int] = {}
    for row in register_sql.grouped(issued, ["reason", "status"]):
        out.issued[row["reason"]] = out.issued.get(row["reason"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    out.paid_within_21, out.paid_22_to_28 = by_status.get("paid21", 0), by_status.get("paid28", 0)
    out.prosecuted_non_payment = by_status.get("prosecuted", 0)
    withdrawals = NoticeEvent.objects.filter(kind=K.WITHDRAWN, notice__in=issued.values("pk"))
    for ground, n in withdrawals.order_by().values_list("ground").annotate(n=Count("notice", distinct=True)):
        out.withdrawn[ground] = n
    contracts = AttendanceContract.objects.filter(_la_cases(la), starts_on__range=(start, end)).aggregate(
        offered=Count("pk"), agreed=Count("pk", filter=Q(signed_on__isnull=False))
    )
    out.contracts_offered, out.contracts_agreed = contracts["offered"], contracts["agreed"]
    out.parenting_orders = Prosecution.objects.filter(
        _la_cases(la), outcome=Prosecution.Outcome.PARENTING_ORDER, outcome_on__range=(start, end)
    ).count()
    orders = SupervisionOrder.objects.filter(_la_cases(la)).aggregate(
        applied=Count("pk", filter=Q(applied_on__range=(start, end))),
        made=Count("pk", filter=Q(made_on__range=(start, end))),
    )
    out.esos_applied, out.esos_made = orders["applied"], orders["made"]
    return out


# ----- the register: every contract, NTI, notice, order and prosecution by school, stage and outcome


def register_summary(la) -> list[dict]:
    """One row per school, kind and status: how many, payments received and amounts outstanding (notices)."""
    rows: list[dict] = []
    names = dict(School.objects.values_list("pk", "name"))
    for r in register_sql.grouped(_la_notices(la), ["school_id", "status"]):
        rows.append(
            {
                "school": names.get(r["school_id"], ""),
                "kind": "Penalty notice",
                "status": register_sql.STATUS_LABELS[r["status"]],
                "n": r["n"],
                "paid": money(r["paid"]),
                "outstanding": money(r["outstanding"]),
            }
        )
    others = [
        (
            "Attendance contract",
            AttendanceContract.objects.filter(_la_cases(la)),
            "status",
            "case__school__name",
        ),
        ("Notice to improve", NoticeToImprove.objects.filter(_la_cases(la)), "outcome", "case__school__name"),
        (
            "Education supervision order",
            SupervisionOrder.objects.filter(_la_cases(la)),
            "status",
            "case__school__name",
        ),
        ("Prosecution", Prosecution.objects.filter(_la_cases(la)), "status", "case__school__name"),
    ]
    for kind, qs, status, school in others:
        for r in qs.order_by().values(school, status).annotate(n=Count("pk")):
            rows.append(
                {
                    "school": r[school] or "(no school)",
                    "kind": kind,
                    "status": r[status] or "open",
                    "n": r["n"],
                    "paid": None,
                    "outstanding": None,
                }
            )
    outcomes = Prosecution.objects.filter(_la_cases(la)).exclude(outcome="")
    for r in outcomes.order_by().values("case__school__name", "outcome").annotate(n=Count("pk")):
        rows.append(
            {
                "school": r["case__school__name"] or "(no school)",
                "kind": "Prosecution outcome",
                "status": Prosecution.Outcome(r["outcome"]).label,
                "n": r["n"],
                "paid": None,
                "outstanding": None,
            }
        )
    rows.sort(key=lambda r: (r["school"], r["kind"], r["status"]))
    return rows


def totals(summary: list[dict]) -> dict:
    """The notices' totals from `register_summary`'s rows (no second pass over the notices)."""
    notices = [r for r in summary if r["kind"] == "Penalty notice"]
    return {
        "notices": sum(r["n"] for r in notices),
        "paid_total": money(sum(r["paid"] for r in notices)),
        "outstanding_total": money(sum(r["outstanding"] for r in notices)),
    }


NOTICE_CSV_HEADER = [
    "number",
    "school",
    "issue_date",
    "reason",
    "sequence",
    "amount_full",
    "received_on",
    "status",
    "paid",
    "outstanding",
]


def notice_rows(la):
    """Every notice as a CSV row (one query, streamed)."""
    for row in register_sql.rows(_la_notices(la)):
        number, school, issued, reason, sequence, amount, received, status, paid, outstanding = row
        yield [
            number,
            school,
            str(issued),
            reason,
            sequence,
            money(amount),
            str(received or ""),
            register_sql.STATUS_LABELS[status],
            money(paid),
            money(outstanding),
        ]
