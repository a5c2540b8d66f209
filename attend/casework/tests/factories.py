"""One default per model: a part-time timetable agreed for this half-term."""

from __future__ import annotations

import datetime as dt

from attend.casework.models import PartTimeTimetable


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
