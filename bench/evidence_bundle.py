"""Evidence bundle benchmark: a two-year prosecution case to one indexed, page-numbered PDF.

    uv run python bench/evidence_bundle.py              # 760 sessions, 60 chronology entries, 20 letters
    uv run python bench/evidence_bundle.py --runs 5 --entries 200

A fresh SQLite database under a temporary ATTEND_VAR_DIR: one pupil at two schools over two school years (about
760 sessions, a move half way), `--entries` chronology entries, `--letters` letters sent, one penalty notice served,
an ESO considered and a prosecution. The bundle is built end to end (the data, the HTML, two WeasyPrint passes to
number the pages, the PDF). Target (issue 19): < 15 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def weekdays(start: dt.date, count: int):
    day, found = start, 0
    while found < count:
        if day.weekday() < 5 and not (day.month == 8):  # no register in August
            yield day
            found += 1
        day += dt.timedelta(days=1)


def make_case(args):
    from django.utils import timezone

    from attend.accounts.models import User
    from attend.casework.cases import open_case
    from attend.casework.chronology import record_entry
    from attend.enforcement.models import (
        CodeOfConduct,
        NoticeEvent,
        PenaltyNotice,
        Prosecution,
        SupervisionOrder,
    )
    from attend.letters.models import LetterTemplate, Message
    from attend.people.models import Contact, Enrolment, Pupil, PupilContact
    from attend.registers.models import Mark
    from attend.schools.models import LocalAuthority, School

    la = LocalAuthority.objects.create(code="999", name="Benchshire")
    schools = [
        School.objects.create(
            urn=900001 + n, laestab=f"999{2001 + n}", name=name, phase="secondary", local_authority=la
        )
        for n, name in enumerate(["Brook High", "Hill Academy"])
    ]
    pupil = Pupil.objects.create(
        upn="A999000000001",
        legal_forename="Ava",
        legal_surname="Stone",
        date_of_birth=dt.date(2011, 3, 1),
        sex="F",
    )
    days = list(weekdays(dt.date(2023, 9, 4), args.sessions // 2))
    half = days[len(days) // 2]
    e1 = Enrolment.objects.create(
        pupil=pupil,
        school=schools[0],
        admission_date=dt.date(2022, 9, 1),
        leaving_date=half - dt.timedelta(days=1),
        nc_year="7",
    )
    e2 = Enrolment.objects.create(pupil=pupil, school=schools[1], admission_date=half, nc_year="8")
    marks = []
    for day in days:
        enrolment = e1 if day < half else e2
        codes = ("O", "O") if day.weekday() == 0 else ("/", "\\")
        marks += [
            Mark(enrolment=enrolment, date=day, session=s, code=c)
            for s, c in zip(("AM", "PM"), codes, strict=True)
        ]
    Mark.objects.bulk_create(marks)
    mother = Contact.objects.create(
        contact_ref="B1",
        forename="Mia",
        surname="Stone",
        title="Ms",
        address_line1="1 River Row",
        postcode="LS9 7AB",
    )
    PupilContact.objects.create(
        pupil=pupil, contact=mother, relationship="Mother", parental_responsibility=True
    )
    officer = User.objects.create_user("bench.officer", first_name="Lena", last_name="Officer")
    start = timezone.make_aware(dt.datetime(2023, 9, 5, 10))
    case, _ = open_case(by=officer, pupil=pupil, school=schools[1], occurred_at=start)
    kinds = ["phone_call", "home_visit", "school_meeting", "note", "email", "plan_review"]
    for n in range(args.entries):
        record_entry(
            case,
            kind=kinds[n % len(kinds)],
            by=officer,
            occurred_at=start + dt.timedelta(days=10 * n + 1),
            summary=f"Contact {n + 1}: talked about Mondays and what would help Ava get to school. " * 2,
            parent_words="We are trying our best." if n % 3 == 0 else "",
        )
    version = LetterTemplate.objects.filter(current__isnull=False).first().current
    Message.objects.bulk_create(
        [
            Message(
                pupil=pupil,
                school=schools[1],
                contact=mother,
                template_version=version,
                route="post",
                recipient="1 River Row",
                subject=f"Letter {n + 1}",
                body_text="...",
                status="sent",
                idempotency_key=f"bench-{n}",
            )
            for n in range(args.letters)
        ]
    )
    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2024, 8, 19), sufficient_improvement="None"
    )
    notice = PenaltyNotice.objects.create(
        number="PN-2024-000001",
        pupil=pupil,
        school=schools[1],
        case=case,
        parent=mother,
        parent_basis="Mother",
        reason="other",
        issue_date=dt.date(2024, 10, 1),
        period_start=dt.date(2024, 9, 2),
        period_end=dt.date(2024, 9, 30),
        sessions=10,
        sequence=1,
        amount_reduced=Decimal(80),
        amount_full=Decimal(160),
        issued_by=officer,
        issuer_capacity="la_officer",
        code=code,
    )
    NoticeEvent.objects.create(
        notice=notice, kind="served", on=dt.date(2024, 10, 1), method="post", received_on=dt.date(2024, 10, 3)
    )
    eso = SupervisionOrder.objects.create(
        case=case,
        pupil=pupil,
        considered_on=dt.date(2025, 5, 1),
        consideration="Considered.",
        status="not_pursued",
        created_by=officer,
    )
    return Prosecution.objects.create(
        case=case,
        pupil=pupil,
        parent=mother,
        offence="s444_1",
        period_start=days[0],
        period_end=days[-1],
        lay_by=days[-1] + dt.timedelta(days=180),
        decided_on=days[-1],
        decided_by=officer,
        reasons="Bench",
        supervision_order_considered=eso,
    ), len(marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=760)
    parser.add_argument("--entries", type=int, default=60)
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["ATTEND_VAR_DIR"] = tempfile.mkdtemp(prefix="attend-bundle-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from attend.enforcement.bundle import build_bundle

    prosecution, sessions = make_case(args)
    print(
        f"Case: {sessions} sessions at 2 schools, {args.entries} chronology entries, {args.letters} letters"
    )
    times, pages = [], 0
    for run in range(args.runs):
        t = time.perf_counter()
        built = build_bundle(prosecution, by=prosecution.decided_by, as_of=prosecution.decided_on)
        times.append(time.perf_counter() - t)
        pages = built.pages
        print(f"  run {run + 1}: {times[-1]:.2f} s, {pages} pages, {len(built.pdf) / 1024:.0f} KiB")
    print(
        f"Evidence bundle: median {statistics.median(times):.2f} s over {args.runs} runs ({pages} pages); "
        f"target < 15 s: ratio {statistics.median(times) / 15:.2f} of the target"
    )
    print("Index:")
    for title, page in built.index:
        print(f"  {page:>3}  {title}")


if __name__ == "__main__":
    main()
