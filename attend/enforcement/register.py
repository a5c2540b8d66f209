"""The LA's enforcement register and DfE's parental responsibility measures (PRM) return, by aggregate queries.

Nothing here loops over notices in Python: a notice's payments are worked out in SQL from its `NoticeEvent` rows
(PAYMENT less REFUND events, dated against the SERVED event's `received_on`), so 20,000 notices take well under a
second (bench/enforcement_register.py).

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

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from .models import (
    AttendanceContract,
    NoticeEvent,
    NoticeToImprove,
    PenaltyNotice,
    Prosecution,
    SupervisionOrder,
)

K = NoticeEvent.Kind
MONEY = DecimalField(max_digits=9, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


def academic_year(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _net_paid(by_day: int | None):
    """Net payments (payments less refunds) on the notice, by received_on + `by_day` days (None: ever)."""
    events = NoticeEvent.objects.filter(notice=OuterRef("pk"), kind__in=(K.PAYMENT, K.REFUND))
    if by_day is not None:
        limit = ExpressionWrapper(OuterRef("received") + dt.timedelta(days=by_day), output_field=DateField())
        events = events.filter(on__lte=limit)
    signed = Case(When(kind=K.PAYMENT, then=F("amount")), default=-F("amount"), output_field=MONEY)
    total = events.order_by().values("notice").annotate(s=Sum(signed)).values("s")[:1]
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def notices_with_figures(notices=None):
    """Notices annotated with received, paid21/paid28/paid (net), withdrawn, prosecuted, settled and outstanding."""
    notices = PenaltyNotice.objects.all() if notices is None else notices
    served = NoticeEvent.objects.filter(notice=OuterRef("pk"), kind=K.SERVED).order_by("pk")
    qs = notices.annotate(received=Subquery(served.values("received_on")[:1], output_field=DateField()))
    qs = qs.annotate(
        paid21=_net_paid(20),  # day 21 counted from and including receipt
        paid28=_net_paid(27),
        paid=_net_paid(None),
        withdrawn=Exists(NoticeEvent.objects.filter(notice=OuterRef("pk"), kind=K.WITHDRAWN)),
        prosecuted=ExpressionWrapper(
            Q(Exists(NoticeEvent.objects.filter(notice=OuterRef("pk"), kind=K.PROSECUTE)))
            | Q(
                Exists(
                    Prosecution.objects.filter(notice=OuterRef("pk"), basis=Prosecution.Basis.UNPAID_NOTICE)
                )
            ),
            output_field=BooleanField(),
        ),
    )
    in21 = Q(received__isnull=False, paid21__gte=Coalesce("amount_reduced", "amount_full"))
    in28 = Q(received__isnull=False, paid28__gte=F("amount_full")) & ~in21
    return qs.annotate(
        in21=Case(When(in21, then=Value(True)), default=Value(False)),
        in28=Case(When(in28, then=Value(True)), default=Value(False)),
        outstanding=Case(
            When(in21 | in28 | Q(withdrawn=True) | Q(prosecuted=True), then=ZERO),
            default=Greatest(F("amount_full") - F("paid"), ZERO),
            output_field=MONEY,
        ),
    )


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
    for reason, n in issued.order_by().values_list("reason").annotate(n=Count("pk")):
        out.issued[reason] = n
    figures = notices_with_figures(issued).aggregate(
        n_in21=Count("pk", filter=Q(in21=True)),
        n_in28=Count("pk", filter=Q(in28=True)),
        n_prosecuted=Count("pk", filter=Q(prosecuted=True)),
    )  # (aliases must differ from the annotations' names, or they replace them)
    out.paid_within_21, out.paid_22_to_28 = figures["n_in21"], figures["n_in28"]
    out.prosecuted_non_payment = figures["n_prosecuted"]
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


def _notice_status():
    return Case(
        When(withdrawn=True, then=Value("withdrawn")),
        When(prosecuted=True, then=Value("prosecuted")),
        When(Q(in21=True) | Q(in28=True), then=Value("paid")),
        When(received__isnull=True, then=Value("not served")),
        default=Value("unpaid"),
    )


def register_summary(la) -> list[dict]:
    """One row per school, kind and status: how many, payments received and amounts outstanding (notices)."""
    rows: list[dict] = []
    notices = (
        notices_with_figures(_la_notices(la))
        .annotate(status=_notice_status())
        .order_by()
        .values("school__name", "status")
        .annotate(n=Count("pk"), paid_sum=Sum("paid"), outstanding_sum=Sum("outstanding"))
    )
    for r in notices:
        rows.append(
            {
                "school": r["school__name"],
                "kind": "Penalty notice",
                "status": r["status"],
                "n": r["n"],
                "paid": r["paid_sum"] or Decimal("0"),
                "outstanding": r["outstanding_sum"] or Decimal("0"),
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


def totals(la) -> dict:
    return notices_with_figures(_la_notices(la)).aggregate(
        notices=Count("pk"), paid_total=Sum("paid"), outstanding_total=Sum("outstanding")
    )


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
    qs = (
        notices_with_figures(_la_notices(la))
        .annotate(status=_notice_status())
        .order_by("issue_date", "number")
    )
    return qs.values_list(
        "number",
        "school__name",
        "issue_date",
        "reason",
        "sequence",
        "amount_full",
        "received",
        "status",
        "paid",
        "outstanding",
    ).iterator(chunk_size=2000)
