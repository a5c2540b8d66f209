"""Each notice's payment figures and status in one SQL pass over its events (for the register and the PRM return).

Django's ORM would repeat a correlated subquery per figure per notice (3 s for 20,000 notices on SQLite); this is
one derived table: each notice LEFT JOINed to its (first) receipt and to its payment, refund, withdrawal and
prosecution events, grouped by notice, then classified. Callers group the classified rows again in SQL (by school,
reason, status), so Python only ever sees a few dozen rows.

The rules (SI 2024/210; the 2007 Regulations as amended; DfE parental responsibility measures categories):
- day N counts from and including the day of receipt: an event on received_on + 20 is on day 21;
- paid within 21 days: net payments (payments less refunds) by day 21 reach the reduced amount (the full amount
  for a second notice, which has no reduction); £80 paid on day 22 does not discharge;
- paid in days 22-28: not that, but net payments by day 28 reach the full amount;
- status, first that applies: withdrawn, paid21, paid28, prosecuted (a PROSECUTE event or a prosecution for the
  unpaid notice), not_served, unpaid;
- outstanding: for not_served and unpaid, the full amount less net payments (never below 0); else 0.
"""

from __future__ import annotations

from django.db import connection

from .models import NoticeEvent, PenaltyNotice, Prosecution

STATUSES = ("withdrawn", "paid21", "paid28", "prosecuted", "not_served", "unpaid")
STATUS_LABELS = {
    "withdrawn": "Withdrawn",
    "paid21": "Paid within 21 days",
    "paid28": "Paid in days 22 to 28",
    "prosecuted": "Prosecuted for non-payment",
    "not_served": "Not yet served",
    "unpaid": "Unpaid",
}


def _days(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier}))"


def _served(events: str) -> str:
    """The LEFT JOIN clause for each notice's first receipt (alias s). PostgreSQL hash-joins a grouped table; SQLite does not index one (55 s for
    20,000 notices), so there a correlated lookup on the notice's index picks the first SERVED event."""
    if connection.vendor == "postgresql":
        return (
            f"(SELECT notice_id, MIN(received_on) AS received_on FROM {events} WHERE kind = 'served' "
            "GROUP BY notice_id) s ON s.notice_id = n.id"
        )
    return (
        f"{events} s ON s.id = (SELECT MIN(s1.id) FROM {events} s1 WHERE s1.notice_id = n.id "
        "AND s1.kind = 'served')"
    )


def classified(notices) -> tuple[str, list]:
    """SQL (and params) for one row per notice of `notices` (a PenaltyNotice queryset): id, school_id, reason,
    received_on, paid, status, outstanding."""
    q = connection.ops.quote_name
    pn, ev, pr = PenaltyNotice._meta.db_table, NoticeEvent._meta.db_table, Prosecution._meta.db_table
    ids_sql, ids_params = notices.order_by().values("pk").query.sql_with_params()
    on = f"e.{q('on')}"
    day = _days(on, "s.received_on")
    signed = "CASE WHEN e.kind = 'payment' THEN e.amount WHEN e.kind = 'refund' THEN -e.amount ELSE 0 END"
    figures = f"""
        SELECT n.id, n.school_id, n.reason, n.amount_full,
               COALESCE(n.amount_reduced, n.amount_full) AS due21, s.received_on,
               COALESCE(SUM({signed}), 0) AS paid,
               COALESCE(SUM(CASE WHEN {day} <= 20 THEN {signed} ELSE 0 END), 0) AS paid21,
               COALESCE(SUM(CASE WHEN {day} <= 27 THEN {signed} ELSE 0 END), 0) AS paid28,
               MAX(CASE WHEN e.kind = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn,
               MAX(CASE WHEN e.kind = 'prosecute' THEN 1 ELSE 0 END) AS prosecute_event
        FROM {q(pn)} n
        LEFT JOIN {_served(q(ev))}
        LEFT JOIN {q(ev)} e ON e.notice_id = n.id AND e.kind IN ('payment', 'refund', 'withdrawn', 'prosecute')
        WHERE n.id IN ({ids_sql})
        GROUP BY n.id, n.school_id, n.reason, n.amount_full, n.amount_reduced, s.received_on
    """
    prosecuted = (
        f"(f.prosecute_event = 1 OR EXISTS (SELECT 1 FROM {q(pr)} p WHERE p.notice_id = f.id "
        f"AND p.basis = 'unpaid_notice'))"
    )
    status = f"""CASE
            WHEN f.withdrawn = 1 THEN 'withdrawn'
            WHEN f.received_on IS NOT NULL AND f.paid21 >= f.due21 THEN 'paid21'
            WHEN f.received_on IS NOT NULL AND f.paid28 >= f.amount_full THEN 'paid28'
            WHEN {prosecuted} THEN 'prosecuted'
            WHEN f.received_on IS NULL THEN 'not_served'
            ELSE 'unpaid' END"""
    sql = f"""
        SELECT c.*, CASE WHEN c.status IN ('unpaid', 'not_served') AND c.amount_full > c.paid
                         THEN c.amount_full - c.paid ELSE 0 END AS outstanding
        FROM (SELECT f.*, {status} AS status FROM ({figures}) f) c
    """
    return sql, list(ids_params)


def grouped(notices, by: list[str]) -> list[dict]:
    """The classified notices grouped by `by` (among school_id, reason, status): n, paid, outstanding."""
    allowed = {"school_id", "reason", "status"}
    if not set(by) <= allowed:
        raise ValueError(f"group by {allowed} only")
    inner, params = classified(notices)
    keys = ", ".join(f"g.{k}" for k in by)
    sql = (
        f"SELECT {keys}, COUNT(*), COALESCE(SUM(g.paid), 0), COALESCE(SUM(g.outstanding), 0) "
        f"FROM ({inner}) g GROUP BY {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(by)
    return [
        {
            **dict(zip(by, row[:width], strict=True)),
            "n": row[width],
            "paid": row[width + 1],
            "outstanding": row[width + 2],
        }
        for row in rows
    ]


def rows(notices):
    """Every notice's number, school, dates, amount, status and money, one query, streamed (the CSV)."""
    from attend.schools.models import School

    q = connection.ops.quote_name
    inner, params = classified(notices)
    sql = f"""
        SELECT n.number, sc.name, n.issue_date, n.reason, n.sequence, n.amount_full, g.received_on, g.status,
               g.paid, g.outstanding
        FROM ({inner}) g JOIN {q(PenaltyNotice._meta.db_table)} n ON n.id = g.id
        JOIN {q(School._meta.db_table)} sc ON sc.id = g.school_id
        ORDER BY n.issue_date, n.number
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch
