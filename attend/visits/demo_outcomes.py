"""Demo hook (issue 18, outcomes): past home visits with their outcomes on the demo LA's open cases.

`seed(la, today, officers)`: for up to four open cases at the LA's schools, a visit in the last fortnight recorded
by one of `officers` (users who may write visits: an LA officer, a school officer) through `record_outcome`, so
each is on the case chronology and the pupil page like a real one: no answer with a card left, the parent and
child seen (the child's words kept) with an agreement and a follow-up date, a doorstep visit, and enquiries with
neighbours. No message is sent and no safety report is emailed (the demo does not email anyone)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.casework.models import OPEN_CASE_STATUSES, Case
from attend.letters.compose import liable_contacts

from .models import Visit
from .outcomes import OutcomeInput, record_outcome

OUTCOMES = [
    ({"no_answer": True, "card_left": True, "next_steps": "Try again after school on Thursday"}, "alone"),
    (
        {
            "parent_seen": True,
            "child_seen": True,
            "child_seen_alone": False,
            "child_seen_with": "their mother",
            "child_seen_where": "in the kitchen",
            "child_spoken_with": True,
            "child_words": "I get a stomach ache on Sunday nights thinking about Monday.",
            "agreements": "In school by 8:50 every day\nMum rings the office by 9:00 if they are ill",
            "follow_up_in_days": 14,
        },
        "alone",
    ),
    ({"parent_seen": True, "agreements": "Use the breakfast club from Monday"}, "doorstep"),
    (
        {
            "no_answer": True,
            "neighbour_enquiries": "Next door said the family are away visiting a grandparent until the weekend",
        },
        "paired",
    ),
]


def seed(la, today: dt.date, officers) -> int:
    """Record past visits for the LA's open cases; returns how many."""
    officers = [o for o in officers if o is not None]
    if not officers:
        return 0
    cases = Case.objects.filter(
        status__in=OPEN_CASE_STATUSES, pupil__isnull=False, school__local_authority=la
    ).order_by("ref")[: len(OUTCOMES)]
    made = 0
    for i, case in enumerate(cases):
        fields, mode = OUTCOMES[i]
        by = officers[i % len(officers)]
        links = liable_contacts(case.pupil)
        contact = links[0].contact if links else None
        day = today - dt.timedelta(days=3 + 3 * i)
        while day.weekday() > 4:
            day -= dt.timedelta(days=1)
        address = "\n".join(x for x in (contact.address_line1, contact.town) if x) if contact else ""
        visit = Visit.objects.create(
            pupil=case.pupil, case=case, contact=contact, address=address or "Address on the pupil's record",
            postcode=contact.postcode if contact else "", source=Visit.Source.CASE, mode=mode,
            reason="Planned at the case review", planned_for=day, created_by=by,
        )  # fmt: skip
        data = dict(fields)
        follow_up = data.pop("follow_up_in_days", None)
        data["occurred_at"] = timezone.make_aware(dt.datetime.combine(day, dt.time(10 + i % 4, 15)))
        data["parent_contact"] = contact if data.get("parent_seen") else None
        data["follow_up_on"] = today + dt.timedelta(days=follow_up) if follow_up else None
        record_outcome(visit, OutcomeInput(data), by=by, now=data["occurred_at"])
        made += 1
    return made
