"""Part-time timetables for the demo LA: the school records most of the timetables behind its C2 marks.

The generator writes C2 (part-time timetable) afternoons for a block of weeks. A school that follows the guidance
records each timetable (agreed with a parent, with a review date); to show rule 8 (part_time_timetable) at work, the
demo leaves every fourth one unrecorded and sets each review date six weeks after the start, so a long timetable
runs past its review.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from attend.registers.models import Mark

from .models import PartTimeTimetable

REVIEW_AFTER = dt.timedelta(weeks=6)


def record_demo_part_time_timetables(*, school_ids, by=None) -> int:
    """Record a timetable for three in four enrolments with C2 marks at these schools; returns how many."""
    spans = (
        Mark.objects.filter(enrolment__school_id__in=school_ids, code="C2")
        .values("enrolment_id", "enrolment__pupil_id", "enrolment__school_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by("enrolment_id")
    )
    rows = [
        PartTimeTimetable(
            pupil_id=span["enrolment__pupil_id"],
            school_id=span["enrolment__school_id"],
            start=span["first"],
            end=span["last"],
            review_date=span["first"] + REVIEW_AFTER,
            reason="Reintegration after a long absence (demo)",
            agreed_with_parent=True,
            sessions_per_week=5,
            recorded_by=by,
        )
        for i, span in enumerate(spans)
        if i % 4 != 3
    ]
    PartTimeTimetable.objects.bulk_create(rows)
    return len(rows)
