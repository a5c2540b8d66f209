"""Supervision orders and prosecutions for the demo LA: `add_demo_court(la_code, by=officer)`.

Call it from the demo command after the cases and letters (attend/demo/management/commands/demo.py):

    from attend.enforcement.demo_court import add_demo_court
    court = add_demo_court(config.la_code, by=User.objects.get(username="la.officer"))

It takes the LA's pupils with the most unauthorised absence (G, N, O, U) in the last five months who have a parent
with parental responsibility, and puts them through the services (so the chronology, the stage and the audit
trail show it as they would for an officer's work): an education supervision order in force; an order considered
and not pursued followed by a prosecution concluded with a parenting order; a prosecution decided and not yet
laid; a prosecution whose last day to lay is within six weeks (on the work list). A pupil a step refuses (e.g. its
sessions already relied on by a notice) is skipped. Returns counts.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Max, Min

from attend.core import clock
from attend.people.models import PupilContact
from attend.registers.models import Mark

from . import orders, prosecutions
from .models import Prosecution

DEFENCES = {
    "leave": "No leave asked for or granted (school's leave records checked)",
    "sickness": "No medical evidence; the school nurse and GP letter show no illness preventing attendance",
    "religious": "None of the days is a day set apart for the family's religious observance",
    "transport": "Lives 0.6 miles from the school by the nearest available route",
    "travelling": "Neither parent's work requires travel",
}


def _candidates(la_code: str, today: dt.date, limit: int):
    start = today - dt.timedelta(days=150)
    marks = (
        Mark.objects.filter(
            enrolment__school__local_authority__code=la_code,
            date__gte=start,
            date__lte=today - dt.timedelta(days=7),
            code__in=prosecutions.UNAUTHORISED,
        )
        .values("enrolment__pupil_id")
        .annotate(n=Count("pk"), first=Min("date"), last=Max("date"))
        .filter(n__gte=10)
        .order_by("-n")[: limit * 3]
    )
    for row in marks:
        link = (
            PupilContact.objects.filter(pupil_id=row["enrolment__pupil_id"], parental_responsibility=True)
            .select_related("pupil", "contact")
            .first()
        )
        if link is not None and not link.pupil.looked_after:
            yield link.pupil, link.contact, row["first"], row["last"]


def add_demo_court(la_code: str, *, by) -> dict[str, int]:
    """An order in force, a prosecution concluded with a parenting order, one decided, one near its time limit:
    each step takes the first candidate the rules allow (a refused step leaves nothing behind)."""
    today = clock.today()
    counts = {"orders": 0, "prosecutions": 0}
    candidates = list(_candidates(la_code, today, 8))
    for step in (_order_in_force, _concluded, _decided, _near_limit):
        for n, (pupil, parent, first, last) in enumerate(candidates):
            try:
                with transaction.atomic():
                    counts[step(pupil, parent, first, last, today, by)] += 1
            except (orders.OrderRefused, prosecutions.ProsecutionRefused):
                continue
            candidates.pop(n)
            break
    return counts


def _order_in_force(pupil, parent, first, last, today, by) -> str:
    order = orders.consider(
        pupil,
        on=today - dt.timedelta(days=60),
        consideration="Support offered has not been taken up; an order "
        "gives the family a supervisor and directions",
        pursue=True,
        by=by,
    )
    orders.record_consultation(order, on=today - dt.timedelta(days=55), response="Agree; no open plan", by=by)
    orders.apply(order, on=today - dt.timedelta(days=50), by=by)
    orders.record_hearing(order, on=today - dt.timedelta(days=30), note="Family court, first hearing", by=by)
    orders.order_made(
        order,
        on=today - dt.timedelta(days=30),
        supervisor="LA attendance officer",
        directions="Attend every day; meet the supervisor fortnightly",
        by=by,
    )
    return "orders"


def _consider_not(pupil, today, by):
    orders.consider(
        pupil,
        on=today - dt.timedelta(days=40),
        consideration="Family already under a plan with the same aims; an order would add nothing",
        pursue=False,
        by=by,
    )


def _concluded(pupil, parent, first, last, today, by) -> str:
    _consider_not(pupil, today, by)
    decided = today - dt.timedelta(days=21)
    if first >= decided:
        raise prosecutions.ProsecutionRefused("No absence before the decision date")
    p = prosecutions.decide(
        pupil=pupil,
        parent=parent,
        offence=Prosecution.Offence.S444_1,
        period_start=first,
        period_end=min(last, decided),
        reasons="Support declined; notice to improve not complied with",
        defences=DEFENCES,
        by=by,
        on=decided,
    )
    prosecutions.record_interview(
        p,
        held_on=clock.now() - dt.timedelta(days=20),
        place="County Hall",
        caution_given=True,
        legal_advice_offered=True,
        summary="Parent accepted the absences; no defence raised",
        by=by,
    )
    prosecutions.lay_information(p, on=today - dt.timedelta(days=18), by=by)
    prosecutions.record_hearing(
        p, on=clock.now() - dt.timedelta(days=3), court="Magistrates' court", kind="First hearing", by=by
    )
    prosecutions.record_outcome(
        p,
        outcome=Prosecution.Outcome.PARENTING_ORDER,
        on=today - dt.timedelta(days=3),
        detail="12 months; parenting programme 3 months",
        by=by,
    )
    return "prosecutions"


def _decided(pupil, parent, first, last, today, by) -> str:
    _consider_not(pupil, today, by)
    prosecutions.decide(
        pupil=pupil,
        parent=parent,
        offence=Prosecution.Offence.S444_1A,
        period_start=first,
        period_end=last,
        reasons="Knew of the absences and did not act",
        defences=DEFENCES,
        by=by,
        on=today,
    )
    return "prosecutions"


def _near_limit(pupil, parent, first, last, today, by) -> str:
    """A period starting just over five months ago: the last day to lay is within six weeks."""
    _consider_not(pupil, today, by)
    start = max(first, today - relativedelta(months=6) + dt.timedelta(days=30))
    prosecutions.decide(
        pupil=pupil,
        parent=parent,
        offence=Prosecution.Offence.S444_1,
        period_start=start,
        period_end=max(start, last),
        reasons="Persistent absence",
        defences=DEFENCES,
        by=by,
        on=today,
    )
    return "prosecutions"
