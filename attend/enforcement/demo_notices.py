"""Penalty notices for the demo LA (issue 19): notices at each step — paid within 21 days, part-paid, unpaid after
28 days (a decision on the work list), withdrawn — issued through the real rules to pupils the register marks make
eligible. Call after the marks are loaded and `pin_today`, with an LA officer of the schools' LA:

    from attend.enforcement.demo_notices import demo_notices
    demo_notices(school_ids=[...], today=clock.today(), by=officer)

Returns the numbers issued, by step. Pupils for whom the rules refuse a notice are skipped (the demo never forces).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q

from attend.people.models import Enrolment, PupilContact

from . import statute
from .eligibility import UNAUTHORISED
from .models import IssuerAuthorisation, NoticeEvent
from .notice_events import serve, sync_notice_decisions, withdraw
from .notices import NoticeRefused, issue_notice
from .payments import record_payment

# (step, days before today the notice is issued)
STEPS = (("paid", 50), ("unpaid", 45), ("part-paid", 15), ("withdrawn", 12), ("issued", 3))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _candidates(school_ids, today: dt.date) -> list[int]:
    rows = (
        Enrolment.objects.filter(school_id__in=school_ids)
        .annotate(
            unauthorised=Count(
                "marks",
                filter=Q(
                    marks__code__in=UNAUTHORISED,
                    marks__date__gte=statute.FRAMEWORK_START,
                    marks__date__lte=today,
                ),
            )
        )
        .filter(unauthorised__gte=10)
        .order_by("-unauthorised", "pk")
        .values_list("pupil_id", flat=True)[:60]
    )
    return list(dict.fromkeys(rows))


def _after_issue(step: str, notice, today: dt.date, by) -> None:
    served_on = notice.issue_date
    serve(
        notice,
        method="hand",
        on=served_on,
        served_by="Demo officer",
        address="The family's home (demo)",
        by=by,
    )
    ref = f"DEMO-{notice.number}"
    if step == "paid":
        record_payment(
            notice, amount=Decimal("80.00"), on=served_on + dt.timedelta(days=10), reference=ref, by=by
        )
    elif step == "part-paid":
        record_payment(notice, amount=Decimal("40.00"), on=min(today, served_on + dt.timedelta(days=5)),
                       reference=ref, by=by)  # fmt: skip
    elif step == "withdrawn":
        withdraw(notice, ground=NoticeEvent.WithdrawalGround.MATERIAL_ERROR, on=today, by=by,
                 note="The period on the notice was wrong (demo)")  # fmt: skip


def demo_notices(*, school_ids, today: dt.date, by) -> dict[str, str]:
    la_ids = set(
        Enrolment.objects.filter(school_id__in=school_ids).values_list("school__local_authority", flat=True)
    )
    for la_id in la_ids:  # the demo officer is authorised by the LA (s444B)
        IssuerAuthorisation.objects.get_or_create(
            user=by, capacity="la_officer", local_authority_id=la_id,
            defaults={"authorised_by": "Head of attendance (demo)", "authorised_on": dt.date(2024, 8, 1)},
        )  # fmt: skip
    made: dict[str, str] = {}
    pupils = _candidates(school_ids, today)
    parents = {}
    for link in (
        PupilContact.objects.filter(pupil_id__in=pupils)
        .filter(Q(parental_responsibility=True) | Q(lives_with_pupil=True))
        .select_related("contact", "pupil")
    ):
        parents.setdefault(link.pupil_id, link)
    for step, days in STEPS:
        for pupil_id in list(pupils):
            link = parents.get(pupil_id)
            if link is None:
                continue
            try:
                notice = issue_notice(
                    pupil=link.pupil,
                    parent=link.contact,
                    issue_date=_weekday(today - dt.timedelta(days=days)),
                    by=by,
                )
            except NoticeRefused:
                continue
            pupils.remove(pupil_id)
            if step != "issued":
                _after_issue(step, notice, today, by)
            made[step] = notice.number
            break
    sync_notice_decisions(today)
    return made
