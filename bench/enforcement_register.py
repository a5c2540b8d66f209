"""Enforcement register benchmark: the register and the PRM return for 20,000 penalty notices.

    .venv/bin/python bench/enforcement_register.py                  # SQLite (a throw-away test database)
    DATABASE_URL=postgres://attend:attend@127.0.0.1:5432/attend .venv/bin/python bench/enforcement_register.py
    .venv/bin/python bench/enforcement_register.py --notices 50000 --runs 5

Creates a throw-away test database (never the real one), one LA with 20 schools, 4,000 pupils each with a parent,
and --notices notices with their events in bulk (served; paid on day 10, 21, 22, 28 or 29; part-paid; refunded;
withdrawn on each ground; prosecuted), then times attend.enforcement.register (the PRM return for the year, the
register by school, kind and status, and the totals) and prints the figures. Target (issue 19): < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(notices: int) -> None:
    from attend.accounts.models import User
    from attend.enforcement.models import CodeOfConduct, NoticeEvent, PenaltyNotice
    from attend.people.models import Contact, Pupil
    from attend.schools.models import LocalAuthority, School

    rng = random.Random(19)
    la = LocalAuthority.objects.create(code="901", name="Benchshire")
    schools = School.objects.bulk_create(
        [
            School(urn=900000 + i, laestab=f"901{2000 + i}", name=f"Bench School {i:02d}", local_authority=la)
            for i in range(20)
        ]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                upn=f"B90120002{i:04d}",
                legal_forename=f"P{i}",
                legal_surname="Bench",
                date_of_birth=dt.date(2014, 1, 1),
                sex="F",
            )
            for i in range(4000)
        ]
    )
    parents = Contact.objects.bulk_create(
        [Contact(contact_ref=f"BENCH-{i}", forename="Parent", surname=f"{i}") for i in range(4000)]
    )
    officer = User.objects.create_user("bench.officer")
    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2024, 8, 19), sufficient_improvement="-"
    )
    rows = []
    for i in range(notices):
        second = i % 7 == 0
        rows.append(
            PenaltyNotice(
                number=f"PN-B-{i:07d}",
                pupil=pupils[i % 4000],
                school=schools[i % 20],
                parent=parents[i % 4000],
                parent_basis="Parental responsibility",
                reason=("holiday", "late", "other")[i % 3],
                issue_date=dt.date(2025, 9, 1) + dt.timedelta(days=i % 300),
                period_start=dt.date(2025, 9, 1),
                period_end=dt.date(2025, 9, 12),
                sessions=10,
                sequence=2 if second else 1,
                amount_reduced=None if second else Decimal("80"),
                amount_full=Decimal("160"),
                issued_by=officer,
                issuer_capacity="la_officer",
                code=code,
            )
        )
    made = PenaltyNotice.objects.bulk_create(rows, batch_size=2000)
    K = NoticeEvent.Kind
    events = []
    for notice in made:
        roll = rng.random()
        if roll < 0.03:
            continue  # not served yet
        received = notice.issue_date + dt.timedelta(days=2)
        events.append(
            NoticeEvent(
                notice=notice, kind=K.SERVED, on=notice.issue_date, method="post", received_on=received
            )
        )
        if roll < 0.08:
            events.append(
                NoticeEvent(
                    notice=notice,
                    kind=K.WITHDRAWN,
                    on=received,
                    ground=rng.choice(["code", "wrong_person", "error", "unpaid"]),
                )
            )
        elif roll < 0.11:
            events.append(NoticeEvent(notice=notice, kind=K.PROSECUTE, on=received + dt.timedelta(days=30)))
        elif roll < 0.75:
            day = rng.choice([10, 21, 22, 28, 29])
            amount = notice.amount_reduced if day <= 21 and notice.amount_reduced else notice.amount_full
            events.append(
                NoticeEvent(
                    notice=notice, kind=K.PAYMENT, on=received + dt.timedelta(days=day - 1), amount=amount
                )
            )
            if roll > 0.74:
                events.append(
                    NoticeEvent(
                        notice=notice, kind=K.REFUND, on=received + dt.timedelta(days=day), amount=amount
                    )
                )
        elif roll < 0.85:
            events.append(
                NoticeEvent(
                    notice=notice, kind=K.PAYMENT, on=received + dt.timedelta(days=5), amount=Decimal("40")
                )
            )
    NoticeEvent.objects.bulk_create(events, batch_size=2000)
    print(f"  built {len(made):,} notices and {len(events):,} events")


def measure(runs: int) -> float:
    from attend.enforcement import register
    from attend.schools.models import LocalAuthority

    la = LocalAuthority.objects.get(code="901")
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        prm = register.prm_return(la, 2025)
        summary = register.register_summary(la)
        totals = register.totals(summary)
        took = time.perf_counter() - t
        best = took if best is None else min(best, took)
    print(f"  register + PRM return: best of {runs} {best:.3f} s (target < 1 s)")
    for label, n in prm.rows():
        print(f"    {label}: {n:,}")
    print(f"    Register rows (school x kind x status): {len(summary)}")
    print(f"    Paid in total: £{totals['paid_total']:,}; outstanding: £{totals['outstanding_total']:,}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        None if connection.vendor == "sqlite" else f"test_bench_enforcement_{os.getpid()}"
    )
    print(f"Enforcement register benchmark on {connection.vendor}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t = time.perf_counter()
        build(args.notices)
        if connection.vendor == "postgresql":  # what autovacuum does after a bulk load: planner statistics
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"  (data built in {time.perf_counter() - t:.1f} s)")
        best = measure(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.exit(0 if best < 1.0 else 1)


if __name__ == "__main__":
    main()
