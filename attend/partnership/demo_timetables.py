"""Part-time timetables for the demo LA (issue 17): the details the pupil-page form records, on the timetables the
casework demo recorded behind the generator's C2 marks, and two timetables current as of the demo's today (one
past its review date, one behaviour-related and sent to the LA for scrutiny), so the LA's list and the work list
have something to show. Call after `record_demo_part_time_timetables` and `pin_today`, before alerts evaluate:

    from attend.partnership.demo_timetables import detail_demo_timetables
    detail_demo_timetables(school_ids=..., today=clock.today())
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attend.casework.models import LaScrutiny, PartTimeTimetable, TimetableReason, TimetableStatus
from attend.people.models import PupilContact

from .timetable_checks import sync_timetable_prompts

REASONS = (
    (TimetableReason.MEDICAL, "Reintegration after an operation: she tires by the afternoon (demo)"),
    (TimetableReason.SEND_SEMH, "Anxiety about school: a phased return agreed with CAMHS (demo)"),
    (TimetableReason.MEDICAL, "Back after a long illness; the consultant advised mornings first (demo)"),
)
JUSTIFICATION = (
    "After a two-day suspension he is anxious about a full day; mornings with his mentor rebuild his confidence "
    "and routine. Behaviour is managed by the school's policy, not by this timetable (demo)."
)


def _parents(pupil_ids) -> dict[int, int]:
    links = PupilContact.objects.filter(
        pupil_id__in=pupil_ids, lives_with_pupil=True, parental_responsibility=True
    ).order_by("-priority")
    return {link.pupil_id: link.contact_id for link in links}


def detail_demo_timetables(*, school_ids, today: dt.date) -> int:
    """Fill in the recorded timetables at these schools and make two of them current; returns how many."""
    timetables = list(PartTimeTimetable.objects.filter(school_id__in=school_ids).order_by("pk"))
    parents = _parents([t.pupil_id for t in timetables])
    for i, t in enumerate(timetables):
        t.reason_category, t.reason = REASONS[i % len(REASONS)]
        t.hours_per_week = Decimal("12.5")
        t.return_plan = "One more afternoon every two weeks until full time (demo)"
        t.parent_contact_id = parents.get(t.pupil_id)
        if t.end < today:  # the generator's past blocks of C2: the pupils are back full time
            t.status = TimetableStatus.ENDED
    current = timetables[:2]
    if current:  # past its review date: on the work list
        first = current[0]
        first.status = TimetableStatus.ACTIVE
        first.start, first.review_date, first.end = (
            today - dt.timedelta(weeks=5),
            today - dt.timedelta(days=4),
            today + dt.timedelta(weeks=3),
        )
    if len(current) > 1:  # behaviour-related, justified, sent to the LA for scrutiny
        second = current[1]
        second.status = TimetableStatus.ACTIVE
        second.start, second.review_date, second.end = (
            today - dt.timedelta(weeks=1),
            today + dt.timedelta(weeks=2),
            today + dt.timedelta(weeks=5),
        )
        second.reason_category = TimetableReason.SUSPENSION
        second.reason = "Reintegration after a suspension (demo)"
        second.behaviour_related, second.behaviour_justification = True, JUSTIFICATION
        second.la_scrutiny = LaScrutiny.REQUESTED
    fields = [
        "reason_category", "reason", "hours_per_week", "return_plan", "parent_contact", "start", "review_date",
        "end", "behaviour_related", "behaviour_justification", "la_scrutiny", "status",
    ]  # fmt: skip
    PartTimeTimetable.objects.bulk_update(timetables, fields, batch_size=500)
    sync_timetable_prompts(today, timetables=current)
    return len(timetables)
