"""alerts/0004: every alert linked by free text before cases existed keeps its information, on a real case."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from attend.alerts.models import Alert
from attend.casework.models import Case
from attend.core.tests.factories import make_pupil, make_school, make_user

migration = importlib.import_module("attend.alerts.migrations.0004_cases_link_free_text")
DAY = dt.date(2025, 11, 19)
pytestmark = pytest.mark.django_db


def _alert(school, pupil=None, rule="persistent_absence", by=None):
    return Alert.objects.create(
        key=f"k{pupil.pk if pupil else 0}",
        rule=rule,
        pupil=pupil,
        school=school,
        raised_on=DAY,
        last_evaluated_on=DAY,
        reason="Missed 16%",
        measure=16.0,
        peak_measure=16.0,
        status="linked",
        status_changed_by=by,
        status_changed_at=timezone.make_aware(dt.datetime(2025, 11, 18, 14, 5)),
    )


def test_free_text_links_become_cases_and_nothing_typed_is_lost():
    school = make_school(name="Alder Primary")
    amira = make_user("amira")
    existing_pupil, new_pupil, open_pupil = (
        make_pupil(school=school, surname=s) for s in ("Ash", "Birch", "Cole")
    )
    existing = Case.objects.create(
        ref="CW-000041", pupil=existing_pupil, school=school, status="closed", close_reason="improved"
    )
    already_open = Case.objects.create(ref="CW-000042", pupil=open_pupil, school=school)
    by_ref = _alert(school, existing_pupil, by=amira)
    by_text = _alert(school, new_pupil, by=amira)
    onto_open = _alert(school, open_pupil)
    school_level = _alert(school, None, rule="school_trend")

    counts = migration.link_free_text(
        apps,
        [
            (by_ref.pk, " cw-000041 "),
            (by_text.pk, "EH-2041 (early help)"),
            (onto_open.pk, "Panel 12"),
            (school_level.pk, "Governors' review"),
        ],
    )

    assert counts == {"matched": 1, "opened": 1, "noted": 2, "school_level": 1}
    (
        by_ref.refresh_from_db(),
        by_text.refresh_from_db(),
        onto_open.refresh_from_db(),
        school_level.refresh_from_db(),
    )
    assert by_ref.case == existing and existing.entries.count() == 0
    opened = by_text.case
    assert (
        opened.ref,
        opened.pupil,
        opened.school,
        opened.local_authority,
        opened.stage,
        opened.opened_by,
    ) == (
        "CW-000043",
        new_pupil,
        school,
        school.local_authority,
        "listen",
        amira,
    )
    note = opened.entries.get()
    assert (note.kind, note.summary, note.recorded_by, note.pupil, note.source_ref) == (
        "note",
        "Linked before cases existed: 'EH-2041 (early help)'",
        amira,
        new_pupil,
        f"alerts.Alert:{by_text.pk}",
    )
    assert note.occurred_at == timezone.make_aware(dt.datetime(2025, 11, 18, 14, 5))
    assert onto_open.case == already_open
    assert [e.summary for e in already_open.entries.all()] == ["Linked before cases existed: 'Panel 12'"]
    assert school_level.case is None and school_level.details["linked_before_cases"] == "Governors' review"
    assert by_text.details["linked_before_cases"] == "EH-2041 (early help)"
    assert Case.objects.count() == 3
