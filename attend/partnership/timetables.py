"""Part-time timetables recorded and reviewed from the pupil page (issue 17): the only lawful use of C2.

A timetable is agreed with a parent the pupil lives with (2024 Regs reg 11), time-limited (a planned end is
required), formally reviewed, with a plan back to full time, and the LA is told of each new or changed one
(domain.md §5). It must never be used to manage behaviour: a behaviour-related reason is not refused (staff would
only be pushed to mislabel it) but needs a fuller justification and goes to the LA for scrutiny.

The LA is told through Letters (attend.partnership.timetable_notice): a recorded message from the shipped template
`timetable_la_notice` to `ATTEND_LA_NOTIFY_EMAIL` (else the LA's letterhead email), sent once per change, audited
as `partnership.timetable.la_notified` and on the pupil's open case chronology. It is sent after the timetable is
saved, so a slow or failed email never undoes the record (the failure shows on the message and the case).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.casework.models import (
    OPEN_CASE_STATUSES,
    Case,
    EntryKind,
    LaScrutiny,
    PartTimeTimetable,
    TimetableReason,
    TimetableReview,
    TimetableStatus,
)
from attend.core import clock
from attend.core.locking import VersionConflict, update_if_version
from attend.people.models import PupilContact

from .timetable_notice import notify_la

# Dudley's guidance, quoted in seed 002 (the DfE wording); the form shows it above the reason.
GUIDANCE = (
    "All pupils of compulsory school age are entitled to a full-time education. In very exceptional "
    "circumstances, where it is in a pupil's best interests, there may be a need for a temporary part-time "
    "timetable to meet their individual needs. For example, where a medical condition prevents a pupil from "
    "attending full-time education and a part-time timetable is considered as part of a re-integration package. "
    "A part-time timetable should not be used to manage a pupil's behaviour. A part-time timetable must only be in "
    "place for the shortest time necessary and not be treated as a long-term solution."
)
# Words in a written reason that make it behaviour-related (as does the reintegration-after-suspension category).
BEHAVIOUR_WORDS = re.compile(
    r"\b(behaviou?r\w*|disrupt\w*|exclu\w*|suspen\w*|aggress\w*|violen\w*|defian\w*|conduct)\b", re.I
)
JUSTIFICATION_MIN = 150


class TimetableRefused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _d(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not set"


def is_behaviour_related(category: str, reason: str, ticked: bool) -> bool:
    return ticked or category == TimetableReason.SUSPENSION or bool(BEHAVIOUR_WORDS.search(reason or ""))


def parents_living_with(pupil) -> list[PupilContact]:
    """The contacts a timetable may be agreed with: a parent (with parental responsibility) the pupil lives with."""
    return list(
        PupilContact.objects.filter(pupil=pupil, lives_with_pupil=True, parental_responsibility=True)
        .select_related("contact")
        .order_by("priority")
    )


def _check(data: dict, pupil) -> None:
    """Refuse what the guidance does not allow, with the reason, field by field."""
    if not data.get("end"):
        raise TimetableRefused(
            "Enter the planned end date: a part-time timetable must be time-limited", "end"
        )
    if data["end"] < data["start"]:
        raise TimetableRefused("The planned end must be on or after the start date", "end")
    if not (data["start"] <= data["review_date"] <= data["end"]):
        raise TimetableRefused("The review date must be between the start and the planned end", "review_date")
    contact = data.get("parent_contact")
    if contact is None or contact.pk not in {pc.contact_id for pc in parents_living_with(pupil)}:
        raise TimetableRefused(
            "Choose the parent the timetable was agreed with: a parent the pupil lives with", "parent_contact"
        )
    if data.get("behaviour_related") and len((data.get("behaviour_justification") or "").strip()) < (
        JUSTIFICATION_MIN
    ):
        raise TimetableRefused(
            f"The reason is related to behaviour: explain in at least {JUSTIFICATION_MIN} characters why the "
            "timetable is in the pupil's best interests and is not being used to manage their behaviour",
            "behaviour_justification",
        )


def timetable_record(*, pupil, school, by, data: dict, request=None) -> PartTimeTimetable:
    """Record a new timetable, tell the LA, and put both on the pupil's open case. `data` has the model's fields."""
    data = dict(data)
    data["behaviour_related"] = is_behaviour_related(
        data.get("reason_category", ""), data.get("reason", ""), bool(data.get("behaviour_related"))
    )
    _check(data, pupil)
    scrutiny = LaScrutiny.REQUESTED if data["behaviour_related"] else LaScrutiny.NOT_NEEDED
    with transaction.atomic():
        timetable = PartTimeTimetable.objects.create(
            pupil=pupil, school=school, recorded_by=by, agreed_with_parent=True, la_scrutiny=scrutiny, **data
        )
        audit.record(
            "partnership.timetable.recorded",
            by=by,
            obj=timetable,
            pupil=pupil,
            school=school,
            request=request,
            data={"start": str(timetable.start), "end": str(timetable.end), "scrutiny": scrutiny},
        )
    notify_la(timetable, what="new", by=by)
    return timetable


@dataclass(frozen=True)
class ReviewInput:
    reviewed_on: dt.date
    notes: str
    outcome: str  # "continue" (new dates) or "end" (back to full time)
    next_review_date: dt.date | None = None
    end: dt.date | None = None
    sessions_per_week: int | None = None
    hours_per_week: Decimal | None = None


def timetable_review(
    timetable: PartTimeTimetable, *, by, expected_version: int, review: ReviewInput, request=None
):
    """Record a review; a continued timetable takes its new review date (and end or hours); an ended one stops
    being current. The LA is told when the dates, hours or status change."""
    changes: dict = {"updated_at": timezone.now()}
    if review.outcome == "end":
        changes["status"] = TimetableStatus.ENDED
        changes["end"] = min(timetable.end, max(review.reviewed_on, timetable.start))
    else:
        end = review.end or timetable.end
        if review.next_review_date is None:
            raise TimetableRefused("Enter the date of the next review", "next_review_date")
        if not (review.reviewed_on <= review.next_review_date <= end):
            raise TimetableRefused(
                "The next review must be after this review and on or before the planned end",
                "next_review_date",
            )
        if end < timetable.start:
            raise TimetableRefused("The planned end must be on or after the start date", "end")
        changes.update(review_date=review.next_review_date, end=end)
        if review.sessions_per_week is not None:
            changes["sessions_per_week"] = review.sessions_per_week
        if review.hours_per_week is not None:
            changes["hours_per_week"] = review.hours_per_week
    before = {k: str(getattr(timetable, k)) for k in changes if k != "updated_at"}
    with transaction.atomic():
        if not update_if_version(PartTimeTimetable, timetable.pk, expected_version, **changes):
            raise VersionConflict(
                "Someone else changed this timetable while you were reviewing it. It is shown as it is now: "
                "check it and record your review again.",
                PartTimeTimetable.objects.filter(pk=timetable.pk).first(),
            )
        TimetableReview.objects.create(
            timetable=timetable,
            reviewed_on=review.reviewed_on,
            notes=review.notes,
            next_review_date=changes.get("review_date"),
            reviewed_by=by,
        )
        timetable.refresh_from_db()
        after = {k: str(getattr(timetable, k)) for k in before}
        audit.record(
            "partnership.timetable.reviewed",
            by=by,
            obj=timetable,
            pupil=timetable.pupil,
            school=timetable.school,
            request=request,
            before=before,
            after=after,
            data={"outcome": review.outcome},
        )
        from .timetable_checks import sync_timetable_prompts

        sync_timetable_prompts(clock.today(), timetables=[timetable])
    if before != after:
        notify_la(timetable, what="ended" if review.outcome == "end" else "changed", by=by)
    return timetable


def timetable_scrutiny(timetable: PartTimeTimetable, *, by, expected_version: int, decision: str, note: str):
    """The LA's answer to a behaviour-related timetable sent for scrutiny: agreed, or challenged (with why)."""
    if decision not in (LaScrutiny.AGREED, LaScrutiny.CHALLENGED):
        raise TimetableRefused("Choose whether the LA agrees or challenges the timetable", "decision")
    if not timetable.behaviour_related:
        raise TimetableRefused("This timetable was not sent to the LA for scrutiny")
    if not note.strip():
        raise TimetableRefused("Write what the LA found and told the school", "note")
    before = timetable.la_scrutiny
    with transaction.atomic():
        if not update_if_version(
            PartTimeTimetable, timetable.pk, expected_version, la_scrutiny=decision, updated_at=timezone.now()
        ):
            raise VersionConflict(
                "Someone else changed this timetable first. It is shown as it is now: check it and try again.",
                PartTimeTimetable.objects.filter(pk=timetable.pk).first(),
            )
        timetable.refresh_from_db()
        audit.record(
            "partnership.timetable.scrutinised",
            by=by,
            obj=timetable,
            pupil=timetable.pupil,
            school=timetable.school,
            before={"la_scrutiny": before},
            after={"la_scrutiny": decision},
            data={"decision": timetable.get_la_scrutiny_display(), "note": note},
        )
        case = (
            Case.objects.filter(pupil=timetable.pupil, status__in=OPEN_CASE_STATUSES).order_by("-pk").first()
        )
        if case is not None:
            from attend.casework.chronology import record_entry

            record_entry(
                case,
                kind=EntryKind.NOTE,
                summary=f"Part-time timetable from {_d(timetable.start)}: {timetable.get_la_scrutiny_display()}. "
                f"{note.strip()}",
                by=by,
                source="partnership",
                source_ref=f"casework.PartTimeTimetable:{timetable.pk}",
            )
    return timetable
