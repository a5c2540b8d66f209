"""Subject access from a school the pupil has left holds that school's own period only (issue 14, finding 4);
from the school the pupil joined, nothing before its admission date; from the LA, the whole record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from attend.audit.models import AuditEvent
from attend.casework.tests.factories import make_circumstance, make_part_time_timetable
from attend.core.tests.moves import NEW_ADDRESS, NEW_PHONE, TODAY, make_moved_pupil
from attend.people.models import Pupil

from .test_subject_access import read, rows


def _viewed(pupil: Pupil, school, day: dt.date, page: str) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    AuditEvent.objects.create(
        at=at, action="people.pupil.viewed", pupil=pupil, school=school, object_type="people.pupil",
        object_id=str(pupil.pk), data={"page": page},
    )  # fmt: skip


@pytest.fixture
def moved(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    world = make_moved_pupil()
    pupil = world["pupil"]
    make_part_time_timetable(pupil, world["alder"], start=dt.date(2025, 10, 6), reason="Alder: phased return")
    make_part_time_timetable(
        pupil,
        world["beech"],
        start=dt.date(2025, 12, 2),
        review_date=dt.date(2025, 12, 16),
        reason="Beech: settling in",
    )
    make_circumstance(pupil, summary="Beech: recorded after the move", start=dt.date(2025, 12, 3))
    _viewed(pupil, world["alder"], dt.date(2025, 11, 20), "alder-visit")
    _viewed(pupil, world["beech"], dt.date(2025, 12, 5), "beech-visit")
    return world


def export(client, user, pupil) -> dict[str, bytes]:
    client.force_login(user)
    response = client.post(reverse("privacy:subject-access", args=[pupil.upn]))
    assert response.status_code == 200
    return read(response.content)


def test_the_old_schools_dsl_exports_its_own_period_only(client, moved):
    files = export(client, moved["alder_dsl"], moved["pupil"])
    everything = b"".join(files.values()).decode("utf-8", "replace")
    assert "Beech" not in everything and NEW_PHONE not in everything and NEW_ADDRESS not in everything
    assert [r["school"] for r in rows(files, "enrolments.csv")] == ["Alder Primary"]
    marks = rows(files, "marks.csv")
    assert len(marks) == 10 and {m["date"] for m in marks} <= {f"2025-11-{d}" for d in range(17, 22)}
    assert rows(files, "contacts.csv") == []
    assert [a["reason"] for a in rows(files, "alerts.csv")] == ["Alder: missed 20% of possible sessions"]
    assert [c["reason"] for c in rows(files, "casework.csv")] == ["Alder: phased return"]
    assert rows(files, "circumstances.csv") == []
    assert [e["details"] for e in rows(files, "access_log.csv")] == ["page: alder-visit"]
    identity = json.loads(files["pupil.json"])
    assert identity["upn"] == moved["pupil"].upn and "child_protection_plan" not in identity
    assert "no longer on roll there" in files["README.txt"].decode()
    event = AuditEvent.objects.get(action="privacy.subject_access.exported")
    assert event.data["own_period_only"] is True and event.data["rows"]["marks"] == 10


def test_the_new_schools_head_exports_nothing_from_before_its_admission(client, moved):
    files = export(client, moved["beech_head"], moved["pupil"])
    assert "Alder" not in b"".join(files.values()).decode("utf-8", "replace")
    assert [r["school"] for r in rows(files, "enrolments.csv")] == ["Beech Primary"]
    assert min(m["date"] for m in rows(files, "marks.csv")) == "2025-12-01"
    assert [c["phone_mobile"] for c in rows(files, "contacts.csv")] == [NEW_PHONE]
    assert [c["summary"] for c in rows(files, "circumstances.csv")] == ["Beech: recorded after the move"]
    assert [e["details"] for e in rows(files, "access_log.csv")] == ["page: beech-visit"]
    assert json.loads(files["pupil.json"])["child_protection_plan"] is True


def test_the_la_manager_exports_the_whole_record(client, moved):
    files = export(client, moved["la_manager"], moved["pupil"])
    assert [r["school"] for r in rows(files, "enrolments.csv")] == ["Alder Primary", "Beech Primary"]
    # Both periods (the stray Alder mark dated after Alder's leaving day belongs to no period).
    assert len(rows(files, "marks.csv")) == 20
    assert [c["phone_mobile"] for c in rows(files, "contacts.csv")] == [NEW_PHONE]
    assert len(rows(files, "alerts.csv")) == 2 and len(rows(files, "casework.csv")) == 2
