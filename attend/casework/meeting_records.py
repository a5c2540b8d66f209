"""Recording a meeting afterwards, and sending the record and the follow-up action plan to the parents.

The agenda lines are the record's headings; agreed actions (what, who, by when) become actions on the case's active
support plan (one is started if there is none); the meeting is one chronology entry of its kind (telephone, video,
school, multi-agency, panel, direct work). The record and the action plan go through Letters and onto the
chronology with `record_message`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.core import clock
from attend.core.locking import update_if_version
from attend.letters.compose import MessageError
from attend.letters.models import Message
from attend.people.models import Contact

from .chronology import record_entry
from .meetings import Refused, agenda_lines, meeting_details, send_for_meeting
from .models import Case, EntryKind, Meeting, PlanAction, SupportPlan


@dataclass
class AgreedAction:
    what: str
    owner: str
    due: dt.date
    owner_name: str = ""


ENTRY_KIND_FOR_METHOD = {
    Meeting.Method.TELEPHONE: EntryKind.TELEPHONE_MEETING,
    Meeting.Method.VIDEO: EntryKind.VIDEO_MEETING,
    Meeting.Method.IN_PERSON: EntryKind.SCHOOL_MEETING,
}


def entry_kind(meeting: Meeting) -> str:
    if meeting.purpose == Meeting.Purpose.DIRECT_WORK:
        return EntryKind.DIRECT_WORK
    if meeting.purpose == Meeting.Purpose.MULTI_AGENCY:
        return EntryKind.MULTI_AGENCY_MEETING
    if meeting.purpose == Meeting.Purpose.PANEL:
        return EntryKind.ATTENDANCE_PANEL
    return ENTRY_KIND_FOR_METHOD[meeting.method]


def record_text(meeting: Meeting, notes: list[str]) -> str:
    """The written record: each agenda line a heading, its notes beneath."""
    parts = []
    for heading, note in zip(agenda_lines(meeting.agenda), notes, strict=False):
        parts.append(f"## {heading}\n{note.strip() or 'Not discussed.'}")
    return "\n\n".join(parts)


def record_blocks(text: str) -> list[tuple[str, str]]:
    """The record as (heading, text) pairs for a page."""
    blocks = []
    for block in (text or "").split("\n\n"):
        first, _, rest = block.partition("\n")
        if first.startswith("## "):
            blocks.append((first[3:], rest))
        else:
            blocks.append(("", block))
    return blocks


def active_plan(case: Case, *, by, today: dt.date) -> SupportPlan:
    plan = case.plans.filter(status=SupportPlan.Status.ACTIVE).order_by("-started_on", "-id").first()
    if plan is None:
        plan = SupportPlan.objects.create(
            case=case,
            title="Attendance support plan",
            started_on=today,
            review_date=today + dt.timedelta(weeks=6),
            created_by=by,
        )
        record_entry(
            case,
            kind=EntryKind.PLAN,
            summary=f"Attendance support plan started (review by {plan.review_date:%-d %B %Y}).",
            by=by,
            source_ref=f"casework.SupportPlan:{plan.pk}",
        )
    return plan


@dataclass
class MeetingRecord:
    held: bool
    notes: list[str]
    child_seen: bool | None = None
    child_heard: bool | None = None
    child_words: str = ""
    parent_words: str = ""
    participants: str = ""
    actions: list[AgreedAction] | None = None
    next_step: str = ""
    next_step_due: dt.date | None = None
    why_not_held: str = ""


def record_meeting(meeting: Meeting, rec: MeetingRecord, *, by, version: int, request=None):
    """Write the meeting's record (once: the version must still be the one the officer saw), put it on the
    chronology, and turn the agreed actions into actions on the active support plan."""
    case = meeting.case
    today = clock.today()
    if meeting.status != Meeting.Status.PLANNED:
        raise Refused("This meeting has been recorded already: add a note to the case to correct it")
    if timezone.localtime(meeting.starts_at).date() > today:
        raise Refused("A meeting can be recorded on or after its day")
    if not rec.held and not rec.why_not_held.strip():
        raise Refused("Say why the meeting did not take place")
    actions = rec.actions or []
    for action in actions:
        if action.owner not in PlanAction.Owner.values:
            raise Refused(f"Choose who owns the action '{action.what}'")
        if action.due < today:
            raise Refused(f"The action '{action.what}' is due in the past")
    text = record_text(meeting, rec.notes) if rec.held else f"Did not take place: {rec.why_not_held.strip()}"
    status = Meeting.Status.HELD if rec.held else Meeting.Status.NOT_ATTENDED
    with transaction.atomic():
        if not update_if_version(Meeting, meeting.pk, version, status=status, record=text):
            raise Refused(
                "Someone else recorded this meeting while you were writing: reload the page to see it"
            )
        plan = None
        if rec.held and actions:
            plan = active_plan(case, by=by, today=today)
            for action in actions:
                PlanAction.objects.create(
                    plan=plan,
                    description=action.what.strip(),
                    owner=action.owner,
                    owner_name=action.owner_name.strip(),
                    starts_on=today,
                    due=action.due,
                )
        agreed = "".join(
            f"\n- {a.what} ({PlanAction.Owner(a.owner).label}, by {a.due:%-d %B %Y})" for a in actions
        )
        label = Meeting.Method(meeting.method).label.lower()
        summary = (
            f"{Meeting.Purpose(meeting.purpose).label} ({label}): "
            + ("held." if rec.held else f"did not take place ({rec.why_not_held.strip()}).")
            + (f"\n\n{text}" if rec.held else "")
            + (f"\n\nAgreed actions:{agreed}" if agreed else "")
        )
        entry = record_entry(
            case,
            kind=entry_kind(meeting),
            summary=summary,
            by=by,
            occurred_at=min(meeting.starts_at, clock.now()),
            participants=rec.participants.strip(),
            child_seen=rec.child_seen if rec.held else False,
            child_heard=rec.child_heard if rec.held else False,
            child_words=rec.child_words.strip(),
            parent_words=rec.parent_words.strip(),
            next_step=rec.next_step.strip(),
            next_step_due=rec.next_step_due,
            source_ref=f"casework.Meeting:{meeting.pk}",
            request=request,
        )
        audit.record(
            "casework.meeting.recorded",
            by=by,
            obj=meeting,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "held": rec.held, "actions": len(actions)},
            request=request,
        )
    meeting.refresh_from_db()
    return entry, plan


def send_record_and_plan(meeting: Meeting, contact: Contact, route: str, *, by) -> list[Message]:
    """Send the written record and the follow-up action plan to a parent through Letters."""
    if meeting.status != Meeting.Status.HELD:
        raise Refused("Record the meeting as held before sending its record")
    if not meeting.case.pupil_id:
        raise Refused("Letters go to the parents of a pupil on a roll: link the case to the pupil first")
    plan = meeting.case.plans.filter(status=SupportPlan.Status.ACTIVE).first()
    actions = list(plan.actions.all()) if plan else []
    agreed = "\n".join(
        f"- {a.description} ({a.owner_name or a.get_owner_display()}, by {a.due:%-d %B %Y})" for a in actions
    )
    # The shipped templates print {{ meeting.agenda }} under "What we talked about" / "What we agreed": the
    # record's headings and notes, then the agreed actions. {{ meeting.record }} holds the record for templates
    # that name it. The action plan's date is the plan's review.
    record = meeting_details(meeting, agenda=meeting.record, record=meeting.record)
    review = meeting_details(meeting, agenda=agreed or "- We will agree the actions with you.", record="")
    review.date, review.time = (plan.review_date if plan else None), ""
    sent = []
    try:
        sent.append(send_for_meeting(meeting, "meeting_record", contact, route, by=by, details=record))
        sent.append(send_for_meeting(meeting, "action_plan", contact, route, by=by, details=review))
    except MessageError as exc:
        raise Refused(str(exc)) from exc
    return sent
