"""Consent for direct work, meetings by telephone or video, their invitations, records and action plans (seed 000).

- Consent: which parent, how, when, until when; the parent at home and the parent's number used (never the
  child's). An officer may record a different arrangement with its reason (an older pupil, a young carer, a
  looked-after child through the social worker or the carer's delegated authority). Recording and withdrawing
  are each a "consent" chronology entry.
- Booking: each contact's barriers (people.ContactSafety) are shown first; a video call for a contact with no
  technology at home is refused ("offer a telephone meeting"); direct work with a child is refused without a
  consent valid on the day (or a different arrangement with its reason).
- Invitation, record and action plan go through Letters and onto the chronology with `message=`.
- The record (meeting_records.py): the agenda lines are its headings; agreed actions become actions on the case's
  active support plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.core import clock
from attend.letters.compose import MessageError, compose
from attend.letters.context import Meeting as MeetingDetails
from attend.letters.context import contact_name
from attend.letters.models import Message
from attend.letters.services import message_create, message_send
from attend.people.models import Contact, ContactSafety, PupilContact

from .chronology import EntryRefused, record_entry, record_message
from .models import Case, Consent, EntryKind, Meeting

NO_TECH = ContactSafety.Barrier.NO_TECHNOLOGY


class Refused(EntryRefused):
    """A booking, consent or record refused, with the reason in words for the officer."""


# A different arrangement from the parent's consent (issue 16): the kind and its reason.
ARRANGEMENTS = {
    "older_pupil": "Older pupil who consents for themselves",
    "young_carer": "Young carer",
    "looked_after": "Looked-after child: consent through the social worker or the carer's delegated authority",
}


def child_name(case: Case) -> str:
    if case.pupil_id:
        pupil = case.pupil
        return f"{pupil.preferred_forename or pupil.legal_forename} {pupil.legal_surname}"
    return f"{case.child_forename} {case.child_surname}".strip() or "the child"


def case_contacts(case: Case) -> list[PupilContact]:
    """The pupil's contacts in priority order (phone first on every page), with their safety records."""
    if not case.pupil_id:
        return []
    return list(
        PupilContact.objects.filter(pupil_id=case.pupil_id)
        .select_related("contact", "contact__safety")
        .order_by("priority", "id")
    )


def safety_of(contact: Contact) -> ContactSafety | None:
    try:
        return contact.safety
    except ContactSafety.DoesNotExist:
        return None


@dataclass
class ContactBarriers:
    link: PupilContact
    barriers: list[str]
    note: str
    no_technology: bool
    interpreter: str

    @property
    def contact(self) -> Contact:
        return self.link.contact


def barriers_before_booking(case: Case) -> list[ContactBarriers]:
    """What the officer must see before booking: each contact's barriers to communication."""
    rows = []
    for link in case_contacts(case):
        safety = safety_of(link.contact)
        values = list(safety.barriers) if safety else []
        labels = [ContactSafety.Barrier(v).label for v in values if v in ContactSafety.Barrier.values]
        interpreter = ""
        if link.contact.interpreter_needed:
            lang = link.contact.preferred_language
            interpreter = f"Interpreter needed{f' ({lang})' if lang else ''}"
        rows.append(
            ContactBarriers(
                link, labels, safety.barriers_note if safety else "", NO_TECH in values, interpreter
            )
        )
    return rows


# --- Consent -----------------------------------------------------------------------------------------------


def consent_record(
    case: Case,
    *,
    by,
    how: str,
    given_on: dt.date,
    expires_on: dt.date | None = None,
    contact: Contact | None = None,
    given_by_name: str = "",
    parent_at_home: bool = True,
    contact_number: str = "",
    arrangement: str = "",
    arrangement_reason: str = "",
    scope: str = "",
    request=None,
) -> Consent:
    """Record a parent's consent (or a different arrangement with its reason) and put it on the chronology."""
    today = clock.today()
    if given_on > today:
        raise Refused("Consent records what was given: the date cannot be in the future")
    if expires_on and expires_on < given_on:
        raise Refused("The consent cannot expire before it was given")
    other = ""
    if arrangement:
        if arrangement not in ARRANGEMENTS:
            raise Refused("Choose a different arrangement from the list")
        if not arrangement_reason.strip():
            raise Refused("Give the reason for the different arrangement")
        if not given_by_name.strip() and contact is None:
            raise Refused("Say who agreed to the arrangement (for example the social worker)")
        other = f"{ARRANGEMENTS[arrangement]}: {arrangement_reason.strip()}"
    else:
        if contact is None:
            raise Refused("Choose which parent or carer gave consent")
        if not parent_at_home:
            raise Refused(
                "The parent must be at home during direct work with the child; "
                "otherwise record a different arrangement with its reason"
            )
        if not contact_number.strip():
            raise Refused("Enter the parent's number used to reach the child (never the child's own)")
    name = given_by_name.strip() or contact_name(contact)
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            contact=contact,
            given_by_name=name,
            how=how,
            given_on=given_on,
            expires_on=expires_on,
            scope=scope.strip() or "Direct-work sessions with the child by telephone or video",
            parent_at_home=parent_at_home,
            contact_number=contact_number.strip(),
            other_arrangement=other,
            recorded_by=by,
        )
        until = f" until {expires_on:%-d %B %Y}" if expires_on else ""
        summary = (
            f"Consent to direct work with {child_name(case)} given by {name} "
            f"({Consent.How(how).label.lower()}) on {given_on:%-d %B %Y}{until}."
        )
        if other:
            summary += f" Different arrangement: {other}."
        else:
            summary += f" Parent at home; contact through the parent's number {consent.contact_number}."
        record_entry(
            case, kind=EntryKind.CONSENT, summary=summary, by=by, source_ref=f"casework.Consent:{consent.pk}"
        )
        audit.record(
            "casework.consent.recorded",
            by=by,
            obj=consent,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "given_by": name, "arrangement": arrangement or "parent"},
            request=request,
        )
    return consent


def consent_withdraw(consent: Consent, *, by, on: dt.date | None = None, reason: str = "", request=None):
    on = on or clock.today()
    if consent.withdrawn_on:
        raise Refused(f"This consent was already withdrawn on {consent.withdrawn_on:%-d %B %Y}")
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(withdrawn_on=on)
        consent.withdrawn_on = on
        record_entry(
            consent.case,
            kind=EntryKind.CONSENT,
            summary=f"Consent given by {consent.given_by_name} withdrawn on {on:%-d %B %Y}"
            + (f": {reason.strip()}" if reason.strip() else "."),
            by=by,
            source_ref=f"casework.Consent:{consent.pk}",
        )
        audit.record(
            "casework.consent.withdrawn",
            by=by,
            obj=consent,
            pupil=consent.case.pupil,
            school=consent.case.school,
            data={"case": consent.case.ref, "given_by": consent.given_by_name},
            request=request,
        )
    return consent


def valid_consent(case: Case, day: dt.date) -> Consent | None:
    for consent in case.consents.order_by("-given_on", "-id"):
        if consent.is_valid_on(day):
            return consent
    return None


# --- Booking -----------------------------------------------------------------------------------------------


@dataclass
class Booking:
    method: str
    purpose: str
    starts_at: dt.datetime
    length_minutes: int
    agenda: str
    joining_details: str = ""
    series: str = ""
    purpose_shared: str = ""
    other_arrangement: str = ""
    invite: Contact | None = None
    route: str = Message.Route.EMAIL


def agenda_lines(text: str) -> list[str]:
    return [
        ln.strip().lstrip("-•* ").strip() for ln in (text or "").splitlines() if ln.strip().lstrip("-•* ")
    ]


def check_booking(case: Case, booking: Booking) -> Consent | None:
    """Refuse what cannot be booked, with the reason; the consent it rests on for direct work."""
    if not agenda_lines(booking.agenda):
        raise Refused("Enter the agenda, one item a line: it becomes the record's headings")
    if booking.starts_at.date() < clock.today():
        raise Refused("A meeting is booked for today or later")
    if booking.method == Meeting.Method.VIDEO:
        for row in barriers_before_booking(case):
            if row.no_technology and (booking.invite is None or row.contact.pk == booking.invite.pk):
                raise Refused(
                    f"{contact_name(row.contact)} has no computer or smartphone at home, so a video call will "
                    "not work for them: offer a telephone meeting instead"
                )
        if not booking.joining_details.strip():
            raise Refused("Enter the joining details for the video call (the link)")
    if booking.purpose != Meeting.Purpose.DIRECT_WORK:
        return None
    if not booking.purpose_shared.strip():
        raise Refused("Share the purpose and outline of the direct-work session in advance")
    consent = valid_consent(case, booking.starts_at.date())
    if consent is None and not booking.other_arrangement.strip():
        raise Refused(
            f"Direct work with {child_name(case)} cannot be booked without a parent's consent valid on "
            f"{booking.starts_at:%-d %B %Y}: record the consent first, or record a different arrangement "
            "with its reason"
        )
    return consent


def meeting_details(meeting: Meeting, *, agenda: str | None = None, record: str = "") -> MeetingDetails:
    local = timezone.localtime(meeting.starts_at)
    kind = {
        Meeting.Method.TELEPHONE: "telephone meeting",
        Meeting.Method.VIDEO: "online meeting",
        Meeting.Method.IN_PERSON: "meeting in person",
    }[meeting.method]
    if meeting.purpose == Meeting.Purpose.DIRECT_WORK:
        kind = kind.replace("meeting", "session")
    lines = agenda_lines(meeting.agenda)
    return MeetingDetails(
        kind=kind,
        date=local.date(),
        time=local.strftime("%-I:%M%p").lower(),
        length=f"about {meeting.length_minutes} minutes",
        how_to_join=meeting.joining_details,
        agenda=agenda if agenda is not None else "\n".join(f"- {ln}" for ln in lines),
        record=record,
    )


def book_meeting(case: Case, booking: Booking, *, by, request=None) -> Meeting:
    """Book a meeting (refused with the reason when it cannot be) and send its invitation through Letters."""
    consent = check_booking(case, booking)
    try:
        # One transaction: an invitation that cannot be made (no email address on record) books nothing.
        with transaction.atomic():
            meeting = Meeting.objects.create(
                case=case,
                method=booking.method,
                purpose=booking.purpose,
                starts_at=booking.starts_at,
                length_minutes=booking.length_minutes,
                agenda="\n".join(agenda_lines(booking.agenda)),
                joining_details=booking.joining_details.strip(),
                series=booking.series.strip(),
                purpose_shared=booking.purpose_shared.strip(),
                consent=consent,
                other_arrangement=booking.other_arrangement.strip() if consent is None else "",
                created_by=by,
            )
            audit.record(
                "casework.meeting.booked",
                by=by,
                obj=meeting,
                pupil=case.pupil,
                school=case.school,
                data={"case": case.ref, "method": meeting.method, "purpose": meeting.purpose},
                request=request,
            )
            if booking.invite is not None and case.pupil_id:
                message = send_for_meeting(
                    meeting, "meeting_invitation", booking.invite, booking.route, by=by
                )
                Meeting.objects.filter(pk=meeting.pk).update(invitation=message)
                meeting.invitation = message
    except MessageError as exc:
        raise Refused(str(exc)) from exc
    return meeting


def send_for_meeting(
    meeting: Meeting,
    template: str,
    contact: Contact,
    route: str,
    *,
    by,
    details: MeetingDetails | None = None,
) -> Message:
    """Compose, record and send one message about a meeting, and put it on the case's chronology."""
    case = meeting.case
    today = clock.today()
    draft = compose(
        template_name=template,
        pupil=case.pupil,
        contact=contact,
        route=route,
        as_of=today,
        by=by,
        meeting=details or meeting_details(meeting),
    )
    key = f"casework/meeting/{meeting.pk}/{template}/{contact.pk}/{route}"
    message = message_send(message_create(draft, as_of=today, by=by, key=key), by=by)
    record_message(case, message, by=by)
    return message
