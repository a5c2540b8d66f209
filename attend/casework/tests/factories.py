"""One default per model: a part-time timetable agreed for this half-term."""

from __future__ import annotations

import datetime as dt

from attend.casework.models import PartTimeTimetable, PupilCircumstance


def make_part_time_timetable(pupil, school, **kwargs) -> PartTimeTimetable:
    defaults = {
        "start": dt.date(2025, 11, 3),
        "end": dt.date(2025, 12, 19),
        "review_date": dt.date(2025, 11, 28),
        "reason": "Medical reintegration after a long illness",
        "agreed_with_parent": True,
        "sessions_per_week": 6,
    }
    defaults.update(kwargs)
    return PartTimeTimetable.objects.create(pupil=pupil, school=school, **defaults)


def make_circumstance(pupil, **kwargs) -> PupilCircumstance:
    defaults = {
        "kind": PupilCircumstance.Kind.MEDICAL_CONDITION,
        "summary": "Asthma, care plan in place (test record)",
        "start": dt.date(2025, 9, 1),
    }
    defaults.update(kwargs)
    return PupilCircumstance.objects.create(pupil=pupil, **defaults)
