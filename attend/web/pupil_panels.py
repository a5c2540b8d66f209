"""Panels of the pupil page that read other apps' records: part-time timetables (issue 23)."""

from __future__ import annotations

from django.apps import apps

from attend.core.scoping import PupilAccess


def pupil_timetables(access: PupilAccess) -> list:
    """The pupil's recorded part-time timetables at the schools whose periods the user sees, latest first.
    Casework holds them; without the app there are none."""
    if not apps.is_installed("attend.casework"):
        return []
    model = apps.get_model("casework", "PartTimeTimetable")
    rows = model.objects.filter(pupil=access.pupil).select_related("school")
    if not access.whole:
        rows = rows.filter(school_id__in=access.school_ids)
    return list(rows.order_by("-start", "-pk"))
