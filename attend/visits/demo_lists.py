"""Demo hook for visit lists, rounds and risk markers (issue 18): `seed(la, today, *officers)`.

For each officer (a User with a school or LA membership), up to three pupils of the LA with a visitable address
are planned for today and put on the officer's round, ordered by postcode district; two more are listed for the
coming days. Risk markers: previous aggression against one contact (so "alone" is refused there), a dangerous
dog at one address, and an expired "lone visit not advised" marker (shown as expired, not as a fact). The first
visit of each round is risk-checked, so the demo shows checked and unchecked visits side by side.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.people.models import Pupil

from . import lists
from .models_risks import RiskKind
from .risks import confirm_risk_check, record_marker


def _visitable(la, officer, today: dt.date, taken: set[int]) -> list[tuple[Pupil, object]]:
    found = []
    pupils = Pupil.objects.filter(
        enrolments__school__local_authority=la, enrolments__leaving_date__isnull=True
    )
    for pupil in pupils.distinct().order_by("pk")[:200]:
        if pupil.pk in taken:
            continue
        choices = [c for c in lists.address_choices(officer, pupil) if not c.confidential]
        if choices and pupil.pk in lists.current_pupil_ids(officer, [pupil.pk], today=today):
            found.append((pupil, choices[0].contact))
        if len(found) == 5:
            break
    return found


def seed(la, today: dt.date, *officers) -> dict:
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 30)))
    made: dict = {"rounds": [], "visits": [], "markers": []}
    taken: set[int] = set()
    for officer in officers:
        picks = _visitable(la, officer, today, taken)
        if not picks:
            continue
        taken.update(p.pk for p, _ in picks)
        rnd = lists.todays_round(officer, today, create=True)
        for n, (pupil, contact) in enumerate(picks):
            day = today if n < 3 else today + dt.timedelta(days=n - 1)
            reason = (
                "Unexplained absence: not seen since Monday" if n < 3 else "Agree a return-to-school plan"
            )
            visit = lists.plan_visit(
                user=officer, pupil=pupil, contact_id=contact.pk, reason=reason, planned_for=day, today=today
            )
            made["visits"].append(visit)
            if n < 3:
                lists.add_to_round(visit, rnd, by=officer)
        first_pupil, first_contact = picks[0]
        made["markers"] += [
            record_marker(by=officer, kind=RiskKind.AGGRESSION, contact=first_contact, now=now,
                          reason="Shouted and threatened the officer at the door on 2 October",
                          review_on=today + dt.timedelta(days=150)),
            record_marker(by=officer, kind=RiskKind.ANIMALS, now=now, address_line1=picks[-1][1].address_line1,
                          postcode=picks[-1][1].postcode, reason="Large dog, not always shut away",
                          review_on=today + dt.timedelta(days=90)),
            record_marker(by=officer, kind=RiskKind.LONE_NOT_ADVISED, pupil=picks[1][0] if len(picks) > 1 else first_pupil,
                          now=now - dt.timedelta(days=200), reason="Visitors unknown to the family at the address",
                          review_on=today - dt.timedelta(days=10)),
        ]  # fmt: skip
        first = rnd.visits.order_by("order").first()
        confirm_risk_check(
            first,
            by=officer,
            mode="doorstep",
            answers={"markers_read": True, "last_visit_read": True},
            now=now,
        )
        made["rounds"].append(rnd)
    return made
